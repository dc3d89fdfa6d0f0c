#include "kite/runtime/restart_policy.hpp"

#include <algorithm>
#include <cmath>

namespace kite {

restart_window::restart_window(uint32_t max_restarts, std::chrono::milliseconds period)
    : max_restarts_(max_restarts), period_(period) {}

bool restart_window::admit(restart_clock::time_point now) {
  forget_before(now);
  if (restarts_.size() >= max_restarts_) return false;
  restarts_.push_back(now);
  return true;
}

uint32_t restart_window::recent(restart_clock::time_point now) {
  forget_before(now);
  return static_cast<uint32_t>(restarts_.size());
}

void restart_window::forget_before(restart_clock::time_point now) {
  while (!restarts_.empty() && now - restarts_.front() >= period_)
    restarts_.pop_front();
}

std::chrono::milliseconds backoff_delay(const backoff_config& cfg, uint32_t attempt, double unit) {
  if (attempt == 0 || cfg.initial.count() <= 0) return std::chrono::milliseconds{0};
  // Doubling from `initial`, in floating point so a long crash loop cannot overflow.
  double base = static_cast<double>(cfg.initial.count()) * std::pow(2.0, attempt - 1);
  base = std::min(base, static_cast<double>(cfg.max.count()));
  double jitter = std::clamp(cfg.jitter, 0.0, 1.0);
  double scaled = base * (1.0 - jitter + 2.0 * jitter * std::clamp(unit, 0.0, 1.0));
  return std::chrono::milliseconds{static_cast<int64_t>(std::llround(scaled))};
}

} // namespace kite
