// A source that replays a recording (sample_codec.hpp) at its recorded pace, scaled by `speed`.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include <caf/behavior.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/stateful_actor.hpp>

#include "kite/actors/sample_codec.hpp"
#include "kite/runtime/outlet.hpp"
#include "kite/runtime/pipeline_config.hpp"

namespace kite::actors {

/// State of a replay source.
struct replay_source_state {
  static constexpr const char* name = "kite.replay_source";
  replay_config cfg;
  std::string node;
  outlet out;
  std::optional<sample_reader> reader;
  /// The next sample, read ahead to know when it is due.
  std::optional<recorded_sample> next;
  uint64_t emitted = 0;
  uint64_t skipped = 0;
  /// Samples read since the last rewind.
  uint64_t read_this_pass = 0;
  /// The first sample's recorded time and when it was sent, which pace the rest.
  std::optional<int64_t> first_ns;
  std::chrono::steady_clock::time_point started;
};

/// Sends each sample of `cfg.file` with sequence numbers from 0 and its recorded timestamp.
/// A malformed sample is logged (file and line) and skipped; at the end it ends its outlet, or
/// starts over with `loop`. A file that cannot be opened ends the actor with an errc::io error.
caf::behavior replay_source(caf::stateful_actor<replay_source_state>* self, std::string node,
                            replay_config cfg, outlet out);

} // namespace kite::actors
