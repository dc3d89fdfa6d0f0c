// The cluster as the placement service sees it: workers with their load, edges with their RTT to
// each worker, where each logical actor runs, and recent moves and failures. `kite status` and
// the service's status page show it; both render it here, as text for people and JSON for
// scripts and the page.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <caf/meta/type_name.hpp>

#include "kite/runtime/placement_messages.hpp"

namespace kite {

/// Asks the placement service for a cluster_status; `asker` is the node id of the asker's hello.
struct cluster_status_query {
  std::string asker;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, cluster_status_query& x) {
  return f(caf::meta::type_name("kite.cluster_status_query"), x.asker);
}

/// One worker, as it last reported.
struct worker_status {
  std::string id;
  /// Requests it serves in parallel.
  uint32_t capacity = 1;
  /// Requests handed to its actors and not answered yet.
  uint64_t backlog = 0;
  /// CPU time over wall time per core (0..1).
  double cpu = 0;
  /// Logical actors running there, as it counts them.
  uint32_t hosted = 0;
  std::vector<std::string> types;
  /// Seconds since its last report.
  double heard_s = 0;
};

template <class Inspector> typename Inspector::result_type inspect(Inspector& f, worker_status& x) {
  return f(caf::meta::type_name("kite.worker_status"), x.id, x.capacity, x.backlog, x.cpu, x.hosted,
           x.types, x.heard_s);
}

/// One edge and what it measured towards each worker.
struct edge_status {
  std::string id;
  std::vector<worker_path> paths;
  uint64_t backlog = 0;
  /// Seconds since its last report.
  double heard_s = 0;
};

template <class Inspector> typename Inspector::result_type inspect(Inspector& f, edge_status& x) {
  return f(caf::meta::type_name("kite.edge_status"), x.id, x.paths, x.backlog, x.heard_s);
}

/// Where one logical actor runs.
struct actor_status {
  std::string type;
  std::string key;
  /// The edge it is placed for.
  std::string edge;
  /// The worker's id, or the edge's when it runs there.
  std::string host;
  bool on_edge = false;
  uint64_t epoch = 0;
  /// Requests per second its edges send it.
  double rate = 0;
};

template <class Inspector> typename Inspector::result_type inspect(Inspector& f, actor_status& x) {
  return f(caf::meta::type_name("kite.actor_status"), x.type, x.key, x.edge, x.host, x.on_edge,
           x.epoch, x.rate);
}

/// Something that happened: a move or a failure.
struct cluster_event {
  /// Wall-clock time, in milliseconds since the Unix epoch.
  int64_t at_ms = 0;
  /// "move" (the service rebalanced), "failover" (an edge moved it), "worker_lost" or
  /// "edge_lost".
  std::string kind;
  /// What it was about: "type/key" for a move, the node's id for a loss.
  std::string subject;
  /// For people: "robot-1: worker-1 -> worker-2", "silent for 2 s, 3 actors placed there".
  std::string detail;
};

template <class Inspector> typename Inspector::result_type inspect(Inspector& f, cluster_event& x) {
  return f(caf::meta::type_name("kite.cluster_event"), x.at_ms, x.kind, x.subject, x.detail);
}

/// The whole cluster, as the placement service answers a cluster_status_query.
struct cluster_status {
  /// The service's node id.
  std::string service;
  double uptime_s = 0;
  /// When the service made this answer, in milliseconds since the Unix epoch.
  int64_t at_ms = 0;
  std::vector<worker_status> workers;
  std::vector<edge_status> edges;
  std::vector<actor_status> actors;
  /// The latest moves and failures, oldest first.
  std::vector<cluster_event> events;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, cluster_status& x) {
  return f(caf::meta::type_name("kite.cluster_status"), x.service, x.uptime_s, x.at_ms, x.workers,
           x.edges, x.actors, x.events);
}

/// `status` as JSON: an object with the fields above, named as they are here.
std::string to_json(const cluster_status& status);

/// `status` as a person reads it: a section each for workers, edges, actors and events.
std::string to_text(const cluster_status& status);

} // namespace kite
