// Kite in bench/stream. Kite has no one-way send: every offload request is answered. A sensor
// stream goes through an offload sink, which keeps up to max_in_flight requests out; this does
// the same through the edge's router (bench_edge), with `window` requests in flight, to a real
// kite-cloud worker, and counts the answers.
#pragma once

#include <string>
#include <vector>

#include "kite/runtime/keys.hpp"
#include "stream_timing.hpp"

namespace kite::bench {

/// Which actor on the worker takes the stream.
struct kite_target {
  /// bench.sink answers an empty blob; kite.echo sends the payload back.
  std::string type;
  std::string transport;
  bool echoes = false;
};

/// Measures a stream to `target` on the worker at `endpoint` (`worker` is its process), CURVE
/// on when `client` is given.
stream_measurement measure_kite_stream(const std::string& endpoint, const keypair* client,
                                       const std::string& server_key, const kite_target& target,
                                       size_t size, const stream_workload& work, pid_t worker);

} // namespace kite::bench
