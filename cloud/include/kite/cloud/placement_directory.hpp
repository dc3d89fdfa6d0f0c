// The placement service's state: what workers and edges last reported, and where each logical
// actor runs. All of it is soft state — rebuilt from the next round of reports after a restart
// — except the epochs, which only grow. Decisions go through a placement_policy; moves of
// placed actors go through the move_gate's hysteresis. Not thread-safe: the service owns it.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <caf/expected.hpp>

#include "kite/cloud/move_gate.hpp"
#include "kite/cloud/placement_policy.hpp"
#include "kite/runtime/cluster_status.hpp"

namespace kite::cloud {

/// A worker's registration and load, sent every heartbeat.
struct worker_report {
  std::string id;
  uint32_t capacity = 1;
  std::set<std::string> types;
  std::map<std::string, std::string> labels;
  double backlog = 0;
  /// Service time EWMA per actor type, in seconds.
  std::map<std::string, double> service_s;
  /// Shown by status only: CPU per core (0..1), and logical actors it runs as it counts them.
  double cpu = 0;
  uint32_t hosted = 0;
};

/// What an edge measured towards one worker.
struct path_estimate {
  double rtt_s = 0;
  double bandwidth = 0;
};

/// An edge's view: its paths to the workers it knows, and its own compute for the types it can
/// host (service time per type, in seconds).
struct edge_report {
  std::string id;
  std::map<std::string, path_estimate> paths;
  std::map<std::string, double> service_s;
  double backlog = 0;
  uint32_t capacity = 1;
};

/// Where a logical actor runs: a worker's id, or the asking edge itself.
struct placement_answer {
  std::string host;
  bool on_edge = false;
  uint64_t epoch = 0;
};

/// A placed actor the directory moved.
struct actor_move {
  /// The edge it is placed for, which moves it.
  std::string edge;
  std::string type;
  std::string key;
  placement_answer from;
  placement_answer to;
};

class placement_directory {
public:
  using clock_type = move_gate::clock_type;

  /// Workers silent for `worker_timeout` are gone, and so are their placements.
  placement_directory(std::unique_ptr<placement_policy> policy, hysteresis_config hysteresis,
                      std::chrono::milliseconds worker_timeout);

  void report(const worker_report& worker, clock_type::time_point now);
  void report(const edge_report& edge, clock_type::time_point now);
  void constrain(const std::string& type, type_constraints constraints);

  /// The requests per second `edge` sent (type, key), as it reported: with the other edges'
  /// rates for it, the load the actor puts on its host, which the cost model weighs. Unplaced
  /// actors are ignored; an edge silent for worker_timeout counts 0 until it reports again.
  void record_rate(const std::string& edge, const std::string& type, const std::string& key,
                   double rate);

  /// Edge `edge` runs (type, key) on `where` (its report): the directory takes that placement
  /// when it has none, or when its own names a host that is gone or the edge cannot reach — so a
  /// restarted service learns placements back, and an edge's failover is not undone. Returns
  /// the directory's own placement when that stands against the edge's (the edge missed it).
  std::optional<placement_answer> adopt(const std::string& edge, const std::string& type,
                                        const std::string& key, const placement_answer& where);

  /// Where (type, key) is placed now, if it is.
  std::optional<placement_answer> where(const std::string& type, const std::string& key) const;

  /// Where (type, key) runs for `edge`: where it was placed while that host lives, else a new
  /// host (under a new epoch) by the policy; an error naming why nothing is eligible.
  caf::expected<placement_answer> place(const std::string& edge, const std::string& type,
                                        const std::string& key, clock_type::time_point now);

  /// Plans every placed actor afresh, hottest first, each against the load of those planned
  /// before it; returns those that move towards their planned host (worker gone, or better there
  /// than where it runs now past the hysteresis).
  std::vector<actor_move> rebalance(clock_type::time_point now);

  /// Workers, live edges and placed actors as they stand at `now`, and the workers and edges
  /// lost lately (events, oldest first).
  cluster_status status(clock_type::time_point now) const;

