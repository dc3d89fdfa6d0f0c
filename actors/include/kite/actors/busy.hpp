// kite.busy: a stand-in for a compute-heavy actor, for load tests and placement experiments:
// each feature costs it `busy_cpu_per_request` of CPU before it answers.
#pragma once

#include <chrono>
#include <string>

#include <caf/behavior.hpp>
#include <caf/event_based_actor.hpp>

namespace kite::actors {

/// The CPU time kite.busy spends on each request.
constexpr std::chrono::milliseconds busy_cpu_per_request{10};

/// Answers each feature with a summary of that feature alone (under `key`), after burning
/// busy_cpu_per_request of its thread's CPU time.
caf::behavior busy(caf::event_based_actor* self, std::string key);

} // namespace kite::actors
