// What workers and edges say to the placement service, and what it answers: requests over an
// ordinary link to the service's one logical actor, so CURVE, hellos, heartbeats, reconnects
// and the duplicate window serve the control plane exactly as they serve the data plane.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <caf/meta/type_name.hpp>

#include "kite/runtime/registry.hpp"

namespace kite {

/// The logical actor every placement message is addressed to.
constexpr const char* placement_actor_type = "kite.placement";

/// A worker's registration and load, sent every report interval.
struct worker_load_report {
  /// The worker's node id: the name edges know it by from its hello.
  std::string worker;
  /// Requests it serves in parallel (its scheduler threads).
  uint32_t capacity = 1;
  std::vector<std::string> types;
  std::map<std::string, std::string> labels;
  /// Requests handed to its actors and not answered yet.
  uint64_t backlog = 0;
  /// Service time EWMA per actor type, in seconds.
  std::map<std::string, double> service_s;
  /// Process CPU time over wall time since the last report, per core (0..1).
  double cpu = 0;
  /// Logical actors running there.
  uint32_t hosted = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, worker_load_report& x) {
  return f(caf::meta::type_name("kite.worker_load_report"), x.worker, x.capacity, x.types, x.labels,
           x.backlog, x.service_s, x.cpu, x.hosted);
}

/// What an edge measured towards one worker.
struct worker_path {
  std::string worker;
  double rtt_s = 0;
  /// Bytes per second; 0 when not measured.
  double bandwidth = 0;
};

template <class Inspector> typename Inspector::result_type inspect(Inspector& f, worker_path& x) {
  return f(caf::meta::type_name("kite.worker_path"), x.worker, x.rtt_s, x.bandwidth);
}

/// Where an edge runs one logical actor now, so a restarted service learns it back.
struct placed_actor {
  std::string type;
  std::string key;
  /// The worker's node id; empty when the edge runs it itself.
  std::string worker;
  /// Requests per second the edge sent it since its previous report: the load it adds.
  double rate = 0;
};

template <class Inspector> typename Inspector::result_type inspect(Inspector& f, placed_actor& x) {
  return f(caf::meta::type_name("kite.placed_actor"), x.type, x.key, x.worker, x.rate);
}

/// An edge's paths to its workers, its own compute and its placements, every report interval.
struct edge_load_report {
  std::string edge;
  std::vector<worker_path> paths;
  /// Service time per actor type the edge can run itself, in seconds.
  std::map<std::string, double> service_s;
  uint32_t capacity = 1;
  uint64_t backlog = 0;
  std::vector<placed_actor> placed;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, edge_load_report& x) {
  return f(caf::meta::type_name("kite.edge_load_report"), x.edge, x.paths, x.service_s, x.capacity,
           x.backlog, x.placed);
}

/// An edge asks where logical actor (type, key) should run.
struct placement_query {
  std::string edge;
  std::string type;
  std::string key;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, placement_query& x) {
  return f(caf::meta::type_name("kite.placement_query"), x.edge, x.type, x.key);
}

/// Where logical actor (type, key) runs, and how long the edge may rely on the answer before it
/// asks again.
struct placement_decision {
  std::string type;
  std::string key;
  /// The worker's node id; empty when the edge runs it itself.
  std::string worker;
  uint32_t lease_ms = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, placement_decision& x) {
  return f(caf::meta::type_name("kite.placement_decision"), x.type, x.key, x.worker, x.lease_ms);
}

/// An edge waits for placement changes; the service answers when one comes, or empty after
/// its watch_hold.
struct placement_watch {
  std::string edge;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, placement_watch& x) {
  return f(caf::meta::type_name("kite.placement_watch"), x.edge);
}

/// The placements that changed for one edge since its last watch.
struct placement_changes {
  std::vector<placement_decision> decisions;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, placement_changes& x) {
  return f(caf::meta::type_name("kite.placement_changes"), x.decisions);
}

/// The service took a report.
struct placement_ack {
  /// Logical actors the service tracks, for the reporter's logs.
  uint64_t placed = 0;
};

template <class Inspector> typename Inspector::result_type inspect(Inspector& f, placement_ack& x) {
  return f(caf::meta::type_name("kite.placement_ack"), x.placed);
}

/// The placement messages: announce them to CAF, and give their codecs to the link to the
/// placement service (or the service's own link).
const registry& placement_protocol();

} // namespace kite
