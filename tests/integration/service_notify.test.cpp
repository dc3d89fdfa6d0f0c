// kite-edge and kite-cloud worker under a stand-in for systemd's notify socket: each says READY=1
// once it runs, WATCHDOG=1 at half the interval WatchdogSec= gives it, and STOPPING=1 on SIGTERM.
#include <catch2/catch.hpp>

#include <csignal>
#include <cstdlib>

#include "../runtime/notify_socket.hpp"
#include "loopback_cluster.hpp"

using namespace std::chrono_literals;
using namespace kite::test;

TEST_CASE("the edge tells systemd it is ready, alive while its pipeline answers, and stopping") {
  loopback_cluster cluster;
  cluster.start_worker();
  notify_socket systemd{cluster.dir() + "/notify", 5s};
  REQUIRE(systemd.bound());

  // The child inherits these, as it would from systemd.
  setenv("NOTIFY_SOCKET", (cluster.dir() + "/notify").c_str(), 1);
  setenv("WATCHDOG_USEC", "200000", 1);
  auto edge = cluster.start_edge({"robot-1", 50, 0});
  unsetenv("NOTIFY_SOCKET");
  unsetenv("WATCHDOG_USEC");

  CHECK_THAT(systemd.receive(),
             Catch::StartsWith("READY=1\nSTATUS=edge robot-1 runs a pipeline of 3 nodes"));
  for (int i = 0; i < 3; ++i)
    CHECK(systemd.receive() == "WATCHDOG=1");
  edge->signal(SIGTERM);
  CHECK(systemd.until_stopping() == "STOPPING=1");
  CHECK(edge->wait_for(10s) == 0);
}

TEST_CASE("a worker tells systemd it is ready, alive while its scheduler runs actors, and "
          "stopping") {
  loopback_cluster cluster;
  notify_socket systemd{cluster.dir() + "/notify", 5s};
  REQUIRE(systemd.bound());
  setenv("NOTIFY_SOCKET", (cluster.dir() + "/notify").c_str(), 1);
  setenv("WATCHDOG_USEC", "200000", 1);
  auto& worker = cluster.start_worker();
  unsetenv("NOTIFY_SOCKET");
  unsetenv("WATCHDOG_USEC");

  CHECK_THAT(systemd.receive(), Catch::StartsWith("READY=1\nSTATUS=worker worker-1 listening on"));
  for (int i = 0; i < 3; ++i)
    CHECK(systemd.receive() == "WATCHDOG=1");
  worker.signal(SIGTERM);
  CHECK(systemd.until_stopping() == "STOPPING=1");
  CHECK(worker.wait_for(10s) == 0);
}
