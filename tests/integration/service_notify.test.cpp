// kite-edge and kite-cloud worker under a stand-in for systemd's notify socket: each says READY=1
// once it runs, WATCHDOG=1 at half the interval WatchdogSec= gives it, and STOPPING=1 on SIGTERM.
#include <catch2/catch.hpp>

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "loopback_cluster.hpp"

using namespace std::chrono_literals;
using namespace kite::test;

namespace {

/// A datagram socket where systemd's would be, for the processes started while it is set.
class notify_socket {
public:
  explicit notify_socket(const std::string& path) : fd_(socket(AF_UNIX, SOCK_DGRAM, 0)) {
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::strncpy(addr.sun_path, path.c_str(), sizeof addr.sun_path - 1);
    bound_ = bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    timeval timeout{5, 0};
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  }
  ~notify_socket() { close(fd_); }
  notify_socket(const notify_socket&) = delete;
  notify_socket& operator=(const notify_socket&) = delete;

  bool bound() const { return bound_; }

  /// The next state a process sent; empty after 5 s of silence.
  std::string next() {
    char buffer[512];
    auto n = recv(fd_, buffer, sizeof buffer, 0);
    return n < 0 ? std::string{} : std::string(buffer, static_cast<size_t>(n));
  }

  /// Reads states until STOPPING=1 or silence; returns the last one.
  std::string until_stopping() {
    std::string last;
    for (auto state = next(); !state.empty(); state = next()) {
      last = state;
      if (state == "STOPPING=1") break;
    }
    return last;
  }

private:
  int fd_;
  bool bound_ = false;
};

} // namespace

TEST_CASE("the edge tells systemd it is ready, alive while its pipeline answers, and stopping") {
  loopback_cluster cluster;
  cluster.start_worker();
  notify_socket systemd{cluster.dir() + "/notify"};
  REQUIRE(systemd.bound());

  // The child inherits these, as it would from systemd.
  setenv("NOTIFY_SOCKET", (cluster.dir() + "/notify").c_str(), 1);
  setenv("WATCHDOG_USEC", "200000", 1);
  auto edge = cluster.start_edge({"robot-1", 50, 0});
  unsetenv("NOTIFY_SOCKET");
  unsetenv("WATCHDOG_USEC");

  CHECK_THAT(systemd.next(),
             Catch::StartsWith("READY=1\nSTATUS=edge robot-1 runs a pipeline of 3 nodes"));
  for (int i = 0; i < 3; ++i)
    CHECK(systemd.next() == "WATCHDOG=1");
  edge->signal(SIGTERM);
  CHECK(systemd.until_stopping() == "STOPPING=1");
  CHECK(edge->wait_for(10s) == 0);
}

TEST_CASE("a worker tells systemd it is ready, alive while its scheduler runs actors, and "
          "stopping") {
  loopback_cluster cluster;
  notify_socket systemd{cluster.dir() + "/notify"};
  REQUIRE(systemd.bound());
  setenv("NOTIFY_SOCKET", (cluster.dir() + "/notify").c_str(), 1);
  setenv("WATCHDOG_USEC", "200000", 1);
  auto& worker = cluster.start_worker();
  unsetenv("NOTIFY_SOCKET");
  unsetenv("WATCHDOG_USEC");

  CHECK_THAT(systemd.next(), Catch::StartsWith("READY=1\nSTATUS=worker worker-1 listening on"));
  for (int i = 0; i < 3; ++i)
    CHECK(systemd.next() == "WATCHDOG=1");
  worker.signal(SIGTERM);
  CHECK(systemd.until_stopping() == "STOPPING=1");
  CHECK(worker.wait_for(10s) == 0);
}
