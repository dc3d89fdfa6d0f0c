// A synthetic sensor: deterministic samples at a fixed rate, for tests, benchmarks and demos.
#pragma once

#include <chrono>
#include <cstdint>
#include <random>

#include <caf/behavior.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/stateful_actor.hpp>

#include "kite/runtime/outlet.hpp"
#include "kite/runtime/pipeline_config.hpp"

namespace kite::actors {

/// State of a synthetic source.
struct synthetic_source_state {
  static constexpr const char* name = "kite.synthetic_source";
  synthetic_config cfg;
  outlet out;
  std::mt19937_64 random;
  uint64_t emitted = 0;
  /// When the next sample is due; kept absolute, so timer lateness does not add up.
  std::chrono::steady_clock::time_point next_at;
};

/// Sends `cfg.count` samples (forever when 0) of `cfg.values` channels at `cfg.rate_hz`: the
/// pattern per channel plus seeded noise, so runs are reproducible. While `out` is held by a
/// full queue, it pauses, and resumes at the rate without catching up.
caf::behavior synthetic_source(caf::stateful_actor<synthetic_source_state>* self,
                               synthetic_config cfg, outlet out);

} // namespace kite::actors
