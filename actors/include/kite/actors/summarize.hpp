// kite.summarize: a stateful logical actor that folds the features of one key into a summary.
#pragma once

#include <string>

#include <caf/behavior.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/stateful_actor.hpp>

#include "kite/actors/messages.hpp"

namespace kite::actors {

/// State of one summarize actor; snapshotted, so it moves with the actor between workers.
struct summarize_state {
  static constexpr const char* name = "kite.summarize";
  summary current;
  double sum = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, summarize_state& x) {
  return f(caf::meta::type_name("kite.summarize_state"), x.current, x.sum);
}

/// Answers each feature with the summary of all features seen for `key` so far.
caf::behavior summarize(caf::stateful_actor<summarize_state>* self, std::string key);

} // namespace kite::actors
