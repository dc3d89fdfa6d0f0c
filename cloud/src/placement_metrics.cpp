#include "kite/cloud/placement_metrics.hpp"

#include <prometheus/metric_family.h>

namespace kite::cloud {

void placement_metrics::update(const cluster_status& status) {
  std::map<std::string, size_t> by_worker;
  for (const auto& worker : status.workers)
    by_worker[worker.id] = 0; // a worker with nothing placed shows 0, not nothing
  size_t on_edges = 0;
  for (const auto& actor : status.actors) {
    if (actor.on_edge)
      ++on_edges;
    else
      ++by_worker[actor.host];
  }
  std::lock_guard<std::mutex> guard{mutex_};
  actors_by_worker_ = std::move(by_worker);
  on_edges_ = on_edges;
  edges_ = status.edges.size();
}

std::vector<prometheus::MetricFamily> placement_metrics::Collect() const {
  auto gauge = [](const char* name, const char* help) {
    prometheus::MetricFamily out;
    out.name = name;
    out.help = help;
    out.type = prometheus::MetricType::Gauge;
    return out;
  };
  auto sample = [](prometheus::MetricFamily& f, std::vector<prometheus::ClientMetric::Label> labels,
                   double value) {
    prometheus::ClientMetric m;
    m.label = std::move(labels);
    m.gauge.value = value;
    f.metric.push_back(std::move(m));
  };
  auto placed = gauge("kite_placement_placed_actors",
                      "Logical actors the service placed on each worker, or on edges");
  auto edges = gauge("kite_placement_edges", "Edges that reported within worker_timeout");
  std::lock_guard<std::mutex> guard{mutex_};
  for (const auto& [worker, count] : actors_by_worker_)
    sample(placed, {{"host", "worker"}, {"worker", worker}}, static_cast<double>(count));
  sample(placed, {{"host", "edge"}, {"worker", ""}}, static_cast<double>(on_edges_));
  sample(edges, {}, static_cast<double>(edges_));
  return {placed, edges};
}

} // namespace kite::cloud
