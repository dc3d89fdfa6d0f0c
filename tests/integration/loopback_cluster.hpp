// A worker and edges as real processes on loopback, with fresh keys and configs in a temp dir.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "child_process.hpp"
#include "kite/runtime/keys.hpp"

namespace kite::test {

/// Settings of one edge process.
struct edge_options {
  std::string name = "robot-1";
  double rate_hz = 100;
  uint64_t count = 20;
  std::string retry_interval = "300ms";
  /// Heartbeats (100 ms apart) missed before the edge declares a worker down; the worker
  /// ends the edge's actors after as long a silence.
  uint32_t heartbeat_misses = 5;
  /// Use a key the worker does not allow.
  bool unknown_key = false;
  /// Off unless a test asks: most follow requests through workers.
  bool local_fallback = false;
  std::string local_after = "1s";
  /// Serve metrics on a port of the OS's choice; the log says which.
  bool metrics = false;
  /// Logical actors robot-1-0 .. robot-1-(keys-1) take the samples in turn when above 1.
  uint32_t keys = 1;
  /// The actor type the pipeline's features go to.
  std::string target = "kite.summarize";
  /// offload.service_times, as YAML: what the edge declares a request costs it.
  std::string service_times = "{}";
  /// YAML that replaces the default pipeline (a synthetic source of rate_hz and count, a
  /// window of 4, and an offload sink to `target`); it may add a `spool:` section.
  std::string pipeline{};
  /// The command line before `--config FILE`; KITE_EDGE_BIN when empty. Lets a test run another
  /// build of the edge, or run it through an emulator.
  std::vector<std::string> command{};
};

/// Owns a temp dir, keys, configs and the processes started from them.
class loopback_cluster {
public:
  loopback_cluster();
  ~loopback_cluster();

  /// Starts (or restarts) worker `index` (0-based; named worker-<index+1>): its first start
  /// picks a free port, later ones reuse it.
  child_process& start_worker(size_t index = 0);

  /// The running process of worker `index`; start_worker(index) must have been called.
  child_process& worker(size_t index = 0) { return *workers_.at(index).process; }

  /// Starts (or restarts, on the same endpoint) the placement service with `settings` YAML
  /// appended; it allows the edges and workers 0 .. workers-1, whose keys it makes now. Workers
  /// and edges started from now on report to it, and edges follow its decisions.
  child_process& start_placement(size_t workers, const std::string& settings = {});

  /// The running placement service; start_placement() must have been called.
  child_process& placement() { return *placement_.process; }
  std::string placement_log() const { return dir_ + "/placement.log"; }
  /// Where the placement service listens; start_placement() must have been called.
  const std::string& placement_endpoint() const { return placement_.endpoint; }

  /// Starts an edge connected to every worker started so far, in index order.
  std::unique_ptr<child_process> start_edge(const edge_options& options);

  /// Worker `index`'s endpoint, known once it started.
  const std::string& endpoint(size_t index = 0) const { return workers_.at(index).endpoint; }

  /// Edges started from now on reach worker `index` at `endpoint` (a proxy in front of it).
  void route_through(size_t index, std::string endpoint) {
    workers_.at(index).route = std::move(endpoint);
  }

  const keypair& worker_keys(size_t index = 0) const { return workers_.at(index).keys; }
  const keypair& allowed_edge_keys() const { return edge_keys_; }
  const std::string& dir() const { return dir_; }
  std::string worker_log(size_t index = 0) const;

  /// YAML appended to every worker config written after it is set.
  std::string worker_settings;

private:
  struct worker_slot {
    keypair keys;
    std::string endpoint;
    /// Where edges connect to reach it, when not `endpoint`.
    std::string route;
    std::unique_ptr<child_process> process;
    int starts = 0;
  };

  std::string write_worker_config(size_t index);
  /// The `placement:` section of a worker's or edge's config; empty without the service.
  std::string placement_section() const;

  std::string dir_;
  keypair edge_keys_;
  keypair stranger_keys_;
  std::vector<worker_slot> workers_;
  worker_slot placement_;
};

/// The port of a "tcp://host:port" endpoint.
uint16_t port_of(const std::string& endpoint);

/// Returns the integer after `key=` in the last line of `text` holding it, or -1.
long long counter_in(const std::string& text, const std::string& key);

} // namespace kite::test
