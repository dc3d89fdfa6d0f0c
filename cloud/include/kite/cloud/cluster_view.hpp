// The cluster as the placement service last published it, at its start and at each rebalance,
// for readers on other threads: the metrics port's scrapes (actors placed per worker) and its
// status page. A scrape or page never waits for the service actor, which may be busy.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <prometheus/collectable.h>

#include "kite/runtime/cluster_status.hpp"

namespace kite::cloud {

/// Thread-safe: the service publishes, any thread reads.
class cluster_view : public prometheus::Collectable {
public:
  /// Replaces what readers see with `status`.
  void publish(cluster_status status);

  /// The latest status as JSON (to_json); an empty cluster before the first publish.
  std::string json() const;

  /// Actors placed per worker (0 for a worker with none) and on edges, and live edges; a worker
  /// that is gone leaves no series behind (pods come and go under an autoscaler).
  std::vector<prometheus::MetricFamily> Collect() const override;

private:
  std::shared_ptr<const cluster_status> latest() const;

  mutable std::mutex mutex_;
  std::shared_ptr<const cluster_status> latest_ = std::make_shared<const cluster_status>();
};

} // namespace kite::cloud
