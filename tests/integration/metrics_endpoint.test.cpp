// Workers and edges serve their metrics and health probes over HTTP, scraped here as Prometheus
// and Kubernetes would.
#include <catch2/catch.hpp>

#include <csignal>
#include <cstdlib>
#include <thread>

#include <fmt/format.h>

#include "../runtime/http_get.hpp"
#include "exposition.hpp"
#include "kite/runtime/link.hpp"
#include "loopback_cluster.hpp"
#include "ops_port.hpp"

using namespace std::chrono_literals;
using namespace kite::test;
using Catch::Contains;

TEST_CASE("a worker and an edge serve their supervision metrics on the port they log") {
  loopback_cluster cluster;
  cluster.worker_settings = "metrics: {listen: \"127.0.0.1:0\"}";
  auto& worker = cluster.start_worker();
  edge_options options{"robot-1", 50, 0};
  options.metrics = true;
  auto edge = cluster.start_edge(options);
  REQUIRE(wait_for_text(edge->log_path(), "kite.summary(\"robot-1\", 3,", 10s));

  auto from_edge = http_get(logged_metrics_port(edge->log_path()), "/metrics");
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
  auto from_worker = http_get(logged_metrics_port(cluster.worker_log()), "/metrics");
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

TEST_CASE("a worker's counters move as requests flow, read from two parsed scrapes") {
  loopback_cluster cluster;
  cluster.worker_settings = "metrics: {listen: \"127.0.0.1:0\"}";
  auto& worker = cluster.start_worker();
  int port = logged_metrics_port(cluster.worker_log());
  auto before = parse_exposition(http_get(port, "/metrics"));
  auto edge = cluster.start_edge({"robot-1", 50, 20});
  REQUIRE(edge->wait_for(20s) == 0);
  auto after = parse_exposition(http_get(port, "/metrics"));
  auto link = "{link=\"" + cluster.endpoint() + "\",direction=\"in\"}";
  // The edge's 5 summaries (20 samples in windows of 4), hellos and heartbeats came in.
  REQUIRE(after.count("kite_link_frames_total" + link) == 1);
  CHECK(after["kite_link_frames_total" + link] >= before["kite_link_frames_total" + link] + 5);
  CHECK(after["kite_link_bytes_total" + link] > before["kite_link_bytes_total" + link]);
  // Each of them was served by kite.summarize: counted in its service time histogram, none left
  // in its queue.
  const std::string series = "link=\"" + cluster.endpoint() + "\",type=\"kite.summarize\"";
  const std::string type = "{" + series + "}";
  CHECK(after["kite_actor_service_seconds_count" + type] >= 5);
  CHECK(after["kite_actor_service_seconds_sum" + type] > 0);
  CHECK(after.at("kite_actor_queue_depth" + type) == 0);
  // Buckets are cumulative: each counts the answers at most its bound, +Inf counts them all.
  double below = 0;
  for (double bound : kite::service_time_buckets()) {
    auto bucket = fmt::format("kite_actor_service_seconds_bucket{{{},le=\"{}\"}}", series, bound);
    REQUIRE(after.count(bucket) == 1);
    CHECK(after[bucket] >= below);
    below = after[bucket];
  }
  CHECK(after.at("kite_actor_service_seconds_bucket{" + series + ",le=\"+Inf\"}") ==
        after["kite_actor_service_seconds_count" + type]);
  CHECK(after.at("kite_link_refused_keys_total{link=\"" + cluster.endpoint() + "\"}") == 0);
  CHECK(after["kite_uptime_seconds"] > before["kite_uptime_seconds"]);
  CHECK(after["process_cpu_seconds_total"] > 0);
  CHECK(after["process_resident_memory_bytes"] > 1e6);
  worker.signal(SIGTERM);
  CHECK(worker.wait_for(10s) == 0);
}

TEST_CASE("a worker is ready while it reaches placement, unready while placement is gone") {
  loopback_cluster cluster;
  cluster.start_placement(1);
  cluster.worker_settings = "metrics: {listen: \"127.0.0.1:0\"}";
  auto& worker = cluster.start_worker();
  int port = logged_metrics_port(cluster.worker_log());
  auto ready = wait_for_answer(port, "/readyz", "200 OK", 10s);
  CHECK_THAT(ready, Contains("200 OK") && Contains("placement tcp://127.0.0.1:"));
  // The link to the service is among the worker's links, and up.
  auto placement_up = "kite_link_up{link=\"" + cluster.placement_endpoint() + "\"}";
  CHECK(parse_exposition(http_get(port, "/metrics")).at(placement_up) == 1);

  cluster.placement().signal(SIGKILL);
  cluster.placement().wait_for(5s);
  // Declared down after heartbeat_misses (5) of 100 ms go unanswered.
  auto unready = wait_for_answer(port, "/readyz", "503", 10s);
  CHECK_THAT(unready, Contains("503") && Contains("not ready") && Contains(": FAILING, down"));
  CHECK(parse_exposition(http_get(port, "/metrics")).at(placement_up) == 0);
  // Alive all the while: a probe that restarted it would not bring placement back.
  CHECK_THAT(http_get(port, "/healthz"), Contains("200 OK"));

  cluster.start_placement(1);
  CHECK_THAT(wait_for_answer(port, "/readyz", "200 OK", 10s), Contains("200 OK"));
  worker.signal(SIGTERM);
  CHECK(worker.wait_for(10s) == 0);
}
