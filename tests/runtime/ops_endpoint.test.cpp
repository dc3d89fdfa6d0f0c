#include "kite/runtime/ops_endpoint.hpp"

#include <atomic>

#include <catch2/catch.hpp>

#include "http_get.hpp"
#include "kite/runtime/error.hpp"

using Catch::Contains;

namespace {

/// The body of an HTTP response: what follows the blank line.
std::string body_of(const std::string& response) {
  auto at = response.find("\r\n\r\n");
  return at == std::string::npos ? std::string{} : response.substr(at + 4);
}

} // namespace

TEST_CASE("ops endpoint: serves the metrics over HTTP on a port of the OS's choice") {
  kite::metrics counts;
  counts.counter("kite_test_events_total", "Events", {{"kind", "a"}}).Increment(4);
  kite::ops_endpoint ops{counts};
  auto port = ops.serve("127.0.0.1:0");
  REQUIRE(port);
  CHECK(*port > 0);
  auto response = kite::test::http_get(*port, "/metrics");
  CHECK_THAT(response, Contains("200 OK"));
  CHECK_THAT(response, Contains("text/plain; version=0.0.4"));
  CHECK_THAT(response, Contains("kite_test_events_total{kind=\"a\"} 4"));
  // Counted after the server started: every scrape reads the counters anew.
  counts.counter("kite_test_events_total", "Events", {{"kind", "a"}}).Increment();
  CHECK_THAT(kite::test::http_get(*port, "/metrics"),
             Contains("kite_test_events_total{kind=\"a\"} 5"));
  CHECK_THAT(kite::test::http_get(*port, "/nothing-here"), Contains("404"));
  // Exactly the path: civetweb alone would answer these as /metrics and /healthz.
  for (auto near : {"/metricsfoo", "/metrics/", "/healthz.bak"})
    CHECK_THAT(kite::test::http_get(*port, near), Contains("404 Not Found"));
}

TEST_CASE("ops endpoint: /healthz answers while the process lives, /readyz by its checks") {
  kite::metrics counts;
  kite::ops_endpoint ops{counts};
  auto port = ops.serve("127.0.0.1:0");
  REQUIRE(port);
  CHECK_THAT(kite::test::http_get(*port, "/healthz"), Contains("200 OK"));
  // Not ready until the node says what readiness is.
  auto starting = kite::test::http_get(*port, "/readyz");
  CHECK_THAT(starting, Contains("503"));
  CHECK_THAT(body_of(starting), Contains("node: starting"));
  std::atomic<bool> placement_up{true};
  ops.ready_when([&] {
    return std::vector<kite::readiness_check>{
        {"link tcp://127.0.0.1:7000", true, "serving"},
        {"placement tcp://127.0.0.1:7001", placement_up.load(), placement_up ? "up" : "down"}};
  });
  auto ready = kite::test::http_get(*port, "/readyz");
  CHECK_THAT(ready, Contains("200 OK"));
  CHECK(body_of(ready) ==
        "ready\nlink tcp://127.0.0.1:7000: ok, serving\nplacement tcp://127.0.0.1:7001: ok, up\n");
  placement_up = false;
  auto unready = kite::test::http_get(*port, "/readyz");
  CHECK_THAT(unready, Contains("503"));
  CHECK_THAT(body_of(unready), Contains("not ready\n"));
  CHECK_THAT(body_of(unready), Contains("placement tcp://127.0.0.1:7001: FAILING, down"));
  CHECK_THAT(kite::test::http_get(*port, "/healthz"), Contains("200 OK"));
}

TEST_CASE("ops endpoint: a page is made at each request, and one that throws is a 500") {
  kite::metrics counts;
  kite::ops_endpoint ops{counts};
  std::atomic<int> served{0};
  ops.add_page("/status.json", {"application/json",
                                [&] { return "{\"served\":" + std::to_string(++served) + "}"; }});
  ops.add_page("/broken", {"text/plain", []() -> std::string {
                             throw std::runtime_error("the service did not answer");
                           }});
  auto port = ops.serve("127.0.0.1:0");
  REQUIRE(port);
  kite::test::http_get(*port, "/status.json");
  auto second = kite::test::http_get(*port, "/status.json");
  CHECK_THAT(second, Contains("application/json"));
  CHECK(body_of(second) == "{\"served\":2}");
  // A page beside one whose path is its prefix gets its own requests, and only those.
  CHECK_THAT(kite::test::http_get(*port, "/status.jsonx"), Contains("404 Not Found"));
  auto broken = kite::test::http_get(*port, "/broken");
  CHECK_THAT(broken, Contains("500"));
  CHECK_THAT(body_of(broken), Contains("the service did not answer"));
}

TEST_CASE("ops endpoint: an address that cannot be bound is an error naming metrics.listen") {
  kite::metrics counts;
  kite::ops_endpoint ops{counts};
  auto port = ops.serve("256.1.1.1:0");
  REQUIRE_FALSE(port);
  CHECK_THAT(kite::describe(port.error()), Contains("metrics.listen '256.1.1.1:0'"));
}
