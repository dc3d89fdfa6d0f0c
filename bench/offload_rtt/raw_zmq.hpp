// The transport's limit: a raw cppzmq DEALER/ROUTER echo with the same payloads and CURVE setting.
#pragma once

#include <string>

#include "kite/runtime/keys.hpp"
#include "measurement.hpp"

namespace kite::bench {

/// Serves a ROUTER echo on `endpoint` until killed; writes the bound endpoint to `ready_file`.
int serve_raw_echo(const std::string& endpoint, const std::string& secret_key,
                   const std::string& ready_file);

/// Measures round trips and pipelined throughput against a raw echo server.
measurement measure_raw(const std::string& endpoint, const keypair* client,
                        const std::string& server_key, size_t size, const workload& work);

} // namespace kite::bench
