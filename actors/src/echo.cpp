#include "kite/actors/echo.hpp"

#include "kite/actors/messages.hpp"

namespace kite::actors {

caf::behavior echo(caf::event_based_actor*) {
  return {
      [](blob& x) { return std::move(x); },
  };
}

} // namespace kite::actors
