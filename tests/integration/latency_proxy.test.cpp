// An edge reaching its worker through the userspace proxy: the link measures the delay the
// proxy adds, and requests still get through — how placement tests give workers their RTTs.
#include <catch2/catch.hpp>

#include <csignal>

#include "loopback_cluster.hpp"
#include "tcp_proxy.hpp"

using namespace std::chrono_literals;
using namespace kite::test;

TEST_CASE("an edge behind the latency proxy measures the RTT the proxy adds") {
  loopback_cluster cluster;
  auto& worker = cluster.start_worker();
  auto proxy = tcp_proxy::start(port_of(cluster.endpoint()));
  REQUIRE(proxy);
  impairment slow;
  slow.delay = 15ms;
  (*proxy)->set(direction::upstream, slow);
  (*proxy)->set(direction::downstream, slow);
  cluster.route_through(0, (*proxy)->endpoint());

  auto edge = cluster.start_edge({"robot-1", 50, 40});
  auto code = edge->wait_for(30s);
  REQUIRE(code.has_value());
  auto log = read_file(edge->log_path());
  INFO(log);
  CHECK(*code == 0);
  CHECK(counter_in(log, "answered") == 40);
  // Every heartbeat crossed the proxy both ways: no sample, and so no average, under 30 ms.
  CHECK(counter_in(log, "rtt_ewma_us") >= 30000);
  CHECK((*proxy)->stats().connections >= 1);
  worker.signal(SIGTERM);
  CHECK(worker.wait_for(10s) == 0);
}
