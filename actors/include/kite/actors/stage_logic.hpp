// What a pipeline stage or sink does with items, apart from queues and backpressure, which the
// stage actor around it handles: each logic is plain code, tested without actors.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <vector>

#include <caf/make_message.hpp>
#include <caf/message.hpp>

namespace kite::actors {

/// One stage's or sink's handling of items; a fresh one per incarnation of its actor.
class stage_logic {
public:
  using clock_type = std::chrono::steady_clock;

  virtual ~stage_logic() = default;

  /// Handles one item, appending what it passes on to `out`. May throw: the stage's
  /// supervisor then restarts it with a fresh logic.
  virtual void on_item(const caf::message& in, clock_type::time_point now,
                       std::vector<caf::message>& out) = 0;

  /// How often on_tick runs; zero: never.
  virtual clock_type::duration tick_interval() const { return clock_type::duration::zero(); }

  virtual void on_tick(clock_type::time_point, std::vector<caf::message>&) {}

  /// Every input has ended: pass on what is still held.
  virtual void on_end(std::vector<caf::message>&) {}
};

/// Makes the logic of one incarnation.
using stage_logic_factory = std::function<std::unique_ptr<stage_logic>()>;

} // namespace kite::actors
