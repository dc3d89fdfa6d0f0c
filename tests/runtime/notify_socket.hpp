// A datagram socket standing in for systemd's notify socket, for tests of what a process (or
// this one) tells the service manager.
#pragma once

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <chrono>
#include <cstddef>
#include <cstring>
#include <string>

namespace kite::test {

/// Bound at `path`, a file or an abstract name ('@...'); receive() waits up to `wait`.
class notify_socket {
public:
  notify_socket(const std::string& path, std::chrono::seconds wait)
      : fd_(socket(AF_UNIX, SOCK_DGRAM, 0)) {
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    if (path.size() >= sizeof addr.sun_path) return;
    std::memcpy(addr.sun_path, path.c_str(), path.size());
    // An abstract name is bound with a leading NUL and no terminating one.
    if (addr.sun_path[0] == '@') addr.sun_path[0] = '\0';
    auto size = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + path.size());
    bound_ = bind(fd_, reinterpret_cast<sockaddr*>(&addr), size) == 0;
    timeval timeout{static_cast<time_t>(wait.count()), 0};
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  }
  ~notify_socket() { close(fd_); }
  notify_socket(const notify_socket&) = delete;
  notify_socket& operator=(const notify_socket&) = delete;

  bool bound() const { return bound_; }

  /// The next state sent here; empty after the wait passed in silence.
  std::string receive() {
    char buffer[512];
    auto n = recv(fd_, buffer, sizeof buffer, 0);
    return n < 0 ? std::string{} : std::string(buffer, static_cast<size_t>(n));
  }

  /// Reads states until STOPPING=1 or silence; returns the last one.
  std::string until_stopping() {
    std::string last;
    for (auto state = receive(); !state.empty(); state = receive()) {
      last = state;
      if (state == "STOPPING=1") break;
    }
    return last;
  }

private:
  int fd_;
  bool bound_ = false;
};

} // namespace kite::test
