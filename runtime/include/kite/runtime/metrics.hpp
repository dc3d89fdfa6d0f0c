// A node's counters and gauges in Prometheus text exposition, served over HTTP (GET /metrics)
// when the config names a listen address. A thin layer over prometheus-cpp: families are
// created on first use and shared by name, so every component names what it counts.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <caf/expected.hpp>
#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/labels.h>
#include <prometheus/registry.h>

namespace prometheus {
class Exposer;
}

namespace kite {

/// The metrics of one process; thread-safe.
class metrics {
public:
  metrics();
  ~metrics();
  metrics(const metrics&) = delete;
  metrics& operator=(const metrics&) = delete;

  /// The counter `name` (ending in _total) with `labels`, created at zero on first use.
  prometheus::Counter& counter(const std::string& name, const std::string& help,
                               const prometheus::Labels& labels = {});

  /// The gauge `name` with `labels`, created at zero on first use.
  prometheus::Gauge& gauge(const std::string& name, const std::string& help,
                           const prometheus::Labels& labels = {});

  /// Adds families collected at each scrape (served too if serve() was called already).
  void add(std::shared_ptr<prometheus::Collectable> families);

  /// Everything, as a scrape returns it.
  std::string scrape() const;

  /// Serves GET /metrics on `listen` ("host:port"; port 0 picks a free one) on a thread of its
  /// own; returns the bound port.
  caf::expected<int> serve(const std::string& listen);

private:
  std::shared_ptr<prometheus::Registry> registry_;
  mutable std::mutex collectables_mutex_;
  std::vector<std::shared_ptr<prometheus::Collectable>> collectables_;
  std::unique_ptr<prometheus::Exposer> exposer_;
};

} // namespace kite
