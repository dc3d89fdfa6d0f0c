#include "simulation.hpp"

#include <cmath>
#include <deque>
#include <map>
#include <queue>
#include <random>

#include "kite/runtime/service_meter.hpp"

namespace kite::bench {

double scenario::service_s(size_t w, double t) const {
  return w == slow_worker && t >= slow_at_s ? worker_service_s * slowdown : worker_service_s;
}

scenario scenario::standard() {
  scenario sc;
  // Two edges near worker 0 and 1, two near 2 and 3; every edge also reaches the others, some
  // far and over a thin link.
  auto p = [](double rtt_ms, double mbyte_s) { return path_truth{rtt_ms / 1000, mbyte_s * 1e6}; };
  sc.paths = {
      {p(2, 10), p(10, 10), p(20, 10), p(80, 1)},
      {p(5, 10), p(2, 10), p(30, 10), p(60, 10)},
      {p(40, 10), p(20, 10), p(2, 10), p(10, 10)},
      {p(80, 1), p(40, 10), p(10, 10), p(2, 10)},
  };
  return sc;
}

std::vector<double> actor_rates(const scenario& sc) {
  // Rank r gets 1/(r+1)^s; actor a is rank a, so edge 0 holds the hottest actors.
  std::vector<double> out(sc.actors());
  double sum = 0;
  for (size_t a = 0; a < out.size(); ++a)
    sum += out[a] = 1.0 / std::pow(static_cast<double>(a + 1), sc.zipf_s);
  for (auto& r : out)
    r *= sc.total_rate / sum;
  return out;
}

namespace {

enum class event_kind { arrival, reach_host, finish, report, slowdown };

struct event {
  double at;
  uint64_t order; // ties break in scheduling order, so runs are deterministic
  event_kind kind;
  size_t subject; // the actor (arrival) or the request (reach_host, finish)
  bool operator>(const event& other) const {
    return at != other.at ? at > other.at : order > other.order;
  }
};

struct request {
  size_t actor;
  host_index host;
  double started;
  double draw; // the service time in units of the host's mean, drawn per actor
  double service = 0;
  double reached = 0; // when it reached its host
};

struct host_state {
  uint32_t capacity = 1;
  uint32_t busy = 0;
  std::deque<size_t> waiting; // requests, in arrival order
  /// Service time measured as the worker's link measures it: from the later of a request's
  /// arrival and its actor's previous answer there, to its answer. So it includes waiting for
  /// a thread behind other actors' requests, as in the real worker.
  service_meter measured;
  std::map<size_t, double> answered_at; // by actor
};

/// The one actor type of the scenario, as the meters know it.
const std::string simulated_type = "t";

class run {
public:
  run(const scenario& sc, placer& policy)
      : sc_(sc), policy_(policy), jitter_(sc.seed), rates_(actor_rates(sc)),
        where_(sc.actors(), no_host), counted_(sc.actors(), 0), hosts_(sc.workers + sc.edges()) {
    for (size_t h = 0; h < hosts_.size(); ++h)
      hosts_[h].capacity = h < sc.workers ? sc.worker_capacity : 1;
    // Each actor draws its arrivals and service times from its own stream, so every policy
    // meets the same requests with the same service draws.
    for (size_t a = 0; a < sc.actors(); ++a) {
      arrivals_.emplace_back(sc.seed * 1000 + 2 * a);
      services_.emplace_back(sc.seed * 1000 + 2 * a + 1);
    }
  }

  outcome go() {
    for (size_t a = 0; a < sc_.actors(); ++a)
      schedule(next_arrival(a, 0), event_kind::arrival, a);
    schedule(0, event_kind::report, 0);
    schedule(sc_.slow_at_s, event_kind::slowdown, 0);
    while (!events_.empty()) {
      auto e = events_.top();
      events_.pop();
      switch (e.kind) {
      case event_kind::arrival:
        arrive(e.subject, e.at);
        break;
      case event_kind::reach_host:
        reach(e.subject, e.at);
        break;
      case event_kind::finish:
        finish(e.subject, e.at);
        break;
      case event_kind::report:
        report(e.at);
        break;
      case event_kind::slowdown:
        apply(policy_.rebalance(e.at));
        break;
      }
    }
    return std::move(out_);
  }

private:
  static constexpr host_index no_host = ~host_index{0};

  void schedule(double at, event_kind kind, size_t subject) {
    events_.push({at, order_++, kind, subject});
  }

  double next_arrival(size_t actor, double now) {
    return now + std::exponential_distribution<double>(rates_[actor])(arrivals_[actor]);
  }

