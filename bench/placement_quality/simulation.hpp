// A discrete-event simulation of edges calling logical actors on workers, to weigh placement
// policies against one fixed scenario: heterogeneous round trips, skewed request rates, and a
// worker that slows down midway. Deterministic from its seed, so every policy meets exactly the
// same arrivals and service draws.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace kite::bench {

/// One edge's path to one worker.
struct path_truth {
  double rtt_s = 0;
  double bandwidth = 0; // bytes per second
};

/// The fixed scenario, as documented in docs/BENCHMARKS.md.
struct scenario {
  uint64_t seed = 42;
  double duration_s = 60;
  /// Workers: each serves `worker_capacity` requests at a time, `worker_service_s` each on
  /// average (exponentially distributed), until `slow_worker` slows by `slowdown` at `slow_at_s`.
  size_t workers = 4;
  uint32_t worker_capacity = 2;
  double worker_service_s = 0.004;
  size_t slow_worker = 2;
  double slowdown = 4;
  double slow_at_s = 30;
  /// paths[edge][worker]
  std::vector<std::vector<path_truth>> paths;
  /// Each edge can run its own actors on one slow core.
  double edge_service_s = 0.025;
  /// Actors per edge; request rates follow Zipf(`zipf_s`) over all actors, summing to
  /// `total_rate` requests per second.
  size_t actors_per_edge = 12;
  double zipf_s = 1.0;
  double total_rate = 1000;
  double request_bytes = 4096;
  double reply_bytes = 1024;
  /// Relative jitter of each one-way network delay, uniform in [0, jitter).
  double jitter = 0.1;
  /// How often workers and edges report, and the directory rebalances.
  double report_interval_s = 0.5;

  size_t edges() const { return paths.size(); }
  size_t actors() const { return edges() * actors_per_edge; }
  /// The edge actor `a` belongs to.
  size_t edge_of(size_t a) const { return a / actors_per_edge; }
  /// Mean service time on worker `w` at time `t`.
  double service_s(size_t w, double t) const;

  static scenario standard();
};

/// A host in the simulation: workers first (0..workers-1), then the edges, each of which can
/// run only its own actors.
using host_index = size_t;

/// What every host measured in the last report interval, as the real processes report it.
struct host_load {
  /// Requests at the host, queued or in service.
  double backlog = 0;
  /// Its service time as the worker's link measures it (service_meter), waiting for a thread
  /// behind other actors included; 0 before the first.
  double service_s = 0;
  uint32_t capacity = 1;
};

/// What edges measure: per edge, per worker, a round trip and bandwidth with jitter.
using path_report = std::vector<std::vector<path_truth>>;

/// Decides where actors run. `place` is asked at an actor's first request; `rebalance` after
/// every report round.
class placer {
public:
  virtual ~placer() = default;
  virtual std::string name() const = 0;
  /// A report round: every host's load, the paths edges measured, and each actor's request
  /// rate over the last interval as its edge counted it.
  virtual void report(const std::vector<host_load>& hosts, const path_report& paths,
                      const std::vector<double>& actor_rates, double now) = 0;
  virtual host_index place(size_t actor, double now) = 0;
  /// Actors that move, each with its new host.
  virtual std::vector<std::pair<size_t, host_index>> rebalance(double now) = 0;
};

struct outcome {
  std::vector<double> completion_s; // every request's, in the order they were answered
  std::vector<double> arrived_s;    // when each of those requests was made
  uint64_t moves = 0;
  uint64_t on_edge = 0; // requests served by the calling edge itself
};

/// Runs `sc` once under `policy`.
outcome simulate(const scenario& sc, placer& policy);

/// Each actor's request rate, per second: Zipf over all actors, in actor order, so edge 0
/// holds the hottest.
std::vector<double> actor_rates(const scenario& sc);

} // namespace kite::bench