  size_t workers() const { return workers_.size(); }
  size_t placed() const { return placed_.size(); }

private:
  struct worker_state {
    worker_report last;
    clock_type::time_point heard;
  };
  struct placed_actor {
    std::string edge; // the edge it is placed for: its paths decide
    placement_answer where;
    std::map<std::string, double> rates; // requests per second, by the edge that sent them
    double rate = 0;                     // their sum
  };
  using actor_id = std::pair<std::string, std::string>;
  /// A host as placements name it: (on the edge, node id).
  using host_id = std::pair<bool, std::string>;
  /// Requests per second placed on each host, per type.
  using host_rates = std::map<host_id, std::map<std::string, double>>;

  /// The workers that may run a type, least loaded first.
  struct shortlist {
    std::vector<std::string> by_load;
    clock_type::time_point built;
    /// membership_ when built: workers that came, went or changed types force a rebuild.
    uint64_t membership = 0;
  };

  /// The hosts (type, key) may run on for `edge`, with its view of each: the workers it
  /// measured, the least-loaded others, `current` (the actor's host, if any) and the edge. Each
  /// view's load is what `rates` places there.
  std::vector<host_view> eligible(const std::string& edge, const std::string& type,
                                  clock_type::time_point now, const host_rates& rates,
                                  const placement_answer* current = nullptr);
  /// `view` with the load actually placed on its host now, besides `actor`'s own.
  host_view as_placed(host_view view, const placed_actor& actor) const;
  /// The service time of `type` at a host that measured `measured`, else the declared one.
  double service_of(const std::map<std::string, double>& measured, const std::string& type) const;
  /// Worker `id`'s load as a host for `type` under `rates`, without a path.
  host_view worker_view(const std::string& id, const worker_report& worker, const std::string& type,
                        const host_rates& rates) const;
  /// Fills `view`'s arrivals and load from what `rates` places at `host`, whose service times
  /// are `measured`.
  void load_at(const host_rates& rates, const host_id& host,
               const std::map<std::string, double>& measured, host_view& view) const;
  /// Moves `actor` (of `type`) to `to`, and its rate with it.
  void settle(placed_actor& actor, const std::string& type, const placement_answer& to);
  /// `type`'s workers by load, rebuilt when membership changed or it is older than 100 ms.
  const std::vector<std::string>& by_load(const std::string& type, const type_constraints& rules,
                                          clock_type::time_point now);
  /// What a request to (type, key) carries, from the type's constraints.
  actor_demand demand_of(const std::string& type, const std::string& key) const;
  /// A new placement among `hosts` (not empty), by the policy, under a new epoch.
  placement_answer decide(const actor_demand& demand, const std::vector<host_view>& hosts);
  void forget_silent(clock_type::time_point now);
  /// Keeps `node`'s loss (`kind` "worker_lost" or "edge_lost") for status.
  void note_loss(clock_type::time_point now, const std::string& kind, const std::string& node);
  /// Whether `where` can still run `type`.
  bool alive(const placement_answer& where, const std::string& type) const;

  std::unique_ptr<placement_policy> policy_;
  move_gate gate_;
  std::chrono::milliseconds worker_timeout_;
  std::map<std::string, worker_state> workers_;
  std::map<std::string, edge_report> edges_;
  /// When each edge whose rates count reported last.
  std::map<std::string, clock_type::time_point> edges_heard_;
  std::map<std::string, type_constraints> constraints_;
  std::map<actor_id, placed_actor> placed_;
  /// The rates of the actors placed on each host now.
  host_rates arriving_;
  std::map<std::string, shortlist> shortlists_;
  uint64_t membership_ = 0;
  clock_type::time_point swept_;
  /// The latest workers and edges that went silent, oldest first, for status.
  std::deque<std::pair<clock_type::time_point, cluster_event>> losses_;
  uint64_t next_epoch_ = 1;
};

} // namespace kite::cloud
