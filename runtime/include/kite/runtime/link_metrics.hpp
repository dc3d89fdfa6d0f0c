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

/// What a link is to its node, which decides the families beyond its frame counters.
enum class link_role {
  /// A client link: whether it is up, and its RTT.
  client,
  /// A worker's server link: refused keys, and queue depth and service times per actor type.
  actor_host,
  /// Another server link (the placement service's): refused keys.
  server,
};

/// Collects the stats of the links added to it, while they exist; thread-safe.
class link_metrics : public prometheus::Collectable {
public:
  /// Reports `l` under the label link="`name`" (the endpoint it connects to or binds).
  void add(std::string name, std::weak_ptr<const link> l, link_role role);

  std::vector<prometheus::MetricFamily> Collect() const override;

private:
  struct entry {
    std::string name;
    std::weak_ptr<const link> l;
    link_role role;
  };

  mutable std::mutex mutex_;
  std::vector<entry> links_;
};

} // namespace kite
