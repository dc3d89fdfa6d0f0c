// Kite's side of the benchmark: an in-process edge (actor system, link, offload router) whose
// requests go to kite.echo on a real kite-cloud worker process.
#pragma once

#include <string>

#include "kite/runtime/keys.hpp"
#include "measurement.hpp"

namespace kite::bench {

/// Measures round trips and pipelined throughput through the offload router to kite.echo.
measurement measure_kite(const std::string& endpoint, const keypair* client,
                         const std::string& server_key, size_t size, const workload& work);

} // namespace kite::bench
