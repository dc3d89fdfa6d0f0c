// The transport's limit for bench/stream: a raw cppzmq DEALER streaming to a ROUTER that counts,
// with the same payloads and CURVE setting as Kite's rows; only ZeroMQ's high-water mark holds
// the sender back.
#pragma once

#include <string>
#include <vector>

#include "kite/runtime/keys.hpp"
#include "stream_timing.hpp"

namespace kite::bench {

/// Serves a counting ROUTER on `endpoint` until killed, confirming every `ack_every` messages
/// of a sender; writes the bound endpoint to `ready_file`.
int serve_raw_sink(const std::string& endpoint, const std::string& secret_key, size_t ack_every,
                   const std::string& ready_file);

/// Measures a stream to a raw sink; `sink` is its process, for the CPU time.
stream_measurement measure_raw_stream(const std::string& endpoint, const keypair* client,
                                      const std::string& server_key, size_t size,
                                      const stream_workload& work, pid_t sink);

} // namespace kite::bench
