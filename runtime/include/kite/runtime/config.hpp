// Typed configuration of every Kite node, loaded from YAML with errors that name file, line and
// key.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include <caf/expected.hpp>

#include "kite/runtime/supervisor.hpp"

namespace kite {

/// Logging settings shared by every node.
struct log_config {
  std::string level = "info";
};

/// Heartbeat, reconnect and frame-size settings of a ZeroMQ link.
struct link_config {
  std::chrono::milliseconds heartbeat_interval{200};
  /// A peer that stays silent for this many intervals is declared down: by default a worker
  /// that hangs is noticed within a second (one killed, at once: its connection closes).
  uint32_t heartbeat_misses = 4;
  std::chrono::milliseconds reconnect_min{100};
  std::chrono::milliseconds reconnect_max{5000};
  uint32_t max_frame_bytes = 16u * 1024 * 1024;
};

/// CURVE settings: this node's secret key file and, on servers, the allowed client keys.
struct security_config {
  /// Plaintext links are for benchmarks on loopback only; nodes log a warning.
  bool curve = true;
  std::string secret_key_file;
  /// Z85 public keys of the clients a server accepts.
  std::vector<std::string> allow;
};

/// What every node has, whatever its kind.
struct node_config {
  std::string node_id;
  uint32_t threads = 2;
  log_config log;
  link_config link;
  security_config security;
  /// Where to serve Prometheus metrics ("host:port"; port 0 picks one); empty: not served.
  std::string metrics_listen;
};

/// How long a worker recognises a resent request, so that it is handled once.
struct duplicates_config {
  std::chrono::milliseconds window{10000};
  uint32_t max_requests = 100000;
};

/// When a worker snapshots its stateful logical actors to the peer that placed them: after
/// `every_messages` requests, or `interval` after a change; 0 turns either off.
struct snapshots_config {
  uint32_t every_messages = 100;
  std::chrono::milliseconds interval{5000};
};

/// `kite-cloud worker`: binds one ROUTER endpoint and hosts logical actors by type.
struct worker_config {
  node_config node;
  std::string bind = "tcp://127.0.0.1:5555";
  /// How long a hosted actor may take to answer one request.
  std::chrono::milliseconds request_timeout{5000};
  duplicates_config duplicates;
  snapshots_config snapshots;
  /// Restart intensity and backoff of each hosted logical actor.
  supervisor_flags supervision;
};

/// One worker an edge connects to.
struct upstream_config {
  std::string endpoint;
  /// Z85 public key of the worker, checked by CURVE.
  std::string server_key;
};

/// How the edge retries and bounds requests to offloaded actors.
struct offload_config {
  std::chrono::milliseconds retry_interval{1000};
  uint32_t max_pending = 10000;
  /// Whether a logical actor whose type the edge also hosts runs on the edge while no live
  /// worker hosts it, and how long a request waits for one first.
  bool local_fallback = true;
  std::chrono::milliseconds local_after{1000};
};

/// The synthetic sensor at the head of the edge's pipeline.
struct source_config {
  double rate_hz = 10;
  uint32_t values = 16;
  /// Samples to emit before stopping; 0 runs forever.
  uint64_t count = 0;
  uint64_t seed = 1;
};

/// The local stage: a moving mean over the last `window` samples.
struct stage_config {
  uint32_t window = 4;
};

/// The logical actor `(type, key)` each stage output is sent to.
struct target_config {
  std::string type = "kite.summarize";
  std::string key;
};

/// The edge's local pipeline: source -> stage -> offload target.
struct pipeline_config {
  source_config source;
  stage_config stage;
  target_config target;
};

/// `kite-edge`: runs a local pipeline and offloads to workers.
struct edge_config {
  node_config node;
  /// The workers to offload to; each logical actor runs on one of them, and moves to another
  /// when its worker goes down.
  std::vector<upstream_config> upstreams;
  offload_config offload;
  pipeline_config pipeline;
  /// How the pipeline's supervisor restarts its stages.
  supervisor_flags supervision;
};

/// Loads a worker config; the error lists every problem found, one per line.
caf::expected<worker_config> load_worker_config(const std::string& path);

/// Loads an edge config; the error lists every problem found, one per line.
caf::expected<edge_config> load_edge_config(const std::string& path);

/// Reads the `kind` of a config file ("edge" or "worker") without checking the rest.
caf::expected<std::string> config_kind(const std::string& path);

} // namespace kite
