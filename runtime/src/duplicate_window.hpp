// The server side of at-least-once delivery: remembers the requests each peer sent recently, so
// a resent request is handled once and a resend after the answer gets that answer again.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <unordered_map>
#include <utility>
#include <vector>

namespace kite::detail {

/// What the window knows of a request when it arrives.
enum class delivery {
  /// Not seen inside the window: handle it.
  fresh,
  /// Seen and not answered yet: drop this copy, the answer will come.
  in_flight,
  /// Seen and answered: send the kept answer again (or say it is gone).
  answered,
};

/// An answer frame kept for resends.
struct kept_answer {
  std::vector<char> header;
  std::vector<char> payload;
};

/// Requests by (peer, sequence) seen within a time span; owned by one thread.
class duplicate_window {
public:
  using clock_type = std::chrono::steady_clock;

  /// Keeps requests for `span`, at most `max_requests` of them and `max_answer_bytes` of answers.
  duplicate_window(std::chrono::milliseconds span, size_t max_requests, size_t max_answer_bytes);

  /// Records request `sequence` of `peer`, placed at `epoch`, arriving at `now`, and says what
  /// to do with it. A copy placed at a newer epoch than the one seen is fresh: the actor moved,
  /// and the old copy's answer no longer counts.
  delivery admit(uint64_t peer, uint64_t sequence, uint64_t epoch, clock_type::time_point now);

  /// The answer kept for an answered request; null when it was not kept (over the byte budget).
  const kept_answer* answer(uint64_t peer, uint64_t sequence) const;

  /// Records the answer to the copy admitted at `epoch`, keeping its frame when the byte budget
  /// allows; answers to requests no longer in the window, or to older copies, are ignored.
  void answered(uint64_t peer, uint64_t sequence, uint64_t epoch, std::vector<char>&& header,
                std::vector<char>&& payload);

  /// Forgets the copy admitted at `epoch`, so the next copy is handled: it was never answered.
  void forget(uint64_t peer, uint64_t sequence, uint64_t epoch);

  /// How many requests the window holds.
  size_t size() const { return entries_.size(); }

  /// Bytes of answers kept.
  size_t answer_bytes() const { return answer_bytes_; }

private:
  using request_key = std::pair<uint64_t, uint64_t>;
  struct key_hash {
    size_t operator()(const request_key& key) const {
      return std::hash<uint64_t>{}(key.first * 0x9e3779b97f4a7c15ull ^ key.second);
    }
  };
  struct entry {
    clock_type::time_point seen;
    uint64_t epoch = 0;
    bool answered = false;
    /// Set when the answer was kept.
    bool kept = false;
    kept_answer answer;
  };

  /// Drops entries older than the span, and the oldest beyond max_requests.
  void trim(clock_type::time_point now);
  using entry_map = std::unordered_map<request_key, entry, key_hash>;

  void erase(entry_map::iterator i);

  std::chrono::milliseconds span_;
  size_t max_requests_;
  size_t max_answer_bytes_;
  size_t answer_bytes_ = 0;
  entry_map entries_;
  /// Arrival order, for trimming; may name entries forgotten or re-admitted since.
  std::deque<std::pair<clock_type::time_point, request_key>> arrivals_;
};

} // namespace kite::detail
