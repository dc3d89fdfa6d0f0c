// A synthetic sensor: emits deterministic samples at a fixed rate to the next actor.
#pragma once

#include <cstdint>
#include <random>

#include <caf/actor.hpp>
#include <caf/behavior.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/stateful_actor.hpp>

#include "kite/runtime/config.hpp"

namespace kite::actors {

/// State of a synthetic source.
struct synthetic_source_state {
  static constexpr const char* name = "kite.synthetic_source";
  source_config cfg;
  caf::actor next;
  std::mt19937_64 random;
  uint64_t emitted = 0;
};

/// Sends `cfg.count` samples (forever when 0) of `cfg.values` channels at `cfg.rate_hz` to
/// `next`: a sine per channel plus seeded noise, so runs are reproducible.
caf::behavior synthetic_source(caf::stateful_actor<synthetic_source_state>* self, source_config cfg,
                               caf::actor next);

} // namespace kite::actors
