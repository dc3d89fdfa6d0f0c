// What every node's scrape says about the process itself: its build, when it started, its CPU
// and memory. The process_* names are Prometheus's own conventions, so the dashboards and alerts
// operators already have for other services work for Kite's nodes too.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include <prometheus/collectable.h>

namespace kite {

/// Collects the process's figures at each scrape; thread-safe.
class process_metrics : public prometheus::Collectable {
public:
  /// `kind` is "edge", "worker" or "placement", shown in kite_build_info with the release.
  explicit process_metrics(std::string kind);

  std::vector<prometheus::MetricFamily> Collect() const override;

private:
  std::string kind_;
  std::chrono::system_clock::time_point started_;
  std::chrono::steady_clock::time_point started_steady_;
};

} // namespace kite
