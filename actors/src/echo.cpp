#include "kite/actors/echo.hpp"

#include <caf/scheduled_actor.hpp>

#include "kite/actors/messages.hpp"

namespace kite::actors {

caf::behavior echo(caf::event_based_actor* self) {
  // Anything else comes back as it came: samples, features, batches.
  self->set_default_handler(caf::reflect);
  return {
      [](blob& x) { return std::move(x); },
  };
}

} // namespace kite::actors
