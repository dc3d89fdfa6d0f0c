// The links' own counters (frames, bytes, frame errors by reason, failed and held sends, RTT) as
// Prometheus families, read from each link's stats at scrape time.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <prometheus/collectable.h>

#include "kite/runtime/link.hpp"

namespace kite {

/// Collects the stats of the links added to it, while they exist; thread-safe.
class link_metrics : public prometheus::Collectable {
public:
  /// Reports `l` under the label link="`name`" (the endpoint it connects to or binds); a
  /// client link also reports whether it is up and its RTT.
  void add(std::string name, std::weak_ptr<const link> l, bool client);

  std::vector<prometheus::MetricFamily> Collect() const override;

private:
  struct entry {
    std::string name;
    std::weak_ptr<const link> l;
    bool client;
  };

  mutable std::mutex mutex_;
  std::vector<entry> links_;
};

} // namespace kite
