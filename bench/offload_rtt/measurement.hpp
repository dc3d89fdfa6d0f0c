// What one benchmark row measured, and the percentile arithmetic behind it.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

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

/// Returns the q-quantile (0..1) of `samples`, which it sorts.
inline double quantile(std::vector<double>& samples, double q) {
  if (samples.empty()) return 0;
  std::sort(samples.begin(), samples.end());
  auto index = static_cast<size_t>(q * static_cast<double>(samples.size() - 1) + 0.5);
  return samples[std::min(index, samples.size() - 1)];
}

/// How much work each row does.
struct workload {
  size_t warmup = 200;
  size_t round_trips = 2000;
  size_t pipelined = 20000;
  size_t window = 64;
  /// CAF scheduler threads of the edge and of the worker; 2 is a node's default.
  uint32_t threads = 2;
};

} // namespace kite::bench
