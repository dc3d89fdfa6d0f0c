#include "placers.hpp"

#include <algorithm>
#include <chrono>
#include <numeric>

#include <fmt/format.h>

namespace kite::bench {

namespace {

const std::string actor_type = "robotics.mapper";

/// Simulated seconds as the directory's clock; offset so no instant is the clock's epoch.
cloud::placement_directory::clock_type::time_point at(double seconds) {
  return cloud::placement_directory::clock_type::time_point{} + std::chrono::hours(1) +
         std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::duration<double>(seconds));
}

std::string worker_name(size_t w) {
  return fmt::format("worker-{}", w);
}

std::string edge_name(size_t e) {
  return fmt::format("edge-{}", e);
}

std::string key_of(size_t actor) {
  return fmt::format("key-{}", actor);
}

/// Mean response time of an M/M/c queue: `rate` arrivals per second, mean service `service_s`
/// on `servers` servers (Erlang C); effectively infinite at or past saturation.
double mmc_response_s(double rate, double service_s, uint32_t servers) {
  double offered = rate * service_s; // in Erlangs
  double c = servers;
  if (offered >= c * 0.999) return 1e6 * (1 + offered);
  double term = 1; // offered^k / k!
  double below = 0;
  for (uint32_t k = 0; k < servers; ++k) {
    below += term;
    term *= offered / (k + 1);
  }
  double waiting = term / (1 - offered / c);
  double p_wait = waiting / (below + waiting);
  return service_s + p_wait * service_s / (c - offered);
}

} // namespace

directory_placer::directory_placer(const scenario& sc,
                                   std::unique_ptr<cloud::placement_policy> policy)
    : sc_(sc), name_(policy->name()),
      directory_(std::move(policy), hysteresis_config{}, std::chrono::seconds(3)) {
  type_constraints rules;
  rules.request_bytes = sc.request_bytes;
  rules.reply_bytes = sc.reply_bytes;
  rules.service_s = sc.worker_service_s; // the type's declared cost, as placement.yaml has it
  directory_.constrain(actor_type, rules);
  for (size_t a = 0; a < sc.actors(); ++a)
    actor_by_key_[key_of(a)] = a;
}

void directory_placer::report(const std::vector<host_load>& hosts, const path_report& paths,
                              const std::vector<double>& actor_rates, double now) {
  for (size_t w = 0; w < sc_.workers; ++w) {
    cloud::worker_report report;
    report.id = worker_name(w);
    report.capacity = hosts[w].capacity;
    report.types = {actor_type};
    report.backlog = hosts[w].backlog;
    if (hosts[w].service_s > 0) report.service_s[actor_type] = hosts[w].service_s;
    directory_.report(report, at(now));
  }
  for (size_t e = 0; e < sc_.edges(); ++e) {
    const auto& own = hosts[sc_.workers + e];
    cloud::edge_report report;
    report.id = edge_name(e);
    for (size_t w = 0; w < sc_.workers; ++w)
      report.paths[worker_name(w)] = {paths[e][w].rtt_s, paths[e][w].bandwidth};
    report.service_s[actor_type] = own.service_s;
    report.backlog = own.backlog;
    report.capacity = own.capacity;
    directory_.report(report, at(now));
  }
  for (size_t a = 0; a < actor_rates.size(); ++a)
    directory_.record_rate(edge_name(sc_.edge_of(a)), actor_type, key_of(a), actor_rates[a]);
}

host_index directory_placer::index_of(const cloud::placement_answer& answer) const {
  auto prefix = answer.on_edge ? std::string{"edge-"} : std::string{"worker-"};
  auto index = std::stoul(answer.host.substr(prefix.size()));
  return answer.on_edge ? sc_.workers + index : index;
}

host_index directory_placer::place(size_t actor, double now) {
  auto answer = directory_.place(edge_name(sc_.edge_of(actor)), actor_type, key_of(actor), at(now));
  if (!answer) throw std::runtime_error(to_string(answer.error()));
  return index_of(*answer);
}

std::vector<std::pair<size_t, host_index>> directory_placer::rebalance(double now) {
  std::vector<std::pair<size_t, host_index>> out;
  for (const auto& move : directory_.rebalance(at(now)))
    out.emplace_back(actor_by_key_.at(move.key), index_of(move.to));
  return out;
}

oracle_placer::oracle_placer(const scenario& sc)
    : sc_(sc), rates_(actor_rates(sc)), hottest_(sc.actors()), where_(sc.actors()),
      offered_(sc.workers + sc.edges(), 0.0) {
  std::iota(hottest_.begin(), hottest_.end(), 0);
  std::stable_sort(hottest_.begin(), hottest_.end(),
                   [this](size_t a, size_t b) { return rates_[a] > rates_[b]; });
  for (auto a : hottest_) {
    where_[a] = best(a, 0);
    offered_[where_[a]] += rates_[a];
  }
}

double oracle_placer::cost(size_t actor, host_index host, double now) const {
  double rate = offered_[host] + (where_[actor] == host ? 0 : rates_[actor]);
  if (host >= sc_.workers) return mmc_response_s(rate, sc_.edge_service_s, 1);
  const auto& path = sc_.paths[sc_.edge_of(actor)][host];
  // The simulation's jitter adds half of itself on average to each one-way delay.
  double network =
      path.rtt_s * (1 + sc_.jitter / 2) + (sc_.request_bytes + sc_.reply_bytes) / path.bandwidth;
  return network + mmc_response_s(rate, sc_.service_s(host, now), sc_.worker_capacity);
}

host_index oracle_placer::best(size_t actor, double now) const {
  host_index own_edge = sc_.workers + sc_.edge_of(actor);
  host_index out = own_edge;
  for (host_index w = 0; w < sc_.workers; ++w)
    if (cost(actor, w, now) < cost(actor, out, now)) out = w;
  return out;
}

host_index oracle_placer::place(size_t actor, double) {
  return where_[actor];
}

std::vector<std::pair<size_t, host_index>> oracle_placer::rebalance(double now) {
  std::vector<std::pair<size_t, host_index>> moves;
  for (auto a : hottest_) {
    auto from = where_[a];
    double stay = cost(a, from, now);
    offered_[from] -= rates_[a];
    where_[a] = sc_.workers + sc_.edges(); // placed nowhere while weighed
    auto to = best(a, now);
    // A move must save a tenth, so the oracle does not chase noise in its own arithmetic.
    if (cost(a, to, now) >= 0.9 * stay) to = from;
    where_[a] = to;
    offered_[to] += rates_[a];
    if (to != from) moves.emplace_back(a, to);
  }
  return moves;
}

} // namespace kite::bench
