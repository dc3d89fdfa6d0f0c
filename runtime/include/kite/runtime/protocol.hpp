// The messages Kite's own actors exchange, in one place, so the system's protocol reads here.
#pragma once

#include <caf/atom.hpp>

namespace kite {

/// stage -> offload router: (offload_atom, actor type, actor key, payload message).
using offload_atom = caf::atom_constant<caf::atom("offload")>;

/// offload router's own timer for retries.
using retry_atom = caf::atom_constant<caf::atom("retry")>;

/// source's own timer for the next sample.
using tick_atom = caf::atom_constant<caf::atom("tick")>;

/// Asks a stateful logical actor for its state, to snapshot it.
using snapshot_atom = caf::atom_constant<caf::atom("snapshot")>;

/// The placement service's own timer: an edge's watch has been held for watch_hold.
using watch_end_atom = caf::atom_constant<caf::atom("watchend")>;

/// stream_queue -> its consumer: items or an end arrived.
using wake_atom = caf::atom_constant<caf::atom("wake")>;

/// stream_queue -> a producer it made wait: there is room again.
using resume_atom = caf::atom_constant<caf::atom("resume")>;

} // namespace kite
