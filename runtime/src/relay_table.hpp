// Requests a server link handed to hosted actors and not answered yet, keyed by the CAF
// request id the link gave them; written by the link thread, taken by answering actors' threads.
// Answers also measure the hosted actors' load: backlog and service time per actor type.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "kite/runtime/link.hpp"
#include "kite/runtime/service_meter.hpp"

namespace kite::detail {

/// What a relayed request's answer is for.
enum class relay_purpose {
  /// A client's request: answered as a response, and its service time measured.
  request,
  /// A snapshot the worker takes: answered as a snapshot frame.
  snapshot,
  /// A released actor's state: answered as a response to the release frame.
  hand_over,
};

/// Whom to answer for one relayed request.
struct relayed_request {
  uint64_t peer = 0;
  uint64_t sequence = 0;
  uint64_t epoch = 0;
  std::string actor_type;
  std::string actor_key;
  std::chrono::steady_clock::time_point deadline;
  relay_purpose purpose = relay_purpose::request;
  /// When the link handed it to the actor; add() sets it when unset.
  std::chrono::steady_clock::time_point relayed_at;
};

/// A thread-safe table of relayed requests; ids grow, so the oldest comes first.
class relay_table {
public:
  /// Stores `req` and returns its id (never 0, below 2^60 as CAF request ids must be).
  uint64_t add(relayed_request req);

  /// Removes and returns request `id`, answered at `now`; empty when it was answered or
  /// expired already.
  std::optional<relayed_request> take(uint64_t id, std::chrono::steady_clock::time_point now);

  /// Removes and returns every request whose deadline is before `now`.
  std::vector<relayed_request> expire(std::chrono::steady_clock::time_point now);

  /// Client requests not answered yet, and the service time of each actor type over the
  /// answers since the last call (service_meter).
  relay_load load();

  /// Each actor type's requests in flight and service time histogram, since the start.
  std::map<std::string, actor_type_load> by_type() const;

  /// Forgets when keys silent since before `cutoff` answered last, to bound memory.
  void forget_answers_before(std::chrono::steady_clock::time_point cutoff);

private:
  using clock_type = std::chrono::steady_clock;

  /// With the lock held: counts a client request of `type` in (+1) or out (-1).
  void count_in_flight(const std::string& type, int change);
  /// With the lock held: adds the service time of `req`, answered at `now`, to its type's window.
  void measure(const relayed_request& req, clock_type::time_point now);

  mutable std::mutex mutex_;
  uint64_t next_id_ = 1;
  std::map<uint64_t, relayed_request> requests_;
  size_t client_requests_ = 0;
  /// Client requests only; types stay once seen (there are as many as the registry holds).
  std::map<std::string, actor_type_load> types_;
  /// When each logical actor answered last: a request queued behind another starts then.
  std::map<std::pair<std::string, std::string>, clock_type::time_point> answered_at_;
  service_meter service_;
};

} // namespace kite::detail
