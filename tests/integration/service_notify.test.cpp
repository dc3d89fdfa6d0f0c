// kite-edge under a stand-in for systemd's notify socket: it says READY=1 once its pipeline
// runs, WATCHDOG=1 at half the interval WatchdogSec= gives it, and STOPPING=1 on SIGTERM.
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

TEST_CASE("the edge tells systemd it is ready, alive while its pipeline answers, and stopping") {
  loopback_cluster cluster;
  cluster.start_worker();
  auto path = cluster.dir() + "/notify";
  int fd = socket(AF_UNIX, SOCK_DGRAM, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::strncpy(addr.sun_path, path.c_str(), sizeof addr.sun_path - 1);
  REQUIRE(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  timeval timeout{5, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  auto next = [fd] {
    char buffer[512];
    auto n = recv(fd, buffer, sizeof buffer, 0);
    return n < 0 ? std::string{} : std::string(buffer, static_cast<size_t>(n));
  };

  // The child inherits these, as it would from systemd.
  setenv("NOTIFY_SOCKET", path.c_str(), 1);
  setenv("WATCHDOG_USEC", "200000", 1);
  auto edge = cluster.start_edge({"robot-1", 50, 0});
  unsetenv("NOTIFY_SOCKET");
  unsetenv("WATCHDOG_USEC");

  CHECK_THAT(next(), Catch::StartsWith("READY=1\nSTATUS=edge robot-1 runs a pipeline of 3 nodes"));
  for (int i = 0; i < 3; ++i)
    CHECK(next() == "WATCHDOG=1");
  edge->signal(SIGTERM);
  std::string last;
  for (auto state = next(); !state.empty(); state = next()) {
    last = state;
    if (state == "STOPPING=1") break;
  }
  CHECK(last == "STOPPING=1");
  CHECK(edge->wait_for(10s) == 0);
  close(fd);
}
