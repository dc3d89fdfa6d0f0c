#include "kite/runtime/crash_ledger.hpp"

#include <catch2/catch.hpp>

#include "kite/runtime/error.hpp"

using namespace std::chrono_literals;
using kite::crash_ledger;

namespace {

const caf::error crash = caf::make_error(caf::sec::runtime_error);

/// At most 2 crashes in 1 s per actor; held back 100 ms, then 200 ms, ... without jitter.
kite::supervisor_flags flags() {
  kite::supervisor_flags out;
  out.intensity = 2;
  out.period = 1000ms;
  out.backoff = {100ms, 1000ms, 0.0};
  return out;
}

} // namespace

TEST_CASE("crash ledger: crashes within the intensity are re-activated by the next request") {
  crash_ledger ledger{"hosted", flags()};
  auto t = kite::restart_clock::now();
  ledger.activated("a", t);
  ledger.ended("a", crash, t + 10ms);
  CHECK_FALSE(ledger.may_activate("a", t + 11ms));
  ledger.activated("a", t + 11ms);
  ledger.ended("a", crash, t + 20ms);
  CHECK_FALSE(ledger.may_activate("a", t + 21ms));
  CHECK(ledger.crashes() == 2);
  auto report = ledger.report(t + 21ms);
  REQUIRE(report.children.size() == 1);
  CHECK(report.children[0].id == "a");
  CHECK(report.children[0].state == "stopped");
  CHECK(report.children[0].restarts == 1);
  CHECK(report.recent_restarts == 2);
}

TEST_CASE("crash ledger: past the intensity an actor is held back, longer each loop") {
  crash_ledger ledger{"hosted", flags()};
  auto t = kite::restart_clock::now();
  for (auto at : {10ms, 20ms})
    ledger.ended("a", crash, t + at);
  ledger.ended("a", crash, t + 30ms); // the third within 1 s: held back 100 ms
  auto held = ledger.may_activate("a", t + 40ms);
  CHECK(kite::matches(held, kite::errc::restart_limit));
  CHECK_THAT(kite::describe(held), Catch::Contains("logical actor a crashed more than 2 times"));
  CHECK_THAT(kite::describe(held), Catch::Contains("another 90 ms"));
  CHECK(ledger.report(t + 40ms).children[0].state == "held back");
  CHECK_FALSE(ledger.may_activate("b", t + 40ms)); // others are not affected
  CHECK_FALSE(ledger.may_activate("a", t + 130ms));

  // It crashes again at once: the window is still full, and the backoff doubles.
  ledger.activated("a", t + 130ms);
  ledger.ended("a", crash, t + 140ms);
  CHECK(ledger.may_activate("a", t + 339ms));
  CHECK_FALSE(ledger.may_activate("a", t + 340ms));
}

TEST_CASE("crash ledger: normal ends are not crashes, and a quiet actor is forgotten") {
  crash_ledger ledger{"hosted", flags()};
  auto t = kite::restart_clock::now();
  ledger.ended("a", caf::error{}, t);
  ledger.ended("b", caf::make_error(caf::exit_reason::user_shutdown), t);
  CHECK(ledger.crashes() == 0);
  CHECK(ledger.report(t).children.empty());
  ledger.ended("c", crash, t);
  CHECK(ledger.report(t + 999ms).children.size() == 1);
  CHECK(ledger.report(t + 1000ms).children.empty()); // a whole period without a crash
}
