// The arithmetic of supervision, apart from actors and clocks so tests can drive it with
// their own time points: restart intensity (at most N restarts in T) and backoff delays.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>

namespace kite {

using restart_clock = std::chrono::steady_clock;

/// Restart intensity, as OTP defines it: a supervisor may restart at most `max_restarts`
/// children within any `period`; one more means it gives up.
class restart_window {
public:
  restart_window(uint32_t max_restarts, std::chrono::milliseconds period);

  /// Records a restart at `now`; false when it is one too many for the window.
  bool admit(restart_clock::time_point now);

  /// Restarts recorded within the period before `now`.
  uint32_t recent(restart_clock::time_point now);

private:
  void forget_before(restart_clock::time_point now);

  uint32_t max_restarts_;
  std::chrono::milliseconds period_;
  std::deque<restart_clock::time_point> restarts_;
};

/// Exponential backoff with jitter between restarts of one child.
struct backoff_config {
  /// Delay before the first restart.
  std::chrono::milliseconds initial{10};
  /// Cap on any delay.
  std::chrono::milliseconds max{5000};
  /// Each delay is scaled by a factor drawn from [1 - jitter, 1 + jitter], so children that
  /// failed together do not restart in lockstep.
  double jitter = 0.2;
};

/// The delay before restart number `attempt` (1 for the first) of a child; `unit` is a
/// uniform draw from [0, 1).
std::chrono::milliseconds backoff_delay(const backoff_config& cfg, uint32_t attempt, double unit);

} // namespace kite
