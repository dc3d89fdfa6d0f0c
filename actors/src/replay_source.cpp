#include "kite/actors/replay_source.hpp"

#include <spdlog/spdlog.h>

#include "kite/actors/messages.hpp"
#include "kite/runtime/error.hpp"
#include "kite/runtime/protocol.hpp"

namespace kite::actors {

namespace {

using clock_type = std::chrono::steady_clock;

/// Samples sent per turn when replaying as fast as possible, before yielding the thread.
constexpr int samples_per_turn = 64;

/// Reads ahead to the next well-formed sample; false at the end of the recording.
bool read_next(replay_source_state& s) {
  for (;;) {
    auto sample = s.reader->next();
    if (!sample) {
      ++s.skipped;
      spdlog::warn("{}: skipped a sample: {}", s.node, describe(sample.error()));
      continue;
    }
    if (!*sample) {
      if (!s.cfg.loop || s.emitted == 0) return false;
      s.reader->rewind();
      s.first_ns.reset(); // the next pass is paced from its own first sample
      continue;
    }
    if (!s.first_ns) {
      s.first_ns = (*sample)->timestamp_ns;
      s.started = clock_type::now();
    }
    s.next = std::move(*sample);
    return true;
  }
}

clock_type::time_point due_at(const replay_source_state& s) {
  auto offset = static_cast<double>(s.next->timestamp_ns - *s.first_ns) / s.cfg.speed;
  return s.started + std::chrono::duration_cast<clock_type::duration>(
                         std::chrono::duration<double, std::nano>(std::max(0.0, offset)));
}

void emit_due(caf::stateful_actor<replay_source_state>* self) {
  auto& s = self->state;
  for (int sent = 0; s.next; ++sent) {
    auto now = clock_type::now();
    if (s.cfg.speed > 0 && due_at(s) > now) {
      self->delayed_send(self, due_at(s) - now, tick_atom::value);
      return;
    }
    if (s.cfg.speed == 0 && sent == samples_per_turn) {
      self->send(self, tick_atom::value);
      return;
    }
    sensor_sample sample{s.emitted++, s.next->timestamp_ns, std::move(s.next->values)};
    s.next.reset();
    auto more = read_next(s);
    if (!s.out.push(caf::make_message(std::move(sample)), self)) return; // resume_atom goes on
    if (!more) break;
  }
  if (!s.next) {
    spdlog::info("{}: replayed {} samples of {} ({} skipped)", s.node, s.emitted, s.cfg.file,
                 s.skipped);
    s.out.end();
  }
}

} // namespace

caf::behavior replay_source(caf::stateful_actor<replay_source_state>* self, std::string node,
                            replay_config cfg, outlet out) {
  auto& s = self->state;
  s.cfg = std::move(cfg);
  s.node = std::move(node);
  s.out = std::move(out);
  auto reader = sample_reader::open(s.cfg.file, s.cfg.encoding);
  if (!reader) {
    self->quit(reader.error());
    return {};
  }
  s.reader.emplace(std::move(*reader));
  read_next(s);
  self->send(self, tick_atom::value);
  return {
      [self](tick_atom) { emit_due(self); },
      [self](resume_atom) {
        auto& s = self->state;
        if (!s.out.flush(self)) return;
        if (!s.next) {
          s.out.end();
          return;
        }
        // Paced again from here: the time spent waiting is not caught up in a burst.
        if (s.cfg.speed > 0) {
          s.first_ns = s.next->timestamp_ns;
          s.started = clock_type::now();
        }
        emit_due(self);
      },
  };
}

} // namespace kite::actors
