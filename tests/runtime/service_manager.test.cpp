#include "kite/runtime/service_manager.hpp"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <string>

#include <catch2/catch.hpp>

#include "temp_dir.hpp"

using namespace std::chrono_literals;

namespace {

/// A datagram socket standing in for systemd's notify socket, bound at `path`.
class notify_socket {
public:
  explicit notify_socket(const std::string& path) : fd_(socket(AF_UNIX, SOCK_DGRAM, 0)) {
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::memcpy(addr.sun_path, path.c_str(), path.size());
    // An abstract name ('@...') is bound with a leading NUL and no terminating one.
    if (addr.sun_path[0] == '@') addr.sun_path[0] = '\0';
    auto size = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + path.size());
    REQUIRE(bind(fd_, reinterpret_cast<sockaddr*>(&addr), size) == 0);
    timeval timeout{1, 0};
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  }
  ~notify_socket() { close(fd_); }

  std::string receive() {
    char buffer[256];
    auto n = recv(fd_, buffer, sizeof buffer, 0);
    return n < 0 ? std::string{} : std::string(buffer, static_cast<size_t>(n));
  }

private:
  int fd_;
};

} // namespace

TEST_CASE("the service manager gets each state on the socket NOTIFY_SOCKET names, "
          "abstract names included") {
  kite::test::temp_dir dir;
  auto path = dir.path() + "/notify";
  notify_socket on_disk{path};
  setenv("NOTIFY_SOCKET", path.c_str(), 1);
  CHECK(kite::notify_service_manager("READY=1\nSTATUS=up"));
  CHECK(on_disk.receive() == "READY=1\nSTATUS=up");

  auto abstract = "@kite-unit-" + std::to_string(getpid());
  notify_socket in_namespace{abstract};
  setenv("NOTIFY_SOCKET", abstract.c_str(), 1);
  CHECK(kite::notify_service_manager("WATCHDOG=1"));
  CHECK(in_namespace.receive() == "WATCHDOG=1");

  unsetenv("NOTIFY_SOCKET");
  CHECK_FALSE(kite::notify_service_manager("READY=1"));
}

TEST_CASE("the watchdog interval comes from WATCHDOG_USEC, for this process only") {
  unsetenv("WATCHDOG_PID");
  setenv("WATCHDOG_USEC", "2500000", 1);
  CHECK(kite::watchdog_interval() == 2500ms);
  setenv("WATCHDOG_PID", std::to_string(getpid()).c_str(), 1);
  CHECK(kite::watchdog_interval() == 2500ms);
  setenv("WATCHDOG_PID", "1", 1);
  CHECK_FALSE(kite::watchdog_interval());
  unsetenv("WATCHDOG_PID");
  setenv("WATCHDOG_USEC", "soon", 1);
  CHECK_FALSE(kite::watchdog_interval());
  unsetenv("WATCHDOG_USEC");
  CHECK_FALSE(kite::watchdog_interval());
}
