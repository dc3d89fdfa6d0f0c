// Requests a server link handed to hosted actors and not answered yet, keyed by the CAF
// request id the link gave them; written by the link thread, taken by answering actors' threads.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace kite::detail {

/// Whom to answer for one relayed request.
struct relayed_request {
  uint64_t peer = 0;
  uint64_t sequence = 0;
  uint64_t epoch = 0;
  std::string actor_type;
  std::string actor_key;
  std::chrono::steady_clock::time_point deadline;
  /// A snapshot_atom request: the answer goes out as a snapshot frame.
  bool snapshot = false;
};

/// A thread-safe table of relayed requests; ids grow, so the oldest comes first.
class relay_table {
public:
  /// Stores `req` and returns its id (never 0, below 2^60 as CAF request ids must be).
  uint64_t add(relayed_request req);

  /// Removes and returns request `id`; empty when it was answered or expired already.
  std::optional<relayed_request> take(uint64_t id);

  /// Removes and returns every request whose deadline is before `now`.
  std::vector<relayed_request> expire(std::chrono::steady_clock::time_point now);

private:
  std::mutex mutex_;
  uint64_t next_id_ = 1;
  std::map<uint64_t, relayed_request> requests_;
};

} // namespace kite::detail
