// The placement service with real processes and the latency proxy: edges, and three workers at
// 2, 20 and 80 ms RTT. Actors go to the nearest worker; when its RTT rises they move, state and
// all, to the next; the data plane runs on through a killed placement service, which picks up
// again from the next reports when restarted. Once the nearest worker is loaded until its
// queueing exceeds the RTT gap, new actors go to the next one.
#include <catch2/catch.hpp>

#include <algorithm>
#include <csignal>
#include <memory>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "../fault/edge_log.hpp"
#include "loopback_cluster.hpp"
#include "proxied_workers.hpp"

using namespace std::chrono_literals;
using namespace kite::test;

namespace {

constexpr uint32_t actor_count = 4;

/// Three workers at 2, 20 and 80 ms RTT (the delay each way is half).
const std::vector<std::chrono::milliseconds> rtt_2_20_80{1ms, 10ms, 40ms};

/// Waits up to `timeout` for `path` to hold `needle` at least `times` times.
bool wait_for_count(const std::string& path, const std::string& needle, size_t times,
                    std::chrono::seconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (occurrences(read_file(path), needle) < times) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(50ms);
  }
  return true;
}

/// Each of the edge's actors answered its samples with the counts 1, 2, 3, ... once each (in
/// `log`): none lost, none run twice, its state carried over every move.
void check_each_count_once(const std::string& log, const edge_options& options) {
  for (uint32_t k = 0; k < options.keys; ++k) {
    auto key = fmt::format("{}-{}", options.name, k);
    auto counts = summary_counts(log, key);
    std::sort(counts.begin(), counts.end());
    INFO("key " << key);
    REQUIRE(counts.size() == options.count / options.keys);
    for (size_t i = 0; i < counts.size(); ++i)
      CHECK(counts[i] == i + 1);
  }
}

/// Quick rebalancing, so moves show within a test's seconds.
constexpr const char* quick_placement = R"(rebalance_interval: 100ms
worker_timeout: 2s
hysteresis: { min_gain: 2ms, min_gain_ratio: 0.2, sustain: 500ms, max_moves_per_s: 100 }
)";

} // namespace

TEST_CASE("placement: actors go to the nearest worker, move with their state when its RTT "
          "rises, and traffic survives a placement service restart") {
  loopback_cluster cluster;
  cluster.start_placement(3, quick_placement);
  auto proxies = start_proxied_workers(cluster, rtt_2_20_80, {});
  edge_options options;
  options.rate_hz = 40;
  options.count = 600; // 15 s of samples
  options.keys = actor_count;
  auto edge = cluster.start_edge(options);

  // Equal load, so the 2 ms worker wins every actor: the edge asks once it measured them all.
  bool nearest = wait_for_count(cluster.worker_log(0), "activated logical actor (kite.summarize",
                                actor_count, 10s);
  INFO("placement log:\n"
       << read_file(cluster.placement_log()) << "\nedge log:\n"
       << read_file(edge->log_path()));
  REQUIRE(nearest);

  // Its RTT rises to 200 ms: each actor is released there and restored at the 20 ms worker.
  impairment slow;
  slow.delay = 100ms;
  proxies[0]->set(direction::upstream, slow);
  proxies[0]->set(direction::downstream, slow);
  CHECK(wait_for_count(cluster.worker_log(0), "released logical actor", actor_count, 10s));
  CHECK(wait_for_count(cluster.worker_log(1), "from its last snapshot", actor_count, 5s));

  // The service dies: answers keep coming on the cached placements.
  cluster.placement().signal(SIGKILL);
  cluster.placement().wait_for(5s);
  auto answered_before = occurrences(read_file(edge->log_path()), ") answered ");
  std::this_thread::sleep_for(1s);
  CHECK(occurrences(read_file(edge->log_path()), ") answered ") > answered_before + 20);

  // Restarted, it hears from the edge again and learns its placements back.
  cluster.start_placement(3);
  CHECK(wait_for_count(cluster.placement_log(), "peer 'robot-1' joined", 1, 10s));

  auto code = edge->wait_for(40s);
  REQUIRE(code.has_value());
  auto log = read_file(edge->log_path());
  INFO(log);
  CHECK(*code == 0);
  CHECK(counter_in(log, "answered") == static_cast<long long>(options.count));
  CHECK(counter_in(log, "failed") == 0);
  CHECK(counter_in(log, "handovers") >= actor_count);
  check_each_count_once(log, options);
}

