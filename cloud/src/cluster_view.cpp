#include "kite/cloud/cluster_view.hpp"

#include <map>

#include <prometheus/metric_family.h>

namespace kite::cloud {

void cluster_view::publish(cluster_status status) {
  auto next = std::make_shared<const cluster_status>(std::move(status));
  std::lock_guard<std::mutex> guard{mutex_};
  latest_ = std::move(next);
}

std::shared_ptr<const cluster_status> cluster_view::latest() const {
  std::lock_guard<std::mutex> guard{mutex_};
  return latest_;
}

std::string cluster_view::json() const {
  return to_json(*latest());
}

std::vector<prometheus::MetricFamily> cluster_view::Collect() const {
  auto status = latest();
  std::map<std::string, size_t> by_worker;
  for (const auto& worker : status->workers)
    by_worker[worker.id] = 0; // a worker with nothing placed shows 0, not nothing
  size_t on_edges = 0;
  for (const auto& actor : status->actors) {
    if (actor.on_edge)
      ++on_edges;
    else
      ++by_worker[actor.host];
  }
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
  for (const auto& [worker, count] : by_worker)
    sample(placed, {{"host", "worker"}, {"worker", worker}}, static_cast<double>(count));
  sample(placed, {{"host", "edge"}, {"worker", ""}}, static_cast<double>(on_edges));
  sample(edges, {}, static_cast<double>(status->edges.size()));
  return {placed, edges};
}

} // namespace kite::cloud
