#include "kite/actors/synthetic_source.hpp"

#include <chrono>
#include <cmath>

#include "kite/actors/messages.hpp"
#include "kite/runtime/protocol.hpp"

namespace kite::actors {

namespace {

sensor_sample make_sample(synthetic_source_state& s) {
  sensor_sample out;
  out.sequence = s.emitted;
  out.timestamp_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
  std::normal_distribution<float> noise{0.0f, 0.05f};
  out.values.reserve(s.cfg.values);
  auto t = static_cast<double>(s.emitted) / s.cfg.rate_hz;
  for (uint32_t channel = 0; channel < s.cfg.values; ++channel)
    out.values.push_back(static_cast<float>(std::sin(t + channel)) + noise(s.random));
  return out;
}

} // namespace

caf::behavior synthetic_source(caf::stateful_actor<synthetic_source_state>* self, source_config cfg,
                               caf::actor next) {
  auto& s = self->state;
  s.cfg = cfg;
  s.next = std::move(next);
  s.random.seed(cfg.seed);
  auto period = std::chrono::nanoseconds{static_cast<int64_t>(1e9 / cfg.rate_hz)};
  self->send(self, tick_atom::value);
  return {
      [self, period](tick_atom) {
        auto& s = self->state;
        if (s.cfg.count != 0 && s.emitted >= s.cfg.count) return;
        self->send(s.next, make_sample(s));
        ++s.emitted;
        self->delayed_send(self, period, tick_atom::value);
      },
  };
}

} // namespace kite::actors
