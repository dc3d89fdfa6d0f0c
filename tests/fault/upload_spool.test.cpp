// Upload sinks through the spool, with real processes and the userspace proxy: a cut uplink
// loses nothing and delivers in order once it is back, and an edge killed (-9) with records in
// flight sends them again after its restart, while the worker drops the copies it already had.
#include <catch2/catch.hpp>

#include <algorithm>
#include <csignal>
#include <fstream>
#include <thread>

#include <fmt/format.h>

#include "../integration/loopback_cluster.hpp"
#include "edge_log.hpp"
#include "tcp_proxy.hpp"

using namespace std::chrono_literals;
using namespace kite::test;

namespace {

/// A synthetic source of `count` samples at `rate_hz`, windowed, uploaded to kite.summarize.
std::string upload_pipeline(const std::string& dir, double rate_hz, uint64_t count,
                            const std::string& source = {}) {
  return fmt::format(R"(pipeline:
  sources:
    sensor: {}
  stages:
    smooth: {{ kind: window, size: 4, to: cloud }}
  sinks:
    cloud: {{ kind: offload, type: kite.summarize, upload: true, max_in_flight: 20 }}
spool: {{ directory: {}, drain_rate: 0 }}
)",
                     source.empty()
                         ? fmt::format("{{ kind: synthetic, rate_hz: {}, values: 4, count: {}, "
                                       "to: smooth }}",
                                       rate_hz, count)
                         : source,
                     dir);
}

/// Checks the actor's answers in `log`: counts 1, 2, ... with each count's feature the one with
/// sequence count - 1, so features reached it in order; none twice. Returns the highest count.
uint64_t check_in_order_once(const std::string& log) {
  auto counts = summary_counts(log, "robot-1");
  std::sort(counts.begin(), counts.end());
  CHECK(std::adjacent_find(counts.begin(), counts.end()) == counts.end());
  for (const auto& [sequence, answers] : answers_by_sequence(log, "robot-1")) {
    INFO("sequence " << sequence);
    CHECK(answers == 1);
    CHECK(log.find(fmt::format("kite.summary(\"robot-1\", {}, {},", sequence + 1, sequence)) !=
          std::string::npos);
  }
  return counts.empty() ? 0 : counts.back();
}

} // namespace

TEST_CASE("an upload stream survives a cut uplink: everything arrives, in order, once") {
  loopback_cluster cluster;
  // The edge declares the worker down, so the actor starts again from its last snapshot: taken
  // after every request here, so its count goes on where it was.
  cluster.worker_settings = "snapshots: {every_messages: 1}";
  auto& worker = cluster.start_worker();
  auto proxy = tcp_proxy::start(port_of(cluster.endpoint()));
  REQUIRE(proxy);
  cluster.route_through(0, (*proxy)->endpoint());
  edge_options options;
  options.pipeline = upload_pipeline(cluster.dir(), 50, 150);
  auto edge = cluster.start_edge(options);
  REQUIRE(wait_for_text(edge->log_path(), "kite.summary(\"robot-1\", 20,", 10s));

  // A partition that keeps the connection open, long enough for the link to declare the
  // worker down, then the connection closed under it.
  impairment partition;
  partition.hold = true;
  (*proxy)->set(direction::upstream, partition);
  (*proxy)->set(direction::downstream, partition);
  std::this_thread::sleep_for(1500ms);
  (*proxy)->cut();
  (*proxy)->set(direction::upstream, {});
  (*proxy)->set(direction::downstream, {});

  auto code = edge->wait_for(30s);
  REQUIRE(code.has_value());
  auto log = read_file(edge->log_path());
  INFO(log);
  CHECK(*code == 0);
  CHECK(log.find("no heartbeat answered in time") != std::string::npos);
  CHECK(check_in_order_once(log) == 150);
  CHECK(counter_in(log, "spooled") == 0);
  worker.signal(SIGTERM);
  CHECK(worker.wait_for(10s) == 0);
}

TEST_CASE("an edge killed with uploads in flight sends them again after its restart, and the "
          "worker hands each to the actor once") {
  loopback_cluster cluster;
  auto& worker = cluster.start_worker();
  auto proxy = tcp_proxy::start(port_of(cluster.endpoint()));
  REQUIRE(proxy);
  // Answers take 300 ms back: at any moment some records were taken by the actor, their
  // answers still on the way.
  impairment slow_answers;
  slow_answers.delay = 300ms;
  (*proxy)->set(direction::downstream, slow_answers);
  cluster.route_through(0, (*proxy)->endpoint());
  edge_options options;
  // The worker keeps the actor through the restart, as through a quick reboot: it is the
  // actor that saw the records whose answers the kill lost.
  options.heartbeat_misses = 50;
  // All 100 are spooled within a tenth of a second, long before the kill.
  options.pipeline = upload_pipeline(cluster.dir(), 1000, 100);
  auto edge = cluster.start_edge(options);
  REQUIRE(wait_for_text(edge->log_path(), "kite.summary(\"robot-1\", 10,", 10s));
  edge->kill_now();

  // Restarted with a source that sends nothing more: what it delivers comes from the spool.
  auto empty = cluster.dir() + "/empty.csv";
  std::ofstream{empty} << "# nothing\n";
  options.pipeline = upload_pipeline(
      cluster.dir(), 0, 0, fmt::format("{{ kind: replay, file: {}, to: smooth }}", empty));
  auto restarted = cluster.start_edge(options);
  auto code = restarted->wait_for(30s);
  REQUIRE(code.has_value());
  auto log = read_file(restarted->log_path());
  INFO(log);
  CHECK(*code == 0);
  CHECK(counter_in(log, "spooled") == 0);
  // Both runs' answers together: all 100 features, each counted once.
  CHECK(check_in_order_once(log) == 100);
  worker.signal(SIGTERM);
  REQUIRE(worker.wait_for(10s) == 0);
  auto worker_log = read_file(cluster.worker_log());
  INFO(worker_log);
  CHECK(counter_in(worker_log, "upload_duplicates") > 0);
}
