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
  /// Requests per second arriving from the actors placed there, besides the one being weighed.
  double arrivals = 0;
  /// The work those requests bring per second: the sum of their rates times their service
  /// times (server-seconds per second).
  double load = 0;
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
  /// Requests per second, as the calling edge measured them; 0 while not known.
  double rate = 0;
};

/// The share of `host`'s servers busy once `demand`'s actor runs there too; 1 or more means
/// its queue grows without bound.
double utilization(const host_view& host, const actor_demand& demand);

/// The seconds a request to `demand`'s actor is expected to take on `host`:
/// rtt + (request + reply bytes) / bandwidth + queueing + service, where queueing is the larger
/// of the backlog's share per server and the M/M/c wait at the host's utilization, both in
/// units of the mean service time of the requests it waits behind.
double expected_completion_s(const host_view& host, const actor_demand& demand);

} // namespace kite::cloud
