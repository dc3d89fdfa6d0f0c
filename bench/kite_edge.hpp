// Kite's side of the peer benchmarks: an edge in the benchmark's process (actor system, client
// link, offload router) whose requests go to a real kite-cloud worker process, driven by an
// event-based actor that keeps requests in flight the way the edge's offload sink does; and the
// worker's configuration and keys.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "kite/actors/messages.hpp"
#include "kite/runtime/keys.hpp"

namespace kite::bench {

/// Writes a new keypair to `prefix`.key and `prefix`.pub and returns it.
keypair make_keys(const std::string& prefix);

/// Writes a worker's YAML under `dir`: loopback on a free port, `threads` scheduler threads,
/// CURVE allowing only `edge` (whose secret key is `dir`/worker.key) or none, and `plugins`
/// loaded; returns its path.
std::string worker_config(const std::string& dir, bool curve, const keypair& edge, uint32_t threads,
                          const std::vector<std::string>& plugins = {});

/// What one run of offloaded requests measured.
struct offload_run {
  /// The round trip of each request sent after the warm-up.
  std::vector<double> round_trips_us;
  /// When the warm-up's last answer arrived (without a warm-up: when the run started); the
  /// answers after it are the timed ones.
  std::chrono::steady_clock::time_point measuring_since;
  std::chrono::steady_clock::time_point last_answered;

  /// Answers per second after the warm-up, `count` of them.
  double answers_per_s(size_t count) const {
    return static_cast<double>(count) /
           std::chrono::duration<double>(last_answered - measuring_since).count();
  }
};

/// An edge in this process with its link up to the worker at `endpoint`.
class bench_edge {
public:
  /// Connects with CURVE when `client` is given (the worker's public key is `server_key`), with
  /// `threads` CAF scheduler threads; throws when the link is not up within 10 s.
  bench_edge(const std::string& endpoint, const keypair* client, const std::string& server_key,
             uint32_t threads);
  ~bench_edge();
  bench_edge(const bench_edge&) = delete;
  bench_edge& operator=(const bench_edge&) = delete;

  /// Offloads `payload` to the actor (`type`, "bench") with `window` requests in flight until
  /// `warmup + count` are answered, each with a kite.blob of `answer_size` bytes; throws on an
  /// error or when no answer comes for 120 s.
  offload_run drive(const std::string& type, const actors::blob& payload, size_t answer_size,
                    size_t warmup, size_t count, size_t window);

private:
  struct node;
  std::unique_ptr<node> node_;
};

} // namespace kite::bench
