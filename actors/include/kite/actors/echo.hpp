// kite.echo: answers every blob with itself; the benchmark's and smoke tests' far end.
#pragma once

#include <caf/behavior.hpp>
#include <caf/event_based_actor.hpp>

namespace kite::actors {

/// Returns each blob unchanged.
caf::behavior echo(caf::event_based_actor* self);

} // namespace kite::actors
