// Hysteresis for placement: an actor moves only when another host beats its current one by
// more than a threshold for a sustained window, and moves across all actors are capped per
// second, so placement follows real changes without flapping on noisy reports.
#pragma once

#include <chrono>
#include <map>
#include <string>

#include "kite/runtime/config.hpp"

namespace kite::cloud {

/// Decides when a logical actor moves; not thread-safe.
class move_gate {
public:
  using clock_type = std::chrono::steady_clock;

  explicit move_gate(hysteresis_config cfg);

  /// Actor `id` runs on a host costing `current_s` per request and the best other costs
  /// `best_s`: whether it moves now. An `overloaded` host's queue only grows, so waiting out
  /// the sustain window would not filter noise, only add delay: it is skipped. A true answer
  /// uses up one move of the budget.
  bool should_move(const std::string& id, double current_s, double best_s, bool overloaded,
                   clock_type::time_point now);

  /// Forgets `id` (it ended, or moved for another reason).
  void forget(const std::string& id);

private:
  /// With budget left at `now`, takes one move.
  bool take_move(clock_type::time_point now);

  hysteresis_config cfg_;
  /// Since when a better host has been better enough, per actor.
  std::map<std::string, clock_type::time_point> better_since_;
  double moves_left_;
  clock_type::time_point refilled_at_;
};

} // namespace kite::cloud
