#include "kite/cloud/placement_directory.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "kite/runtime/error.hpp"

namespace kite::cloud {

namespace {

/// The round trip assumed to a worker the edge has not measured yet: far, but not unusable.
constexpr double unmeasured_rtt_s = 0.1;

/// Unmeasured workers a decision considers besides the edge's measured ones: the least loaded.
constexpr size_t least_loaded_candidates = 4;

/// How stale the load order of a type's workers may be.
constexpr auto shortlist_refresh = std::chrono::milliseconds(100);

/// Whether `worker` hosts `type` and carries the labels its constraints ask for.
bool may_run(const worker_report& worker, const std::string& type, const type_constraints& rules) {
  if (worker.types.count(type) == 0) return false;
  for (const auto& [name, value] : rules.labels) {
    auto i = worker.labels.find(name);
    if (i == worker.labels.end() || i->second != value) return false;
  }
  return true;
}

} // namespace

placement_directory::placement_directory(std::unique_ptr<placement_policy> policy,
                                         hysteresis_config hysteresis,
                                         std::chrono::milliseconds worker_timeout)
    : policy_(std::move(policy)), gate_(hysteresis), worker_timeout_(worker_timeout) {}

void placement_directory::report(const worker_report& worker, clock_type::time_point now) {
  auto [i, joined] = workers_.try_emplace(worker.id);
  if (joined || i->second.last.types != worker.types || i->second.last.labels != worker.labels)
    ++membership_;
  i->second = {worker, now};
}

void placement_directory::report(const edge_report& edge, clock_type::time_point now) {
  edges_[edge.id] = edge;
  edges_heard_[edge.id] = now;
}

void placement_directory::constrain(const std::string& type, type_constraints constraints) {
  constraints_[type] = std::move(constraints);
  ++membership_;
}

void placement_directory::record_rate(const std::string& edge, const std::string& type,
                                      const std::string& key, double rate) {
  auto i = placed_.find({type, key});
  if (i == placed_.end()) return;
  auto& actor = i->second;
  auto& known = actor.rates[edge];
  double change = rate - known;
  known = rate;
  if (rate == 0) actor.rates.erase(edge);
  actor.rate = std::max(0.0, actor.rate + change);
  arriving_[{actor.where.on_edge, actor.where.host}][type] += change;
}

void placement_directory::settle(placed_actor& actor, const std::string& type,
                                 const placement_answer& to) {
  if (actor.rate != 0) {
    arriving_[{actor.where.on_edge, actor.where.host}][type] -= actor.rate;
    arriving_[{to.on_edge, to.host}][type] += actor.rate;
  }
  actor.where = to;
}

double placement_directory::service_of(const std::map<std::string, double>& measured,
                                       const std::string& type) const {
  if (auto i = measured.find(type); i != measured.end()) return i->second;
  auto c = constraints_.find(type);
  return c == constraints_.end() ? 0.0 : c->second.service_s;
}

void placement_directory::load_at(const host_rates& rates, const host_id& host,
                                  const std::map<std::string, double>& measured,
                                  host_view& view) const {
  view.arrivals = 0;
  view.load = 0;
  auto i = rates.find(host);
  if (i == rates.end()) return;
  for (const auto& [type, rate] : i->second) {
    view.arrivals += rate;
    view.load += rate * service_of(measured, type);
  }
}

host_view placement_directory::worker_view(const std::string& id, const worker_report& worker,
                                           const std::string& type, const host_rates& rates) const {
  host_view out;
  out.name = id;
  out.backlog = worker.backlog;
  out.service_s = service_of(worker.service_s, type);
  out.capacity = worker.capacity;
  load_at(rates, {false, id}, worker.service_s, out);
  return out;
}

host_view placement_directory::as_placed(host_view view, const placed_actor& actor) const {
  const auto& measured =
      view.edge ? edges_.at(view.name).service_s : workers_.at(view.name).last.service_s;
  load_at(arriving_, {view.edge, view.name}, measured, view);
  if (view.name == actor.where.host && view.edge == actor.where.on_edge) {
    view.arrivals = std::max(0.0, view.arrivals - actor.rate);
    view.load = std::max(0.0, view.load - actor.rate * view.service_s);
  }
  return view;
}

std::optional<placement_answer> placement_directory::where(const std::string& type,
                                                           const std::string& key) const {
  auto i = placed_.find({type, key});
  if (i == placed_.end()) return std::nullopt;
  return i->second.where;
}

std::optional<placement_answer> placement_directory::adopt(const std::string& edge,
                                                           const std::string& type,
                                                           const std::string& key,
                                                           const placement_answer& where) {
  auto [i, fresh] = placed_.try_emplace({type, key});
  if (!fresh) {
    const auto& known = i->second.where;
    if (known.host == where.host && known.on_edge == where.on_edge) return std::nullopt;
    auto e = edges_.find(edge);
    bool reachable = known.on_edge ? known.host == edge
                                   : e != edges_.end() && e->second.paths.count(known.host) > 0;
    if (alive(known, type) && reachable) return known; // the directory's decision stands
  }
  i->second.edge = edge;
  settle(i->second, type, {where.host, where.on_edge, next_epoch_++});
  return std::nullopt;
}

const std::vector<std::string>& placement_directory::by_load(const std::string& type,
                                                             const type_constraints& rules,
                                                             clock_type::time_point now) {
  auto& list = shortlists_[type];
  if (list.membership == membership_ && now - list.built < shortlist_refresh &&
      list.built != clock_type::time_point{})
    return list.by_load;
  std::vector<std::pair<double, const std::string*>> scored;
  for (const auto& [id, w] : workers_) {
    if (!may_run(w.last, type, rules)) continue;
    scored.emplace_back(
        expected_completion_s(worker_view(id, w.last, type, arriving_), actor_demand{}), &id);
  }
  std::sort(scored.begin(), scored.end());
  list.by_load.clear();
  for (const auto& [score, id] : scored)
    list.by_load.push_back(*id);
  list.built = now;
  list.membership = membership_;
  return list.by_load;
}

std::vector<host_view> placement_directory::eligible(const std::string& edge,
                                                     const std::string& type,
                                                     clock_type::time_point now,
                                                     const host_rates& rates,
                                                     const placement_answer* current) {
  type_constraints none;
  auto c = constraints_.find(type);
  const auto& rules = c == constraints_.end() ? none : c->second;
  auto e = edges_.find(edge);
  std::vector<host_view> out;
  // Adds worker `id` if it may run the type and is not in yet; whether it was added.
  auto add = [&](const std::string& id) {
    auto w = workers_.find(id);
    if (w == workers_.end() || !may_run(w->second.last, type, rules)) return false;
    for (const auto& h : out)
      if (h.name == id) return false;
    auto h = worker_view(id, w->second.last, type, rates);
    h.rtt_s = unmeasured_rtt_s;
    if (e != edges_.end()) {
      if (auto p = e->second.paths.find(id); p != e->second.paths.end()) {
        h.rtt_s = p->second.rtt_s;
        h.bandwidth = p->second.bandwidth;
      }
    }
    out.push_back(std::move(h));
    return true;
  };
  if (rules.where != type_constraints::pin::edge) {
    if (e != edges_.end())
      for (const auto& [id, path] : e->second.paths)
        add(id);
    size_t others = 0;
    for (const auto& id : by_load(type, rules, now)) {
      if (others == least_loaded_candidates) break;
      others += add(id) ? 1 : 0;
    }
    if (current != nullptr && !current->on_edge) add(current->host);
  }
  if (rules.where != type_constraints::pin::cloud && e != edges_.end() &&
      e->second.service_s.count(type) > 0) {
    host_view h;
    h.name = edge;
    h.edge = true;
    h.backlog = e->second.backlog;
    h.service_s = service_of(e->second.service_s, type);
    h.capacity = e->second.capacity;
    load_at(rates, {true, edge}, e->second.service_s, h);
    out.push_back(std::move(h));
  }
  return out;
}

actor_demand placement_directory::demand_of(const std::string& type, const std::string& key) const {
  actor_demand out{type, key};
  if (auto i = placed_.find({type, key}); i != placed_.end()) out.rate = i->second.rate;
  if (auto c = constraints_.find(type); c != constraints_.end()) {
    out.request_bytes = c->second.request_bytes;
    out.reply_bytes = c->second.reply_bytes;
  }
  return out;
}

placement_answer placement_directory::decide(const actor_demand& demand,
                                             const std::vector<host_view>& hosts) {
  const auto& chosen = hosts[policy_->choose(demand, hosts)];
  return {chosen.name, chosen.edge, next_epoch_++};
}

bool placement_directory::alive(const placement_answer& where, const std::string& type) const {
  if (!where.on_edge) return workers_.count(where.host) > 0;
  // An edge runs a type only while it offers it (an edge restarted without it does not).
  auto e = edges_.find(where.host);
  return e != edges_.end() && e->second.service_s.count(type) > 0;
}

void placement_directory::forget_silent(clock_type::time_point now) {
  // A sweep a quarter timeout late at most, instead of one per decision.
  if (now - swept_ < worker_timeout_ / 4) return;
  swept_ = now;
  // An edge that went away sends its actors nothing any more.
  for (auto e = edges_heard_.begin(); e != edges_heard_.end();) {
    if (now - e->second <= worker_timeout_) {
      ++e;
      continue;
    }
    for (auto& [id, actor] : placed_)
      if (actor.rates.count(e->first) > 0) record_rate(e->first, id.first, id.second, 0);
    note_loss(now, "edge_lost", e->first);
    e = edges_heard_.erase(e);
  }
  for (auto i = workers_.begin(); i != workers_.end();) {
    if (now - i->second.heard <= worker_timeout_) {
      ++i;
      continue;
    }
    note_loss(now, "worker_lost", i->first);
    i = workers_.erase(i);
    ++membership_;
  }
}

void placement_directory::note_loss(clock_type::time_point now, const std::string& kind,
                                    const std::string& node) {
  size_t placed_there = 0;
  for (const auto& [id, actor] : placed_)
    placed_there += actor.where.host == node ? 1 : 0;
  auto silent = std::chrono::duration<double>(worker_timeout_).count();
  losses_.emplace_back(now, cluster_event{0, kind, node,
                                          fmt::format("silent for {} s, {} actors placed there",
                                                      silent, placed_there)});
  // Enough to see what happened lately; status is not a log.
  if (losses_.size() > 50) losses_.pop_front();
}

cluster_status placement_directory::status(clock_type::time_point now) const {
  cluster_status out;
  auto seconds = [](clock_type::duration d) { return std::chrono::duration<double>(d).count(); };
  auto wall_now = std::chrono::system_clock::now();
  auto wall_ms = [&](clock_type::time_point at) {
    auto wall =
        wall_now - std::chrono::duration_cast<std::chrono::system_clock::duration>(now - at);
    return std::chrono::duration_cast<std::chrono::milliseconds>(wall.time_since_epoch()).count();
  };
  for (const auto& [id, worker] : workers_) {
    const auto& last = worker.last;
    out.workers.push_back({id,
                           last.capacity,
                           static_cast<uint64_t>(last.backlog),
                           last.cpu,
                           last.hosted,
                           {last.types.begin(), last.types.end()},
                           seconds(now - worker.heard)});
  }
  for (const auto& [id, heard] : edges_heard_) {
    const auto& report = edges_.at(id);
    edge_status edge{id, {}, static_cast<uint64_t>(report.backlog), seconds(now - heard)};
    for (const auto& [worker, path] : report.paths)
      edge.paths.push_back({worker, path.rtt_s, path.bandwidth});
    out.edges.push_back(std::move(edge));
  }
  for (const auto& [id, actor] : placed_)
    out.actors.push_back({id.first, id.second, actor.edge, actor.where.host, actor.where.on_edge,
                          actor.where.epoch, actor.rate});
  for (const auto& [at, event] : losses_) {
    out.events.push_back(event);
    out.events.back().at_ms = wall_ms(at);
  }
  return out;
}

caf::expected<placement_answer> placement_directory::place(const std::string& edge,
                                                           const std::string& type,
                                                           const std::string& key,
                                                           clock_type::time_point now) {
  forget_silent(now);
  auto i = placed_.find({type, key});
  if (i != placed_.end() && alive(i->second.where, type)) {
    if (i->second.where.on_edge && i->second.edge != edge)
      return make_error(errc::unknown_actor_type,
                        fmt::format("({}, {}) runs on edge '{}', which only that edge reaches",
                                    type, key, i->second.edge));
    return i->second.where;
  }
  auto hosts = eligible(edge, type, now, arriving_);
  if (hosts.empty())
    return make_error(errc::unknown_actor_type,
                      fmt::format("no live host may run ({}, {}) for edge '{}': no worker hosts "
                                  "'{}' with the labels it needs, and the edge does not",
                                  type, key, edge, type));
  auto where = decide(demand_of(type, key), hosts);
  auto& actor = placed_[{type, key}];
  actor.edge = edge;
  settle(actor, type, where);
  return where;
}

std::vector<actor_move> placement_directory::rebalance(clock_type::time_point now) {
  forget_silent(now);
  // Hottest first, so the actors that weigh most get the best hosts and the light ones fill in
  // around them: placing them one by one in any other order strands a hot actor far away.
  std::vector<std::pair<const actor_id*, placed_actor*>> order;
  order.reserve(placed_.size());
  for (auto& [id, actor] : placed_)
    order.emplace_back(&id, &actor);
  std::stable_sort(order.begin(), order.end(),
                   [](const auto& a, const auto& b) { return a.second->rate > b.second->rate; });
  host_rates planned;
  std::vector<actor_move> moves;
  for (auto [id, actor] : order) {
    const auto& type = id->first;
    auto hosts = eligible(actor->edge, type, now, planned, &actor->where);
    if (hosts.empty()) continue; // nowhere to go: it stays, or waits for a host
    auto demand = demand_of(type, id->second);
    auto best = policy_->choose(demand, hosts);
    planned[{hosts[best].edge, hosts[best].name}][type] += actor->rate;
    auto name = fmt::format("({}, {})", type, id->second);
    auto current = std::find_if(hosts.begin(), hosts.end(), [&](const host_view& h) {
      return h.name == actor->where.host && h.edge == actor->where.on_edge;
    });
    bool gone = current == hosts.end(); // its host died or no longer qualifies
    if (!gone) {
      if (&hosts[best] == &*current) {
        gate_.forget(name);
        continue;
      }
      // The plan picks where to go; the actor goes only when that beats where it is under the
      // load actually placed on both, so a plan that others have yet to follow cannot pull
      // it onto a host that is full for now.
      auto here = as_placed(*current, *actor);
      auto there = as_placed(hosts[best], *actor);
      if (!gate_.should_move(name, expected_completion_s(here, demand),
                             expected_completion_s(there, demand), utilization(here, demand) >= 1,
                             now))
        continue;
    }
    placement_answer to{hosts[best].name, hosts[best].edge, next_epoch_++};
    moves.push_back({actor->edge, type, id->second, actor->where, to});
    settle(*actor, type, to);
  }
  return moves;
}

} // namespace kite::cloud
