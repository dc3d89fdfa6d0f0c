// A node's counters, gauges and histograms in Prometheus text exposition (ops_endpoint serves
// them over HTTP). A thin layer over prometheus-cpp: families are created on first use and
// shared by name, so every component names what it counts.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/labels.h>
#include <prometheus/registry.h>

namespace kite {

/// The metrics of one process; thread-safe.
class metrics {
public:
  metrics();
  metrics(const metrics&) = delete;
  metrics& operator=(const metrics&) = delete;

  /// The counter `name` (ending in _total) with `labels`, created at zero on first use.
  prometheus::Counter& counter(const std::string& name, const std::string& help,
                               const prometheus::Labels& labels = {});

  /// The gauge `name` with `labels`, created at zero on first use.
  prometheus::Gauge& gauge(const std::string& name, const std::string& help,
                           const prometheus::Labels& labels = {});

  /// Adds families collected at each scrape.
  void add(std::shared_ptr<prometheus::Collectable> families);

  /// Everything, as a scrape returns it.
  std::string scrape() const;

private:
  std::shared_ptr<prometheus::Registry> registry_;
  mutable std::mutex collectables_mutex_;
  std::vector<std::shared_ptr<prometheus::Collectable>> collectables_;
};

} // namespace kite
