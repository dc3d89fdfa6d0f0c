// An actor handle whose messages are handled on the sender's thread by a callback: how code
// that is not an actor (a link, the offload router) takes requests and answers without a
// mailbox hop. Wraps CAF 0.17's actor_companion.
#pragma once

#include <functional>

#include <caf/actor_system.hpp>
#include <caf/error.hpp>
#include <caf/fwd.hpp>
#include <caf/mailbox_element.hpp>

namespace kite {

/// Called on the sending thread for every message sent to the handle.
using companion_handler = std::function<void(caf::mailbox_element_ptr)>;

/// Spawns a companion that passes everything sent to it to `handler`.
caf::strong_actor_ptr spawn_companion(caf::actor_system& sys, companion_handler handler);

/// Ends the companion: waits for running handler calls, then hands later messages to
/// `afterwards` (or drops them when empty) and terminates the actor.
void retire_companion(caf::actor_system& sys, const caf::strong_actor_ptr& handle,
                      companion_handler afterwards = {});

/// Answers `msg` with `reason` when it is a request; anything else is dropped.
void bounce(const caf::mailbox_element& msg, const caf::error& reason);

} // namespace kite
