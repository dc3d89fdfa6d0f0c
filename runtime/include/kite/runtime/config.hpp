// Typed configuration of every Kite node, loaded from YAML with errors that name file, line and
// key.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <caf/expected.hpp>

#include "kite/runtime/pipeline_config.hpp"
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
  /// Actor plugins (.so) to load before the node starts, in order (edge and worker only).
  std::vector<std::string> plugins;
};

/// How a worker or an edge reaches the placement service; an empty endpoint: it has none.
struct placement_link_config {
  std::string endpoint;
  /// Z85 public key of the placement service, checked by CURVE.
  std::string server_key;
  /// How often the node reports its load (worker) or its paths and placements (edge).
  std::chrono::milliseconds report_interval{500};
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
  placement_link_config placement;
  /// Labels the placement service matches against types' required labels, such as gpu: "true".
  std::map<std::string, std::string> labels;
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
  /// What one request of each type the edge can run itself costs here, until it has run some
  /// (then it reports what it measured): lets the placement service weigh running the type on
  /// the edge. A type left out is offered to the service only once measured. Ignored without
  /// local_fallback.
  std::map<std::string, std::chrono::milliseconds> service_times;
};

/// The edge's store-and-forward spool (edge/spool): upload sinks keep their items here until
/// the cloud answers them; each sink's spool has these bounds.
struct spool_config {
  /// Where each upload sink keeps its spool, in <directory>/<sink>.spool; must exist.
  std::string directory;
  /// The database file (the edge sets it per sink).
  std::string path;
  /// Payload bytes kept at most.
  uint64_t max_bytes = 64ull * 1024 * 1024;
  /// Records older than this are dropped.
  std::chrono::milliseconds max_age{24 * 3600 * 1000};
  enum class when_full { drop_oldest, drop_newest };
  when_full policy = when_full::drop_oldest;
  /// fsync every transaction (survives a power cut) instead of only the WAL's checkpoints
  /// (survives the process being killed).
  bool sync_full = false;
  /// Records sent per second at most while catching up, so a backlog does not starve live
  /// traffic; 0: no limit.
  double drain_rate = 1000;
};

/// `kite-edge`: runs a local pipeline and offloads to workers.
struct edge_config {
  node_config node;
  /// The workers to offload to; each logical actor runs on one of them, and moves to another
  /// when its worker goes down.
  std::vector<upstream_config> upstreams;
  offload_config offload;
  pipeline_config pipeline;
  spool_config spool;
  /// How the pipeline's supervisor restarts its stages.
  supervisor_flags supervision;
  /// Without a placement service, a stable hash picks each actor's worker.
  placement_link_config placement;
};

/// Hysteresis for placement: an actor moves only when another host beats its current one by
/// more than a threshold for a sustained window, and moves across all actors are capped.
struct hysteresis_config {
  /// A better host must save at least this much per request...
  double min_gain_s = 0.002;
  /// ...and this fraction of the current host's cost,
  double min_gain_ratio = 0.2;
  /// for this long without a break.
  std::chrono::milliseconds sustain{3000};
  /// Moves of all actors together, at most, per second.
  double max_moves_per_s = 10;
};

/// Where an actor type may run, and what its requests carry, for the placement service.
struct type_constraints {
  enum class pin { anywhere, edge, cloud };
  pin where = pin::anywhere;
  /// Labels a worker must carry, such as gpu: "true" or region: "eu".
  std::map<std::string, std::string> labels;
  double request_bytes = 0;
  double reply_bytes = 0;
  /// The declared service time of one request, in seconds, for hosts that have not measured
  /// the type yet; 0 when not declared.
  double service_s = 0;
};

/// `kite-cloud placement`: the control plane that decides where each logical actor runs.
struct placement_config {
  node_config node;
  std::string bind = "tcp://127.0.0.1:5550";
  /// round_robin, least_loaded, lowest_latency or cost_model.
  std::string policy = "cost_model";
  hysteresis_config hysteresis;
  /// A worker silent this long is gone, and its actors are placed elsewhere.
  std::chrono::milliseconds worker_timeout{3000};
  /// Edges ask again for an actor's placement after this long; they keep using the old answer
  /// meanwhile, and for as long as the service cannot be reached.
  std::chrono::milliseconds lease{30000};
  /// How long the service holds an edge's watch open when nothing changes for it.
  std::chrono::milliseconds watch_hold{10000};
  /// How often placed actors are weighed against the latest reports.
  std::chrono::milliseconds rebalance_interval{500};
  std::map<std::string, type_constraints> types;
  /// Serve the live status page (/status, /status.json) on metrics.listen. Plain HTTP with no
  /// authentication, unlike `kite status`: off unless asked for.
  bool status_page = false;
};

/// Loads a worker config; the error lists every problem found, one per line.
caf::expected<worker_config> load_worker_config(const std::string& path);

/// Loads an edge config; the error lists every problem found, one per line.
caf::expected<edge_config> load_edge_config(const std::string& path);

/// Loads a placement service config; the error lists every problem found, one per line.
caf::expected<placement_config> load_placement_config(const std::string& path);

/// Reads the `kind` of a config file ("edge", "worker" or "placement") without checking the
/// rest.
caf::expected<std::string> config_kind(const std::string& path);

} // namespace kite
