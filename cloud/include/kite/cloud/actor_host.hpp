// Hosts logical actors on a worker: activates `(type, key)` on its first request and relays
// each request to it through the link, on the link thread, so a key's requests stay in order.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>

#include "kite/runtime/link.hpp"
#include "kite/runtime/registry.hpp"

namespace kite::cloud {

/// Counters of an actor host, readable from any thread.
struct host_stats {
  std::atomic<uint64_t> activations{0};
  std::atomic<uint64_t> requests{0};
  std::atomic<uint64_t> failures{0};
};

/// The request handler of a worker's server link; `types` and `uplink` must outlive it.
class actor_host {
public:
  actor_host(caf::actor_system& sys, const registry& types, link& uplink);
  ~actor_host();
  actor_host(const actor_host&) = delete;
  actor_host& operator=(const actor_host&) = delete;

  /// On the link thread: sends `req` to its logical actor, activating it first when needed.
  void handle(inbound_request& req);

  /// Stops every hosted actor.
  void shutdown();

  const host_stats& stats() const { return stats_; }

  /// How many logical actors run now.
  size_t active() const;

private:
  using actor_id = std::pair<std::string, std::string>;
  /// Shared with the exit hooks of hosted actors, which may run after the host is gone.
  struct table {
    std::mutex mutex;
    std::map<actor_id, caf::actor> actors;
  };

  caf::expected<caf::actor> activate(const std::string& type, const std::string& key);

  caf::actor_system& sys_;
  const registry& types_;
  link& uplink_;
  std::shared_ptr<table> active_ = std::make_shared<table>();
  host_stats stats_;
};

} // namespace kite::cloud
