// The pipeline's last step on the edge: sends every value it gets to a logical actor through
// the offload router, and logs the answer.
#pragma once

#include <string>

#include <caf/actor.hpp>
#include <caf/behavior.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/stateful_actor.hpp>

#include "kite/runtime/config.hpp"

namespace kite::edge {

/// State of an offload sink.
struct offload_sink_state {
  static constexpr const char* name = "kite.offload_sink";
  caf::actor router;
  target_config target;
  uint64_t answered = 0;
  uint64_t failed = 0;
  /// Outputs sent, which pick the key when the target has several.
  uint64_t sent = 0;
};

/// Forwards each message to logical actor `target` via `router`.
caf::behavior offload_sink(caf::stateful_actor<offload_sink_state>* self, caf::actor router,
                           target_config target);

} // namespace kite::edge
