// Sends requests for offloaded logical actors over the edge's link and matches the answers;
// every request stays pending, and is resent with its sequence number, until answered.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include <caf/behavior.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/response_promise.hpp>
#include <caf/stateful_actor.hpp>

#include "kite/runtime/config.hpp"
#include "kite/runtime/link.hpp"

namespace kite::edge {

/// One request waiting for its answer.
struct pending_request {
  std::string type;
  std::string key;
  caf::message payload;
  caf::response_promise promise;
  std::chrono::steady_clock::time_point sent_at;
  uint32_t attempts = 0;
};

/// State of the offload router.
struct offload_router_state {
  static constexpr const char* name = "kite.offload_router";
  std::shared_ptr<link> uplink;
  offload_config cfg;
  bool up = false;
  uint64_t next_sequence = 1;
  std::map<uint64_t, pending_request> pending;
  uint64_t sent = 0;
  uint64_t retries = 0;
  uint64_t answered = 0;
  uint64_t failed = 0;
  uint64_t refused = 0;
};

/// Handles (offload_atom, type, key, message) with the remote answer; also link events.
caf::behavior offload_router(caf::stateful_actor<offload_router_state>* self,
                             std::shared_ptr<link> uplink, offload_config cfg);

} // namespace kite::edge
