// The actor around a stage or sink logic: takes items from its queue, hands them to the logic,
// and pushes what comes out through its outlet. While a blocking queue downstream is full it
// takes nothing more, so the wait travels back to the source. When every input has ended and
// all is passed on, it ends its outlet; a sink marks its queue finished.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <caf/behavior.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/stateful_actor.hpp>

#include "kite/actors/stage_logic.hpp"
#include "kite/runtime/outlet.hpp"
#include "kite/runtime/stream_queue.hpp"

namespace kite::actors {

/// State of a stage actor.
struct stage_state {
  static constexpr const char* name = "kite.stage";
  std::shared_ptr<stream_queue> in;
  outlet out;
  std::unique_ptr<stage_logic> logic;
  std::vector<caf::message> produced;
  /// Every input ended and the logic flushed; the outlet ends once nothing is held.
  bool input_ended = false;
  bool ended = false;
};

/// Runs `logic` between `in` and `out` (an outlet without targets for a sink).
caf::behavior stage(caf::stateful_actor<stage_state>* self, std::shared_ptr<stream_queue> in,
                    outlet out, std::shared_ptr<stage_logic_factory> make_logic);

} // namespace kite::actors
