#include "kite/runtime/service_manager.hpp"

#include <unistd.h>

#include <cstdlib>
#include <string>

#include <catch2/catch.hpp>

#include "notify_socket.hpp"
#include "temp_dir.hpp"

using namespace std::chrono_literals;
using kite::test::notify_socket;

TEST_CASE("the service manager gets each state on the socket NOTIFY_SOCKET names, "
          "abstract names included") {
  kite::test::temp_dir dir;
  auto path = dir.path() + "/notify";
  notify_socket on_disk{path, 1s};
  REQUIRE(on_disk.bound());
  setenv("NOTIFY_SOCKET", path.c_str(), 1);
  CHECK(kite::notify_service_manager("READY=1\nSTATUS=up"));
  CHECK(on_disk.receive() == "READY=1\nSTATUS=up");

  auto abstract = "@kite-unit-" + std::to_string(getpid());
  notify_socket in_namespace{abstract, 1s};
  REQUIRE(in_namespace.bound());
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
