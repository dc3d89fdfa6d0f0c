// The only worker dies under load: the edge runs the logical actor itself from its last snapshot
// (the type is compiled into the edge too) and hands it back, state and all, once a worker is up.
#include <catch2/catch.hpp>

#include <csignal>

#include "../integration/loopback_cluster.hpp"
#include "edge_log.hpp"

using namespace std::chrono_literals;
using namespace kite::test;

TEST_CASE("with no worker left the edge runs the actor itself, then hands it back intact") {
  constexpr uint64_t samples = 400;
  loopback_cluster cluster;
  cluster.worker_settings = "snapshots: {every_messages: 10}";
  cluster.start_worker();
  edge_options options{"robot-1", 100, samples, "300ms"};
  options.local_fallback = true;
  options.local_after = "200ms";
  auto edge = cluster.start_edge(options);
  REQUIRE(wait_for_text(edge->log_path(), "kite.summary(\"robot-1\", 25,", 10s));
  cluster.worker().kill_now();
  REQUIRE(wait_for_text(edge->log_path(),
                        "running logical actor (kite.summarize, robot-1) on the edge", 5s));
  auto& restarted = cluster.start_worker();
  REQUIRE(wait_for_text(edge->log_path(), "moved (kite.summarize, robot-1) from the edge to", 10s));

  auto log = await_each_answered_once(*edge, samples);
  INFO(log);
  CHECK(counter_in(log, "answered_on_edge") > 0);
  CHECK(counter_in(log, cluster.endpoint() + " answers") > 0);
  CHECK(wait_for_text(cluster.worker_log(), "from its last snapshot", 1s));

  // The summary's count goes up by one per answer, except once: where the edge took over from
  // the last snapshot of the worker that died (every 10 requests, plus those in flight). The
  // hand-back to the restarted worker carries the edge's exact state: no drop there.
  auto counts = summary_counts(log, "robot-1");
  REQUIRE(counts.size() == samples);
  size_t restarts = 0;
  for (size_t i = 1; i < counts.size(); ++i) {
    if (counts[i] == counts[i - 1] + 1) continue;
    INFO("answer " << i << ": count " << counts[i] << " after " << counts[i - 1]);
    ++restarts;
    CHECK(counts[i] <= counts[i - 1]);
    CHECK(counts[i] + 20 > counts[i - 1]);
  }
  CHECK(restarts <= 1);
  restarted.signal(SIGTERM);
  CHECK(restarted.wait_for(10s) == 0);
}
