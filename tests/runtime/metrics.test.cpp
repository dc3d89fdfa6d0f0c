#include "kite/runtime/metrics.hpp"

#include <catch2/catch.hpp>

using Catch::Contains;

TEST_CASE("metrics: counters and gauges of the same name and labels are one series") {
  kite::metrics counts;
  counts.counter("kite_test_events_total", "Events", {{"kind", "a"}}).Increment(3);
  counts.gauge("kite_test_level", "Level").Set(7);
  counts.counter("kite_test_events_total", "Events", {{"kind", "a"}}).Increment();
  auto text = counts.scrape();
  CHECK_THAT(text, Contains("kite_test_events_total{kind=\"a\"} 4"));
  CHECK_THAT(text, Contains("kite_test_level 7"));
}
