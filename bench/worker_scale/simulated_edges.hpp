// Many edges in one thread: each a plaintext ZeroMQ DEALER that speaks Kite's wire protocol
// itself (hello, requests, heartbeat answers), as thousands of robots would to one worker.
#pragma once

#include <cstddef>
#include <functional>
#include <string>

namespace kite::bench {

/// What the edges send, and how much.
struct edge_load {
  size_t edges = 10;
  /// Requests in flight over all edges together, the same at every edge count.
  size_t window = 256;
  size_t warmup = 2000;
  size_t timed = 50000;
  std::string actor_type = "kite.echo";
  size_t payload_bytes = 64;
  /// False against a raw ZeroMQ echo: no hello, and each request comes back as its answer.
  bool kite_protocol = true;
};

/// What a run measured over its timed requests.
struct edge_result {
  double answers_per_s = 0;
  size_t answers = 0;
  /// CPU time of the edges' thread per answer, to show when it, not the worker, is the limit.
  double client_cpu_us = 0;
};

/// Connects `load.edges` edges to the worker at `endpoint`, each with its own logical actor,
/// and keeps `load.window` requests in flight, handed to the edges in turn. `on_timing(true)`
/// runs when the timed part starts, `on_timing(false)` when it ends. Throws on a rejected or
/// failed request, or when nothing arrives for 10 s.
edge_result drive_edges(const std::string& endpoint, const edge_load& load,
                        const std::function<void(bool)>& on_timing);

} // namespace kite::bench
