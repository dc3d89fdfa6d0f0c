// What one row of bench/offload_rtt measured, and the loop that times every peer.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "../report.hpp"

namespace kite::bench {

/// One row: a transport at one payload size.
struct measurement {
  std::string transport;
  bool curve = false;
  size_t size = 0;
  double p50_us = 0;
  double p99_us = 0;
  double round_trips_per_s = 0;
};

/// How much work each row does.
struct workload {
  size_t warmup = 200;
  size_t round_trips = 2000;
  size_t pipelined = 20000;
  size_t window = 64;
  /// CAF scheduler threads of the edge and of the worker; 2 is a node's default.
  uint32_t threads = 2;
};

/// Times an exchange the way every peer is timed: `work.warmup` round trips, then
/// `work.round_trips` single round trips (p50, p99), then `work.pipelined` answers with
/// `work.window` in flight, timed from the warm-up's last answer (the rate). `send()` sends one
/// request; `receive()` waits for one answer, throwing when none comes.
template <class Send, class Receive>
void time_exchange(Send&& send, Receive&& receive, const workload& work, measurement& out) {
  using clock_type = std::chrono::steady_clock;
  for (size_t i = 0; i < work.warmup; ++i) {
    send();
    receive();
  }
  std::vector<double> samples;
  samples.reserve(work.round_trips);
  for (size_t i = 0; i < work.round_trips; ++i) {
    auto start = clock_type::now();
    send();
    receive();
    samples.push_back(std::chrono::duration<double, std::micro>(clock_type::now() - start).count());
  }
  out.p50_us = quantile(samples, 0.5);
  out.p99_us = quantile(samples, 0.99);
  size_t total = work.warmup + work.pipelined;
  size_t sent = 0;
  auto start = clock_type::now();
  for (; sent < work.window && sent < total; ++sent)
    send();
  for (size_t answered = 0; answered < total;) {
    receive();
    if (++answered == work.warmup) start = clock_type::now();
    if (sent < total) {
      send();
      ++sent;
    }
  }
  out.round_trips_per_s = static_cast<double>(work.pipelined) /
                          std::chrono::duration<double>(clock_type::now() - start).count();
}

} // namespace kite::bench
