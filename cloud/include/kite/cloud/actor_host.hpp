// Hosts logical actors on a worker: activates `(type, key)` on first use and relays each
// request from the link to it, and its answer back.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <utility>

#include <caf/actor.hpp>
#include <caf/behavior.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/stateful_actor.hpp>

#include "kite/runtime/link.hpp"
#include "kite/runtime/registry.hpp"

namespace kite::cloud {

/// State of the actor host.
struct actor_host_state {
  static constexpr const char* name = "kite.actor_host";
  const registry* types = nullptr;
  std::shared_ptr<link> uplink;
  caf::duration request_timeout;
  std::map<std::pair<std::string, std::string>, caf::actor> active;
  uint64_t activations = 0;
  uint64_t requests = 0;
  uint64_t failures = 0;
};

/// Relays requests to hosted logical actors; `types` must outlive the actor.
caf::behavior actor_host(caf::stateful_actor<actor_host_state>* self, const registry* types,
                         std::shared_ptr<link> uplink, caf::duration request_timeout);

} // namespace kite::cloud
