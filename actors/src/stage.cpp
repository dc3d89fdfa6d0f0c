#include "kite/actors/stage.hpp"

#include "kite/runtime/protocol.hpp"

namespace kite::actors {

namespace {

/// Items taken per wake before yielding the thread to other actors.
constexpr int items_per_turn = 64;

/// Pushes what the logic produced; false while something is held.
bool pass_on(caf::stateful_actor<stage_state>* self) {
  auto& s = self->state;
  for (const auto& item : s.produced)
    s.out.push(item, self);
  s.produced.clear();
  return !s.out.holding();
}

/// Once every input ended and nothing is held: ends the outlet, or finishes a sink.
void end_if_done(caf::stateful_actor<stage_state>* self) {
  auto& s = self->state;
  if (!s.input_ended || s.ended || s.out.holding()) return;
  s.ended = true;
  s.out.end();
  s.in->finish();
}

void drain(caf::stateful_actor<stage_state>* self) {
  auto& s = self->state;
  if (s.out.holding()) return; // resume_atom restarts the drain
  for (int i = 0; i < items_per_turn; ++i) {
    auto item = s.in->take();
    if (!item) {
      if (!s.input_ended && s.in->ended()) {
        s.input_ended = true;
        s.logic->on_end(s.produced);
        pass_on(self);
      }
      end_if_done(self);
      return;
    }
    s.logic->on_item(*item, stage_logic::clock_type::now(), s.produced);
    if (!pass_on(self)) return;
  }
  self->send(self, wake_atom::value);
}

} // namespace

caf::behavior stage(caf::stateful_actor<stage_state>* self, std::shared_ptr<stream_queue> in,
                    outlet out, std::shared_ptr<stage_logic_factory> make_logic) {
  auto& s = self->state;
  s.in = std::move(in);
  s.out = std::move(out);
  s.logic = (*make_logic)();
  s.in->attach(self);
  // Whatever was queued while no incarnation was running.
  self->send(self, wake_atom::value);
  auto interval = s.logic->tick_interval();
  if (interval != stage_logic::clock_type::duration::zero())
    self->delayed_send(self, interval, tick_atom::value);
  return {
      [self](wake_atom) { drain(self); },
      [self](resume_atom) {
        auto& s = self->state;
        if (!s.out.flush(self)) return;
        end_if_done(self);
        drain(self);
      },
      [self, interval](tick_atom) {
        auto& s = self->state;
        if (s.input_ended) return;
        s.logic->on_tick(stage_logic::clock_type::now(), s.produced);
        pass_on(self);
        self->delayed_send(self, interval, tick_atom::value);
      },
  };
}

} // namespace kite::actors
