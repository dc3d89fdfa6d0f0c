// A worker and edges as real processes on loopback, with fresh keys and configs in a temp dir.
#pragma once

#include <chrono>
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
  /// Use a key the worker does not allow.
  bool unknown_key = false;
};

/// Owns a temp dir, keys, configs and the processes started from them.
class loopback_cluster {
public:
  loopback_cluster();
  ~loopback_cluster();

  /// Starts (or restarts) the worker; the first start picks a free port, later ones reuse it.
  child_process& start_worker();

  /// The running worker process; start_worker() must have been called.
  child_process& worker() { return *worker_; }

  /// Starts an edge connected to the worker.
  std::unique_ptr<child_process> start_edge(const edge_options& options);

  /// The worker's endpoint, known once it started.
  const std::string& endpoint() const { return endpoint_; }

  const keypair& worker_keys() const { return worker_keys_; }
  const keypair& allowed_edge_keys() const { return edge_keys_; }
  const std::string& dir() const { return dir_; }
  std::string worker_log() const { return dir_ + "/worker.log"; }

private:
  std::string write_worker_config();

  std::string dir_;
  keypair worker_keys_;
  keypair edge_keys_;
  keypair stranger_keys_;
  std::string endpoint_;
  std::unique_ptr<child_process> worker_;
  int worker_starts_ = 0;
};

/// Returns the integer after `key=` in the last line of `text` holding it, or -1.
long long counter_in(const std::string& text, const std::string& key);

} // namespace kite::test
