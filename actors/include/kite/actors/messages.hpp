// Message types of Kite's reusable actors; each inspect() serves local messaging and the wire.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <caf/meta/type_name.hpp>

namespace kite::actors {

/// One reading of a sensor: `values` are the channels of one instant.
struct sensor_sample {
  uint64_t sequence = 0;
  int64_t timestamp_ns = 0;
  std::vector<float> values;
};

template <class Inspector> typename Inspector::result_type inspect(Inspector& f, sensor_sample& x) {
  return f(caf::meta::type_name("kite.sensor_sample"), x.sequence, x.timestamp_ns, x.values);
}

/// A window statistic over recent samples, produced by the window_mean stage.
struct feature {
  uint64_t sequence = 0;
  int64_t timestamp_ns = 0;
  double mean = 0;
  double min = 0;
  double max = 0;
};

template <class Inspector> typename Inspector::result_type inspect(Inspector& f, feature& x) {
  return f(caf::meta::type_name("kite.feature"), x.sequence, x.timestamp_ns, x.mean, x.min, x.max);
}

/// A threshold stage's report: its value crossed the limit (raised) or came back (cleared).
struct alarm {
  uint64_t sequence = 0;
  int64_t timestamp_ns = 0;
  double value = 0;
  double limit = 0;
  bool raised = false;
};

template <class Inspector> typename Inspector::result_type inspect(Inspector& f, alarm& x) {
  return f(caf::meta::type_name("kite.alarm"), x.sequence, x.timestamp_ns, x.value, x.limit,
           x.raised);
}

/// Samples a batcher stage gathered, oldest first.
struct sample_batch {
  std::vector<sensor_sample> samples;
};

template <class Inspector> typename Inspector::result_type inspect(Inspector& f, sample_batch& x) {
  return f(caf::meta::type_name("kite.sample_batch"), x.samples);
}

/// What a summarize actor knows about its key after each feature.
struct summary {
  std::string key;
  uint64_t count = 0;
  uint64_t last_sequence = 0;
  double mean = 0;
  double min = 0;
  double max = 0;
};

template <class Inspector> typename Inspector::result_type inspect(Inspector& f, summary& x) {
  return f(caf::meta::type_name("kite.summary"), x.key, x.count, x.last_sequence, x.mean, x.min,
           x.max);
}

/// Opaque bytes, for echo and benchmarks.
struct blob {
  std::string bytes;
};

template <class Inspector> typename Inspector::result_type inspect(Inspector& f, blob& x) {
  return f(caf::meta::type_name("kite.blob"), x.bytes);
}

} // namespace kite::actors
