// Failover across nodes: two real worker processes and an edge's offload router in this
// process, one request in flight at all times; the worker hosting the actor is killed or hung.
#pragma once

#include <string>
#include <vector>

namespace kite::bench {

/// Milliseconds from sending `signal` (SIGKILL or SIGSTOP) to the worker hosting the logical
/// actor to the first answer from the other worker, once per repetition, with default link
/// timing (heartbeats every 200 ms, down after 4 misses).
std::vector<double> failover_ms(const std::string& worker_bin, int signal, int reps);

} // namespace kite::bench
