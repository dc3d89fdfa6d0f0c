// Registers Kite's reusable message and actor types with a node's registry.
#pragma once

#include "kite/runtime/registry.hpp"

namespace kite::actors {

/// Adds the message types of messages.hpp and runtime/upload.hpp, and the actor types
/// `kite.summarize`, `kite.echo` and `kite.busy`.
void register_builtin(registry& reg);

} // namespace kite::actors