  bool is_edge(host_index h) const { return h >= sc_.workers; }

  /// One way between the actor's edge and worker `h`, carrying `bytes`.
  double one_way(size_t actor, host_index h, double bytes) {
    const auto& path = sc_.paths[sc_.edge_of(actor)][h];
    double jitter = std::uniform_real_distribution<double>(0, sc_.jitter)(jitter_);
    return path.rtt_s / 2 * (1 + jitter) + bytes / path.bandwidth;
  }

  void arrive(size_t actor, double now) {
    if (now < sc_.duration_s)
      schedule(next_arrival(actor, now), event_kind::arrival, actor);
    else
      return;
    ++counted_[actor];
    if (where_[actor] == no_host) where_[actor] = policy_.place(actor, now);
    auto h = where_[actor];
    requests_.push_back(
        {actor, h, now, std::exponential_distribution<double>(1.0)(services_[actor])});
    auto id = requests_.size() - 1;
    if (is_edge(h)) {
      ++out_.on_edge;
      reach(id, now);
    } else {
      schedule(now + one_way(actor, h, sc_.request_bytes), event_kind::reach_host, id);
    }
  }

  void reach(size_t id, double now) {
    requests_[id].reached = now;
    auto& host = hosts_[requests_[id].host];
    if (host.busy < host.capacity) {
      ++host.busy;
      start(id, now);
    } else {
      host.waiting.push_back(id);
    }
  }

  void start(size_t id, double now) {
    auto& r = requests_[id];
    r.service = r.draw * (is_edge(r.host) ? sc_.edge_service_s : sc_.service_s(r.host, now));
    schedule(now + r.service, event_kind::finish, id);
  }

  void finish(size_t id, double now) {
    auto& r = requests_[id];
    auto& host = hosts_[r.host];
    auto [last, first] = host.answered_at.try_emplace(r.actor, now);
    host.measured.add(simulated_type,
                      now - (first ? r.reached : std::max(r.reached, last->second)));
    last->second = now;
    double answered = is_edge(r.host) ? now : now + one_way(r.actor, r.host, sc_.reply_bytes);
    out_.completion_s.push_back(answered - r.started);
    out_.arrived_s.push_back(r.started);
    if (host.waiting.empty()) {
      --host.busy;
    } else {
      auto next = host.waiting.front();
      host.waiting.pop_front();
      start(next, now);
    }
  }

  void report(double now) {
    std::vector<host_load> loads(hosts_.size());
    for (size_t h = 0; h < hosts_.size(); ++h) {
      auto& host = hosts_[h];
      const auto& measured = host.measured.take();
      auto service = measured.find(simulated_type);
      double worker_s = service == measured.end() ? 0.0 : service->second;
      loads[h] = {static_cast<double>(host.busy + host.waiting.size()),
                  is_edge(h) ? sc_.edge_service_s : worker_s, host.capacity};
    }
    path_report paths = sc_.paths;
    for (auto& edge : paths)
      for (auto& path : edge)
        path.rtt_s *= 1 + std::uniform_real_distribution<double>(0, sc_.jitter)(jitter_);
    std::vector<double> rates(counted_.size());
    for (size_t a = 0; a < counted_.size(); ++a) {
      rates[a] = static_cast<double>(counted_[a]) / sc_.report_interval_s;
      counted_[a] = 0;
    }
    policy_.report(loads, paths, rates, now);
    apply(policy_.rebalance(now));
    if (now < sc_.duration_s) schedule(now + sc_.report_interval_s, event_kind::report, 0);
  }

  void apply(const std::vector<std::pair<size_t, host_index>>& moves) {
    for (const auto& [actor, to] : moves) {
      if (where_[actor] == to) continue;
      where_[actor] = to;
      ++out_.moves;
    }
  }

  const scenario& sc_;
  placer& policy_;
  std::mt19937_64 jitter_;
  std::vector<std::mt19937_64> arrivals_;
  std::vector<std::mt19937_64> services_;
  std::vector<double> rates_;
  std::vector<host_index> where_;
  std::vector<uint64_t> counted_; // requests per actor since the last report
  std::vector<host_state> hosts_;
  std::vector<request> requests_;
  std::priority_queue<event, std::vector<event>, std::greater<event>> events_;
  uint64_t order_ = 0;
  outcome out_;
};

} // namespace

outcome simulate(const scenario& sc, placer& policy) {
  return run{sc, policy}.go();
}

} // namespace kite::bench
