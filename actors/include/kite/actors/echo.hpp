// kite.echo: answers every request with itself; the far end of benchmarks and smoke tests.
#pragma once

#include <caf/behavior.hpp>
#include <caf/event_based_actor.hpp>

namespace kite::actors {

/// Returns each request unchanged.
caf::behavior echo(caf::event_based_actor* self);

} // namespace kite::actors
