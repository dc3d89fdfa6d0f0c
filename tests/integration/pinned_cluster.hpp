// A cluster whose placement a test knows in advance: the placement service (serving its status
// page) lets only worker-2 run kite.summarize, and robot-1's two actors of that type run there.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include <catch2/catch.hpp>

#include "loopback_cluster.hpp"

namespace kite::test {

/// Starts the placement service (with `more_settings`), worker-1, worker-2 (labelled zone: far)
/// and robot-1 sending for `seconds`; returns robot-1 once both its actors answered and a report
/// has named its paths to both workers.
inline std::unique_ptr<child_process> start_pinned_cluster(loopback_cluster& cluster,
                                                           const std::string& more_settings,
                                                           uint64_t seconds) {
  cluster.start_placement(2, R"(metrics: { listen: "127.0.0.1:0" }
status_page: true
types:
  kite.summarize: { labels: { zone: far } }
)" + more_settings);
  cluster.start_worker(0);
  cluster.worker_settings = "labels: { zone: far }";
  cluster.start_worker(1);
  cluster.worker_settings.clear();
  edge_options options;
  options.keys = 2;
  options.rate_hz = 20;
  options.count = 20 * seconds;
  auto edge = cluster.start_edge(options);
  REQUIRE(wait_for_text(edge->log_path(), "robot-1-1) answered", std::chrono::seconds(15)));
  REQUIRE(wait_for_text(edge->log_path(), "the service knows the paths to all 2 upstreams",
                        std::chrono::seconds(5)));
  return edge;
}

} // namespace kite::test
