// The placement service's view per worker as Prometheus families: how many logical actors each
// worker hosts by the service's placements. Replaced wholesale at each rebalance, so a worker
// that is gone leaves no series behind (pods come and go under an autoscaler).
#pragma once

#include <map>
#include <mutex>
#include <string>
#include <vector>

#include <prometheus/collectable.h>

#include "kite/runtime/cluster_status.hpp"

namespace kite::cloud {

/// Thread-safe: the service updates it, the metrics port's threads collect it.
class placement_metrics : public prometheus::Collectable {
public:
  /// Takes the placements per worker and the live edges from `status`.
  void update(const cluster_status& status);

  std::vector<prometheus::MetricFamily> Collect() const override;

private:
  mutable std::mutex mutex_;
  std::map<std::string, size_t> actors_by_worker_;
  size_t on_edges_ = 0;
  size_t edges_ = 0;
};

} // namespace kite::cloud
