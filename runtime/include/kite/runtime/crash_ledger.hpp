// Supervision of logical actors, which are activated on demand by their host rather than
// started by a supervisor (OTP's simple_one_for_one, virtual actors): every crash is recorded
// and logged, the next request re-activates the actor, and one that crashes more often than the
// restart intensity is not re-activated until its backoff has passed — a crash loop costs one
// activation per backoff, not one per request, and the caller gets an error that says why.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <random>
#include <string>

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>
#include <caf/error.hpp>
#include <caf/expected.hpp>
#include <caf/message.hpp>
#include <prometheus/counter.h>

#include "kite/runtime/registry.hpp"
#include "kite/runtime/restart_policy.hpp"
#include "kite/runtime/supervisor.hpp"

namespace kite {

class metrics;

/// The crash history of the logical actors one host activates; thread-safe.
class crash_ledger {
public:
  /// `name` labels logs, reports and metrics; `flags` give the intensity, period and backoff
  /// that apply to each logical actor on its own (its strategy is one_for_one). With `counts`,
  /// which must outlive the ledger, it keeps kite_logical_actor_crashes_total and
  /// kite_logical_actor_hold_backs_total labelled host=`name`.
  crash_ledger(std::string name, supervisor_flags flags, metrics* counts = nullptr);

  /// Whether actor `id` may be activated at `now`: an error (restart_limit) naming its crashes
  /// and when it may run again while it is held back.
  caf::error may_activate(const std::string& id, restart_clock::time_point now);

  /// Actor `id` was activated at `now`.
  void activated(const std::string& id, restart_clock::time_point now);

  /// Starts actor `id`, (`type`, `key`) from `snapshot`, as an activation at `now` (ask
  /// may_activate first); a start that fails is that activation's crash.
  caf::expected<caf::actor> start(const std::string& id, const actor_type& type,
                                  caf::actor_system& sys, const std::string& key,
                                  const caf::message& snapshot, restart_clock::time_point now);

  /// Actor `id` ended with `reason` at `now`; only abnormal ends count as crashes.
  void ended(const std::string& id, const caf::error& reason, restart_clock::time_point now);

  /// The actors that crashed within the period, each with its restarts and last exit; state
  /// "running", "stopped" (re-activated by its next request) or "held back".
  supervisor_report report(restart_clock::time_point now);

  /// Crashes recorded since the start.
  uint64_t crashes() const;

private:
  struct history {
    explicit history(const supervisor_flags& flags) : window(flags.intensity, flags.period) {}

    restart_window window;
    /// Crash loops in a row, for the backoff; reset after a period without a crash.
    uint32_t consecutive = 0;
    uint32_t restarts = 0;
    bool running = false;
    restart_clock::time_point started_at;
    restart_clock::time_point held_until;
    std::string last_exit;
  };

  /// With the lock held: drops the histories with nothing to remember at `now`.
  void forget_quiet(restart_clock::time_point now);

  std::string name_;
  supervisor_flags flags_;
  mutable std::mutex mutex_;
  std::map<std::string, history> actors_;
  uint64_t crashes_ = 0;
  std::mt19937 random_{std::random_device{}()};
  prometheus::Counter* crash_count_ = nullptr;
  prometheus::Counter* hold_back_count_ = nullptr;
};

} // namespace kite