TEST_CASE("placement: once the nearest worker's queueing exceeds the RTT gap, new actors go to "
          "the next one") {
  loopback_cluster cluster;
  // Only the 2 ms worker may run kite.busy (10 ms of CPU a request), on its single thread.
  cluster.start_placement(3, std::string{quick_placement} + R"(types:
  kite.busy: { labels: { zone: near } })");
  auto proxies =
      start_proxied_workers(cluster, rtt_2_20_80, "threads: 1\nlabels: { zone: near }\n");

  // robot-2 keeps that thread about 85% busy: 85 requests/s of 10 ms each.
  edge_options load;
  load.name = "robot-2";
  load.target = "kite.busy";
  load.keys = 2;
  load.rate_hz = 85;
  load.count = 85 * 30;
  auto loader = cluster.start_edge(load);
  REQUIRE(wait_for_count(cluster.worker_log(0), "activated logical actor (kite.busy", 2, 10s));
  // Its rates reach the service with its reports, every 100 ms.
  REQUIRE(wait_for_count(loader->log_path(), ") answered ", 85, 10s));

  // Requests queued behind that load wait longer than the 18 ms the next worker is farther, so
  // robot-1's new actors go there, and rebalancing never brings them back to the nearest.
  edge_options fresh;
  fresh.keys = 2;
  fresh.rate_hz = 20;
  fresh.count = 100; // 5 s: ten sustain windows
  auto edge = cluster.start_edge(fresh);
  auto code = edge->wait_for(30s);
  REQUIRE(code.has_value());
  INFO("placement log:\n"
       << read_file(cluster.placement_log()) << "\nrobot-1 log:\n"
       << read_file(edge->log_path()));
  CHECK(*code == 0);
  CHECK(counter_in(read_file(edge->log_path()), "answered") == 100);
  CHECK(occurrences(read_file(cluster.worker_log(1)), "activated logical actor (kite.summarize") >=
        2);
  CHECK(occurrences(read_file(cluster.worker_log(0)), "activated logical actor (kite.summarize") ==
        0);
  CHECK_FALSE(loader->wait_for(0ms).has_value()); // the load lasted throughout
}

TEST_CASE("placement: when every worker costs more than the edge's own compute, actors move, "
          "state and all, onto the edge itself") {
  loopback_cluster cluster;
  cluster.start_placement(3, quick_placement);
  auto proxies = start_proxied_workers(cluster, rtt_2_20_80, {});
  edge_options options;
  options.rate_hz = 40;
  options.count = 480; // 12 s of samples
  options.keys = 2;
  options.local_fallback = true; // it may run kite.summarize itself,
  options.local_after = "60s";   // but only where the service says so
  // Declared slow, as a robot's CPU may be; 40 requests/s then keep the edge 40% busy.
  options.service_times = "{ kite.summarize: 10ms }";
  // The actors start on workers the edge picks itself while the service is down, and the
  // service adopts them once it is back.
  cluster.placement().signal(SIGKILL);
  cluster.placement().wait_for(5s);
  auto edge = cluster.start_edge(options);
  REQUIRE(wait_for_count(edge->log_path(), ") answered ", 20, 10s));
  cluster.start_placement(3, quick_placement);
  CHECK(wait_for_count(cluster.placement_log(), "peer 'robot-1' joined", 1, 10s));

  // Every worker is 300 ms away now: the edge's 10 ms wins, and the actors come here.
  impairment far;
  far.delay = 150ms;
  for (auto& proxy : proxies) {
    proxy->set(direction::upstream, far);
    proxy->set(direction::downstream, far);
  }
  CHECK(wait_for_count(edge->log_path(), "on the edge, started from its last snapshot", 2, 10s));
  size_t released = 0;
  for (size_t w = 0; w < proxies.size(); ++w)
    released += occurrences(read_file(cluster.worker_log(w)), "released logical actor");
  CHECK(released >= 2);

  auto code = edge->wait_for(40s);
  REQUIRE(code.has_value());
  auto log = read_file(edge->log_path());
  INFO("placement log:\n" << read_file(cluster.placement_log()) << "\nedge log:\n" << log);
  CHECK(*code == 0);
  CHECK(counter_in(log, "answered") == static_cast<long long>(options.count));
  CHECK(counter_in(log, "failed") == 0);
  CHECK(counter_in(log, "answered_on_edge") > 0);
  check_each_count_once(log, options);
}
