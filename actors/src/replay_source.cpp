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

/// A pause longer than this between two recorded samples (after scaling) is a gap in the
/// recording, not a pace to keep: the replay goes on from the next sample at once.
constexpr std::chrono::seconds longest_pause{60};

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
      // A pass without a sample (the file was emptied meanwhile) would loop forever.
      if (!s.cfg.loop || s.read_this_pass == 0) return false;
      s.read_this_pass = 0;
      s.reader->rewind();
      s.first_ns.reset(); // the next pass is paced from its own first sample
      continue;
    }
    if (!s.first_ns) {
      s.first_ns = (*sample)->timestamp_ns;
      s.started = clock_type::now();
    }
    ++s.read_this_pass;
    s.next = std::move(*sample);
    return true;
  }
}

/// When the next sample is due; a gap or a step back in the recording's clock paces the replay
/// again from that sample, due now.
clock_type::time_point due_at(replay_source_state& s) {
  // In doubles: a corrupt timestamp must not overflow the subtraction.
  auto offset =
      (static_cast<double>(s.next->timestamp_ns) - static_cast<double>(*s.first_ns)) / s.cfg.speed;
  if (offset < 0 || offset > std::chrono::duration<double, std::nano>(longest_pause).count()) {
    s.first_ns = s.next->timestamp_ns;
    s.started = clock_type::now();
    return s.started;
  }
  return s.started + std::chrono::duration_cast<clock_type::duration>(
                         std::chrono::duration<double, std::nano>(offset));
}

void emit_due(caf::stateful_actor<replay_source_state>* self) {
  auto& s = self->state;
  for (int sent = 0; s.next; ++sent) {
    auto now = clock_type::now();
    if (auto due = s.cfg.speed > 0 ? due_at(s) : now; due > now) {
      self->delayed_send(self, due - now, tick_atom::value);
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
