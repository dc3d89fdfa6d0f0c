// CAF 0.17's remote actors in bench/stream: a counting actor published with
// middleman().publish in its own process, sent std::string payloads with plain sends (no
// response). It confirms every `ack_every` messages to the sender, which keeps at most a window
// unconfirmed: without that, nothing would stop the sender's queue growing without bound. BASP
// has no encryption here: CURVE-off rows.
#pragma once

#include <string>
#include <vector>

#include "stream_timing.hpp"

namespace kite::bench {

/// Publishes a counting actor on 127.0.0.1 at a free port until killed; writes
/// "127.0.0.1:PORT" to `ready_file`.
int serve_caf_sink(size_t ack_every, const std::string& ready_file);

/// Measures a stream to the counting actor at `endpoint` (host:port); `sink` is its process.
stream_measurement measure_caf_stream(const std::string& endpoint, size_t size,
                                      const stream_workload& work, pid_t sink);

} // namespace kite::bench
