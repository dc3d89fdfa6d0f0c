// Workers and edges serve their supervision metrics over HTTP, scraped here as Prometheus would.
#include <catch2/catch.hpp>

#include <csignal>
#include <cstdlib>

#include "../runtime/http_get.hpp"
#include "loopback_cluster.hpp"

using namespace std::chrono_literals;
using namespace kite::test;
using Catch::Contains;

namespace {

/// The port a process logged as "metrics on http://127.0.0.1:PORT/metrics".
int metrics_port(const std::string& log_path) {
  const std::string prefix = "metrics on http://127.0.0.1:";
  REQUIRE(wait_for_text(log_path, prefix, 10s));
  auto log = read_file(log_path);
  return std::atoi(log.c_str() + log.find(prefix) + prefix.size());
}

} // namespace

TEST_CASE("a worker and an edge serve their supervision metrics on the port they log") {
  loopback_cluster cluster;
  cluster.worker_settings = "metrics: {listen: \"127.0.0.1:0\"}";
  auto& worker = cluster.start_worker();
  edge_options options{"robot-1", 50, 0};
  options.metrics = true;
  auto edge = cluster.start_edge(options);
  REQUIRE(wait_for_text(edge->log_path(), "kite.summary(\"robot-1\", 3,", 10s));

  auto from_edge = http_get(metrics_port(edge->log_path()), "/metrics");
  CHECK_THAT(from_edge, Contains("200 OK"));
  for (auto child : {"sensor", "smooth", "cloud"})
    CHECK_THAT(from_edge, Contains(std::string{"kite_supervisor_child_running{child=\""} + child +
                                   "\",supervisor=\"pipeline\"} 1"));
  // Each queue counts what passed; block drops nothing, but says which policy it counts for.
  CHECK_THAT(from_edge, Contains("kite_pipeline_items_total{node=\"smooth\"}"));
  CHECK_THAT(from_edge, Contains("kite_pipeline_dropped_total{node=\"cloud\",policy=\"block\"} 0"));
  CHECK_THAT(from_edge, Contains("kite_logical_actor_crashes_total{host=\"edge\"} 0"));
  CHECK_THAT(from_edge, Contains("kite_offload_answers_total{ran_on=\"edge\"} 0"));
  CHECK_THAT(from_edge, !Contains("kite_offload_answers_total{ran_on=\"worker\"} 0"));
  auto from_worker = http_get(metrics_port(cluster.worker_log()), "/metrics");
  CHECK_THAT(from_worker, Contains("kite_logical_actor_crashes_total{host=\"hosted\"} 0"));
  // The links' own counters: the edge's uplink is up, and frames flowed both ways.
  CHECK_THAT(from_edge, Contains("kite_link_up{link=\"" + cluster.endpoint() + "\"} 1"));
  CHECK_THAT(from_edge, Contains("kite_link_frame_errors_total{link=\"" + cluster.endpoint() +
                                 "\",reason=\"bad_magic\"} 0"));
  for (const auto* from : {&from_edge, &from_worker})
    for (const char* direction : {"in", "out"}) {
      auto series = "kite_link_frames_total{link=\"" + cluster.endpoint() + "\",direction=\"" +
                    direction + "\"}";
      CHECK_THAT(*from, Contains(series) && !Contains(series + " 0"));
    }

  edge->signal(SIGTERM);
  CHECK(edge->wait_for(10s) == 0);
  worker.signal(SIGTERM);
  CHECK(worker.wait_for(10s) == 0);
}
