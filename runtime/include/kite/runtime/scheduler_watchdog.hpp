// Feeds systemd's watchdog (WatchdogSec=) from a node's main loop while its actor system still
// runs actors: a small actor of its own must answer within a quarter of the interval. A node
// whose scheduler hangs stops feeding, and systemd restarts it. Without WATCHDOG_USEC (run by
// hand, or under Kubernetes, whose liveness probe has this role) it does nothing.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>

namespace kite {

/// Not thread-safe: the node's main loop owns it; create it after the actor system.
class scheduler_watchdog {
public:
  scheduler_watchdog(caf::actor_system& sys, std::string node_id);
  ~scheduler_watchdog();
  scheduler_watchdog(const scheduler_watchdog&) = delete;
  scheduler_watchdog& operator=(const scheduler_watchdog&) = delete;

  /// Call often (every 100 ms or so): at half the interval, sends WATCHDOG=1 if the actor
  /// answers in time, and warns when it does not.
  void feed_if_due();

private:
  caf::actor_system& sys_;
  std::string node_id_;
  std::optional<std::chrono::microseconds> interval_;
  caf::actor echo_;
  std::chrono::steady_clock::time_point due_;
};

} // namespace kite
