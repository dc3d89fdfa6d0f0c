// What one row of bench/stream measured, and the loop that times a one-way stream: the sender
// never waits for a message, only while `window` messages are unconfirmed, and the receiver
// confirms every `ack_every` messages with the count it has received.
#pragma once

#include <sys/types.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "../cpu_time.hpp"

namespace kite::bench {

/// How much work each row does.
struct stream_workload {
  /// Messages before the timed window, at least, in two phases; the second's rate sizes it.
  size_t warmup = 4096;
  /// Bytes before the timed window, at most: fewer large messages.
  size_t warmup_bytes = 16 << 20;
  /// How long the timed window should last; its message count is set from the warm-up's rate.
  double seconds = 1.0;
  /// Messages sent and not yet confirmed, at most (CAF, MQTT), or Kite's requests in flight.
  size_t window = 256;
  /// Receivers confirm every this many messages; every phase is a multiple of it.
  size_t ack_every = 64;
  /// CAF scheduler threads of each actor system; 2 is a node's default.
  uint32_t threads = 2;

  /// Rounds `n` up to a whole number of confirmations, 4 at least.
  size_t whole(size_t n) const {
    return std::max(4 * ack_every, (n + ack_every - 1) / ack_every * ack_every);
  }

  /// The warm-up's messages of `size` bytes, in each of its two phases.
  size_t warmup_phase(size_t size) const {
    return whole(std::min(warmup, warmup_bytes / size) / 2);
  }

  /// The timed window's messages, at `rate` messages per second.
  size_t timed(double rate) const { return whole(static_cast<size_t>(std::ceil(rate * seconds))); }
};

/// One transport at one size in one repetition: messages received in the timed window, its
/// length, and the CPU time every process involved used over it.
struct stream_measurement {
  std::string transport;
  size_t messages = 0;
  double seconds = 0;
  double cpu_seconds = 0;

  double messages_per_s() const { return static_cast<double>(messages) / seconds; }
  double cpu_us_per_message() const { return 1e6 * cpu_seconds / static_cast<double>(messages); }
};

/// No window: the transport alone holds the sender back (ZeroMQ's high-water mark).
constexpr size_t unbounded = std::numeric_limits<size_t>::max();

/// Times a stream of `size`-byte messages as `work` says, with at most `window` unconfirmed, and
/// the CPU time of this process and of `processes` (with their children) over the timed window.
/// `send()` sends one message and may block while the transport holds it back;
/// `confirmed(wait)` returns how many messages the receiver has confirmed in all, first waiting
/// for a confirmation when `wait` is set (it throws when none comes).
template <class Send, class Confirmed>
stream_measurement time_stream(Send&& send, Confirmed&& confirmed, size_t window, size_t size,
                               const stream_workload& work, const std::vector<pid_t>& processes) {
  using clock_type = std::chrono::steady_clock;
  size_t sent = 0;
  size_t acked = 0;
  // Sends `n` more messages and waits until the receiver has confirmed all of them.
  auto phase = [&](size_t n) {
    auto start = clock_type::now();
    auto target = sent + n;
    while (sent < target) {
      if (sent - acked >= window) {
        acked = confirmed(true);
        continue;
      }
      send();
      // Confirmations are read as they come, so none piles up on the way back.
      if (++sent % work.ack_every == 0) acked = confirmed(false);
    }
    while (acked < target)
      acked = confirmed(true);
    return static_cast<double>(n) /
           std::chrono::duration<double>(clock_type::now() - start).count();
  };
  phase(work.warmup_phase(size));
  auto rate = phase(work.warmup_phase(size));
  stream_measurement out;
  out.messages = work.timed(rate);
  cpu_meter cpu{processes};
  cpu.start();
  auto start = clock_type::now();
  phase(out.messages);
  out.seconds = std::chrono::duration<double>(clock_type::now() - start).count();
  out.cpu_seconds = cpu.stop();
  return out;
}

} // namespace kite::bench
