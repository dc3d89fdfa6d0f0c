#include "kite/actors/synthetic_source.hpp"

#include <cmath>

#include "kite/actors/messages.hpp"
#include "kite/runtime/protocol.hpp"

namespace kite::actors {

namespace {

double pattern(synthetic_config::shape shape, double t) {
  switch (shape) {
  case synthetic_config::shape::sine:
    return std::sin(t);
  case synthetic_config::shape::square:
    return std::sin(t) >= 0 ? 1.0 : -1.0;
  case synthetic_config::shape::ramp:
    return std::fmod(t, 2 * M_PI) / M_PI - 1.0;
  }
  return 0;
}

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
    out.values.push_back(static_cast<float>(pattern(s.cfg.pattern, t + channel)) + noise(s.random));
  return out;
}

bool done(const synthetic_source_state& s) {
  return s.cfg.count != 0 && s.emitted >= s.cfg.count;
}

/// Emits what is due, then sleeps until the next sample, or until resume_atom while held.
void emit_due(caf::stateful_actor<synthetic_source_state>* self) {
  auto& s = self->state;
  auto period = std::chrono::duration_cast<std::chrono::steady_clock::duration>(
      std::chrono::duration<double>(1.0 / s.cfg.rate_hz));
  auto now = std::chrono::steady_clock::now();
  while (!done(s) && s.next_at <= now) {
    auto sample = make_sample(s);
    ++s.emitted;
    s.next_at += period;
    if (!s.out.push(caf::make_message(std::move(sample)), self)) return;
  }
  if (done(s)) {
    s.out.end();
    return;
  }
  self->delayed_send(self, s.next_at - now, tick_atom::value);
}

} // namespace

caf::behavior synthetic_source(caf::stateful_actor<synthetic_source_state>* self,
                               synthetic_config cfg, outlet out) {
  auto& s = self->state;
  s.cfg = cfg;
  s.out = std::move(out);
  s.random.seed(cfg.seed);
  s.next_at = std::chrono::steady_clock::now();
  self->send(self, tick_atom::value);
  return {
      [self](tick_atom) { emit_due(self); },
      [self](resume_atom) {
        auto& s = self->state;
        if (!s.out.flush(self)) return;
        s.next_at = std::max(s.next_at, std::chrono::steady_clock::now());
        emit_due(self);
      },
  };
}

} // namespace kite::actors
