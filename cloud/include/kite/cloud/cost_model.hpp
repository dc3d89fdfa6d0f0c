// The placement cost model: the expected completion time of one request to a logical actor on
// each candidate host — the calling edge itself or a worker — from what the hosts and edges
// report. "Offload or not" and "which worker" are the same comparison. docs/placement.md has
// the formula.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace kite::cloud {

/// One candidate host for a logical actor, as the placement service knows it from reports.
struct host_view {
  std::string name;
  /// The edge that calls the actor, running it itself: no network between them.
  bool edge = false;
  /// Round trip from the calling edge, in seconds; 0 for the edge itself.
  double rtt_s = 0;
  /// Bytes per second from the calling edge; 0 when not measured (the transfer is then free).
  double bandwidth = 0;
  /// Requests waiting at the host.
  double backlog = 0;
  /// Mean service time of one request of this actor type there, in seconds (EWMA).
  double service_s = 0;
  /// Requests the host serves in parallel (its scheduler threads).
  uint32_t capacity = 1;
};

/// What one request to the actor carries, from the type's declared or measured sizes.
struct actor_demand {
  std::string type;
  std::string key;
  double request_bytes = 0;
  double reply_bytes = 0;
};

/// The seconds a request to `demand`'s actor is expected to take on `host`:
/// rtt + (request + reply bytes) / bandwidth + (backlog / capacity) × service + service.
double expected_completion_s(const host_view& host, const actor_demand& demand);

} // namespace kite::cloud
