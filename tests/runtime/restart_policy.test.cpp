#include "kite/runtime/restart_policy.hpp"

#include <catch2/catch.hpp>

using namespace kite;
using std::chrono::milliseconds;

TEST_CASE("restart window: N restarts in the period are admitted, the next one is not") {
  restart_window window{3, milliseconds(1000)};
  restart_clock::time_point t0{};
  CHECK(window.admit(t0));
  CHECK(window.admit(t0 + milliseconds(100)));
  CHECK(window.admit(t0 + milliseconds(200)));
  CHECK_FALSE(window.admit(t0 + milliseconds(300)));
  CHECK(window.recent(t0 + milliseconds(300)) == 3);
}

TEST_CASE("restart window: restarts older than the period no longer count") {
  restart_window window{2, milliseconds(1000)};
  restart_clock::time_point t0{};
  CHECK(window.admit(t0));
  CHECK(window.admit(t0 + milliseconds(500)));
  // The first restart leaves the window exactly one period after it happened.
  CHECK_FALSE(window.admit(t0 + milliseconds(999)));
  CHECK(window.admit(t0 + milliseconds(1000)));
  CHECK(window.recent(t0 + milliseconds(1500)) == 1);
  CHECK(window.recent(t0 + milliseconds(2000)) == 0);
}

TEST_CASE("restart window: intensity 0 admits no restart at all") {
  restart_window window{0, milliseconds(1000)};
  CHECK_FALSE(window.admit(restart_clock::time_point{}));
}

TEST_CASE("backoff: doubles from the initial delay up to the cap") {
  backoff_config cfg{milliseconds(10), milliseconds(100), 0.0};
  CHECK(backoff_delay(cfg, 1, 0.5) == milliseconds(10));
  CHECK(backoff_delay(cfg, 2, 0.5) == milliseconds(20));
  CHECK(backoff_delay(cfg, 3, 0.5) == milliseconds(40));
  CHECK(backoff_delay(cfg, 4, 0.5) == milliseconds(80));
  CHECK(backoff_delay(cfg, 5, 0.5) == milliseconds(100));
  CHECK(backoff_delay(cfg, 1000, 0.5) == milliseconds(100));
}

TEST_CASE("backoff: jitter spreads a delay over [1 - j, 1 + j] of it") {
  backoff_config cfg{milliseconds(100), milliseconds(1000), 0.2};
  CHECK(backoff_delay(cfg, 1, 0.0) == milliseconds(80));
  CHECK(backoff_delay(cfg, 1, 0.5) == milliseconds(100));
  CHECK(backoff_delay(cfg, 1, 0.999) == milliseconds(120));
}

TEST_CASE("backoff: an initial delay of zero restarts at once") {
  backoff_config cfg{milliseconds(0), milliseconds(1000), 0.2};
  CHECK(backoff_delay(cfg, 3, 0.7) == milliseconds(0));
}
