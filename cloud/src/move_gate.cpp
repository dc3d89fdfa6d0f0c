#include "kite/cloud/move_gate.hpp"

#include <algorithm>

namespace kite::cloud {

move_gate::move_gate(hysteresis_config cfg)
    : cfg_(cfg), moves_left_(std::max(cfg.max_moves_per_s, 1.0)) {}

bool move_gate::should_move(const std::string& id, double current_s, double best_s, bool overloaded,
                            clock_type::time_point now) {
  double needed = std::max(cfg_.min_gain_s, cfg_.min_gain_ratio * current_s);
  if (current_s - best_s <= needed) {
    better_since_.erase(id); // the streak is broken
    return false;
  }
  auto [since, first] = better_since_.try_emplace(id, now);
  if (!overloaded && now - since->second < cfg_.sustain) return false;
  if (!take_move(now)) return false; // still better: asks again at the next decision
  better_since_.erase(since);
  return true;
}

void move_gate::forget(const std::string& id) {
  better_since_.erase(id);
}

bool move_gate::take_move(clock_type::time_point now) {
  // A token bucket: refills at max_moves_per_s and holds at most one second's worth.
  if (refilled_at_ != clock_type::time_point{}) {
    double elapsed = std::chrono::duration<double>(now - refilled_at_).count();
    moves_left_ =
        std::min(std::max(cfg_.max_moves_per_s, 1.0), moves_left_ + elapsed * cfg_.max_moves_per_s);
  }
  refilled_at_ = now;
  if (moves_left_ < 1.0) return false;
  moves_left_ -= 1.0;
  return true;
}

} // namespace kite::cloud
