#include "kite/runtime/metrics.hpp"

#include <catch2/catch.hpp>

#include "http_get.hpp"
#include "kite/runtime/error.hpp"

using Catch::Contains;

TEST_CASE("metrics: counters and gauges are scraped over HTTP from a port of the OS's choice") {
  kite::metrics counts;
  counts.counter("kite_test_events_total", "Events", {{"kind", "a"}}).Increment(3);
  counts.gauge("kite_test_level", "Level").Set(7);
  // The same name and labels give the same series.
  counts.counter("kite_test_events_total", "Events", {{"kind", "a"}}).Increment();
  auto port = counts.serve("127.0.0.1:0");
  REQUIRE(port);
  CHECK(*port > 0);
  auto response = kite::test::http_get(*port, "/metrics");
  CHECK_THAT(response, Contains("200 OK"));
  CHECK_THAT(response, Contains("kite_test_events_total{kind=\"a\"} 4"));
  CHECK_THAT(response, Contains("kite_test_level 7"));
  CHECK_THAT(counts.scrape(), Contains("kite_test_events_total{kind=\"a\"} 4"));
}

TEST_CASE("metrics: an address that cannot be bound is an error naming metrics.listen") {
  kite::metrics counts;
  auto port = counts.serve("256.1.1.1:0");
  REQUIRE_FALSE(port);
  CHECK_THAT(kite::describe(port.error()), Contains("metrics.listen '256.1.1.1:0'"));
}
