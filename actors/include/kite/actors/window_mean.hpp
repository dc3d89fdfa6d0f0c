// A stage that turns each sample into a feature over the last N samples' channel means.
#pragma once

#include <cstdint>
#include <deque>

#include <caf/actor.hpp>
#include <caf/behavior.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/stateful_actor.hpp>

namespace kite::actors {

/// State of a window_mean stage.
struct window_mean_state {
  static constexpr const char* name = "kite.window_mean";
  uint32_t window = 1;
  caf::actor next;
  std::deque<double> means;
};

/// For each sample, sends `next` the mean, min and max of the last `window` sample means.
caf::behavior window_mean(caf::stateful_actor<window_mean_state>* self, uint32_t window,
                          caf::actor next);

} // namespace kite::actors
