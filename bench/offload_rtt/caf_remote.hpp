// CAF 0.17's own remote actors, a peer users might pick instead of Kite: an echo actor published
// with middleman().publish in its own process, reached with remote_actor over BASP, with the
// same payloads. BASP has no encryption here (CAF's TLS module is not set up): CURVE-off rows.
#pragma once

#include <string>

#include "measurement.hpp"

namespace kite::bench {

/// Publishes an echo actor on 127.0.0.1 at a free port until killed; writes "127.0.0.1:PORT" to
/// `ready_file`.
int serve_caf_echo(const std::string& ready_file);

/// Measures round trips and pipelined throughput against a published echo actor at `endpoint`
/// (host:port), with CAF scheduler threads as `work` says.
measurement measure_caf(const std::string& endpoint, size_t size, const workload& work);

} // namespace kite::bench
