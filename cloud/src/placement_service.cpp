#include "kite/cloud/placement_service.hpp"

#include <algorithm>
#include <cmath>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/detail/scope_guard.hpp>
#include <caf/scoped_actor.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "kite/cloud/status_page.hpp"
#include "kite/runtime/error.hpp"
#include "kite/runtime/link.hpp"
#include "kite/runtime/link_metrics.hpp"
#include "kite/runtime/node.hpp"
#include "kite/runtime/process_metrics.hpp"
#include "kite/runtime/protocol.hpp"
#include "kite/runtime/scheduler_watchdog.hpp"
#include "kite/runtime/service_manager.hpp"

namespace kite::cloud {

namespace {

using clock_type = placement_directory::clock_type;
using service_actor = caf::stateful_actor<placement_service_state>;

/// Whether a figure a peer reported can be weighed: finite, not negative, below `most`.
bool plausible(double value, double most) {
  return std::isfinite(value) && value >= 0 && value < most;
}

/// `times` without the figures no host could have measured, each named in a warning.
std::map<std::string, double> checked_times(const std::map<std::string, double>& times,
                                            const std::string& node) {
  std::map<std::string, double> out;
  for (const auto& [type, seconds] : times) {
    if (plausible(seconds, 3600))
      out[type] = seconds;
    else
      spdlog::warn("'{}' reported a service time of {} s for '{}'; ignored", node, seconds, type);
  }
  return out;
}

worker_report to_report(const worker_load_report& msg) {
  worker_report out;
  out.id = msg.worker;
  out.capacity = std::max<uint32_t>(msg.capacity, 1);
  out.types = {msg.types.begin(), msg.types.end()};
  out.labels = msg.labels;
  out.backlog = static_cast<double>(msg.backlog);
  out.service_s = checked_times(msg.service_s, msg.worker);
  out.cpu = plausible(msg.cpu, 1e3) ? msg.cpu : 0;
  out.hosted = msg.hosted;
  return out;
}

edge_report to_report(const edge_load_report& msg) {
  edge_report out;
  out.id = msg.edge;
  for (const auto& path : msg.paths) {
    if (plausible(path.rtt_s, 3600) && plausible(path.bandwidth, 1e15))
      out.paths[path.worker] = {path.rtt_s, path.bandwidth};
    else
      spdlog::warn("edge '{}' reported a path to '{}' of {} s and {} B/s; ignored", msg.edge,
                   path.worker, path.rtt_s, path.bandwidth);
  }
  out.service_s = checked_times(msg.service_s, msg.edge);
  out.backlog = static_cast<double>(msg.backlog);
  out.capacity = std::max<uint32_t>(msg.capacity, 1);
  return out;
}

placement_decision to_decision(const std::string& type, const std::string& key,
                               const placement_answer& where, std::chrono::milliseconds lease) {
  return {type, key, where.on_edge ? std::string{} : where.host,
          static_cast<uint32_t>(lease.count())};
}

/// Answers `edge`'s open watch with the moves waiting for it, if it has both.
void deliver_moves(service_actor* self, const std::string& edge) {
  auto w = self->state.watches.find(edge);
  auto m = self->state.moves.find(edge);
  if (w == self->state.watches.end() || m == self->state.moves.end()) return;
  placement_changes changes;
  for (auto& [id, decision] : m->second)
    changes.decisions.push_back(std::move(decision));
  self->state.moves.erase(m);
  w->second.first.deliver(std::move(changes));
  self->state.watches.erase(w);
}

/// Keeps `move` among the recent events status shows, as `kind`: "move" when the service
/// rebalanced, "failover" when an edge moved the actor itself.
void note_move(placement_service_state& st, const actor_move& move, const char* kind) {
  auto where = [](const placement_answer& at) {
    return at.on_edge ? at.host + " (edge)" : at.host;
  };
  auto now = std::chrono::system_clock::now().time_since_epoch();
  st.recent_moves.push_back(
      {std::chrono::duration_cast<std::chrono::milliseconds>(now).count(), kind,
       move.type + "/" + move.key,
       fmt::format("for {}: {} -> {}", move.edge, where(move.from), where(move.to))});
  // Enough to see what happened lately; status is not a log.
  if (st.recent_moves.size() > 50) st.recent_moves.pop_front();
}

/// The cluster as the directory sees it now, with the recent moves among its events.
cluster_status status_of(const placement_service_state& st) {
  auto out = st.directory->status(clock_type::now());
  out.service = st.node_id;
  out.uptime_s = std::chrono::duration<double>(clock_type::now() - st.started).count();
  out.at_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                  std::chrono::system_clock::now().time_since_epoch())
                  .count();
  out.events.insert(out.events.end(), st.recent_moves.begin(), st.recent_moves.end());
  std::stable_sort(out.events.begin(), out.events.end(),
                   [](const auto& a, const auto& b) { return a.at_ms < b.at_ms; });
  return out;
}

void rebalance(service_actor* self) {
  auto& st = self->state;
  for (auto& move : st.directory->rebalance(clock_type::now())) {
    spdlog::info("moving ({}, {}) for edge '{}' from {} to {}", move.type, move.key, move.edge,
                 move.from.on_edge ? "the edge" : move.from.host,
                 move.to.on_edge ? "the edge" : move.to.host);
    if (st.counts != nullptr)
      st.counts
          ->counter("kite_placement_moves_total", "Logical actors the placement service moved",
                    {{"to", move.to.on_edge ? "edge" : "worker"}})
          .Increment();
    note_move(st, move, "move");
    st.moves[move.edge][{move.type, move.key}] =
        to_decision(move.type, move.key, move.to, st.lease);
    deliver_moves(self, move.edge);
  }
  if (st.counts != nullptr) {
    st.counts->gauge("kite_placement_workers", "Workers that reported within worker_timeout")
        .Set(static_cast<double>(st.directory->workers()));
    st.counts->gauge("kite_placement_actors", "Logical actors the placement service tracks")
        .Set(static_cast<double>(st.directory->placed()));
  }
  if (st.view) st.view->publish(status_of(st));
}

/// The id a placement message claims its sender has; empty for other messages.
std::string claimed_sender(const caf::message& msg) {
  if (msg.match_elements<worker_load_report>()) return msg.get_as<worker_load_report>(0).worker;
  if (msg.match_elements<edge_load_report>()) return msg.get_as<edge_load_report>(0).edge;
  if (msg.match_elements<placement_query>()) return msg.get_as<placement_query>(0).edge;
  if (msg.match_elements<placement_watch>()) return msg.get_as<placement_watch>(0).edge;
  if (msg.match_elements<cluster_status_query>()) return msg.get_as<cluster_status_query>(0).asker;
  return {};
}

} // namespace

caf::behavior placement_service(service_actor* self, placement_config cfg, metrics* counts,
                                std::shared_ptr<cluster_view> view) {
  auto policy = make_policy(cfg.policy);
  if (!policy) {
    self->quit(policy.error());
    return {};
  }
  auto& st = self->state;
  st.directory =
      std::make_unique<placement_directory>(std::move(*policy), cfg.hysteresis, cfg.worker_timeout);
  for (auto& [type, rules] : cfg.types)
    st.directory->constrain(type, rules);
  st.lease = cfg.lease;
  st.watch_hold = cfg.watch_hold;
  st.rebalance_interval = cfg.rebalance_interval;
  st.counts = counts;
  st.node_id = cfg.node.node_id;
  st.started = clock_type::now();
  st.view = std::move(view);
  if (st.view) st.view->publish(status_of(st));
  self->delayed_send(self, st.rebalance_interval, tick_atom::value);
  return {
      [self](const worker_load_report& msg) {
        self->state.directory->report(to_report(msg), clock_type::now());
        return placement_ack{self->state.directory->placed()};
      },
      [self](const edge_load_report& msg) {
        auto& dir = *self->state.directory;
        dir.report(to_report(msg), clock_type::now());
        for (const auto& actor : msg.placed) {
          auto where = actor.worker.empty() ? placement_answer{msg.edge, true, 0}
                                            : placement_answer{actor.worker, false, 0};
          auto before = dir.where(actor.type, actor.key);
          auto stands = dir.adopt(msg.edge, actor.type, actor.key, where);
          // The edge moved it itself (its worker went down): status shows that move too.
          if (!stands && before && (before->host != where.host || before->on_edge != where.on_edge))
            note_move(self->state, {msg.edge, actor.type, actor.key, *before, where}, "failover");
          // The edge missed a decision (lost with a connection, or made before it knew the
          // worker): tell it again on its watch.
          if (stands)
            self->state.moves[msg.edge][{actor.type, actor.key}] =
                to_decision(actor.type, actor.key, *stands, self->state.lease);
          if (plausible(actor.rate, 1e9))
            dir.record_rate(msg.edge, actor.type, actor.key, actor.rate);
          else
            spdlog::warn("edge '{}' reported a request rate of {} for ({}, {}); ignored", msg.edge,
                         actor.rate, actor.type, actor.key);
        }
        deliver_moves(self, msg.edge);
        return placement_ack{dir.placed()};
      },
      [self](const placement_query& msg) -> caf::result<placement_decision> {
        auto before = self->state.directory->where(msg.type, msg.key);
        auto where = self->state.directory->place(msg.edge, msg.type, msg.key, clock_type::now());
        // Placed anew because its host is gone: status shows the move.
        if (where && before && (before->host != where->host || before->on_edge != where->on_edge))
          note_move(self->state, {msg.edge, msg.type, msg.key, *before, *where}, "failover");
        if (self->state.counts != nullptr)
          self->state.counts
              ->counter("kite_placement_queries_total",
                        "Edges' questions where an actor runs, by whether a host was found",
                        {{"result", where ? "placed" : "no_host"}})
              .Increment();
        if (!where) return where.error();
        return to_decision(msg.type, msg.key, *where, self->state.lease);
      },
      [self](const placement_watch& msg) -> caf::result<placement_changes> {
        auto& st = self->state;
        if (auto old = st.watches.find(msg.edge); old != st.watches.end()) {
          old->second.first.deliver(placement_changes{}); // superseded by this one
          st.watches.erase(old);
        }
        auto rp = self->make_response_promise();
        auto number = st.next_watch++;
        st.watches[msg.edge] = {rp, number};
        deliver_moves(self, msg.edge);
        if (rp.pending())
          self->delayed_send(self, st.watch_hold, watch_end_atom::value, msg.edge, number);
        return rp;
      },
      [self](watch_end_atom, const std::string& edge, uint64_t number) {
        auto w = self->state.watches.find(edge);
        if (w == self->state.watches.end() || w->second.second != number) return;
        w->second.first.deliver(placement_changes{});
        self->state.watches.erase(w);
      },
      [self](const cluster_status_query&) { return status_of(self->state); },
      [self](tick_atom) {
        rebalance(self);
        self->delayed_send(self, self->state.rebalance_interval, tick_atom::value);
      },
  };
}

int run_placement(const placement_config& cfg, const std::string& ready_file) {
  caf::actor_system_config sys_cfg;
  auto keys = prepare_node(cfg.node, placement_protocol(), sys_cfg);
  if (!keys) {
    spdlog::error("{}", describe(keys.error()));
    return 1;
  }
  metrics counts;
  counts.add(std::make_shared<process_metrics>("placement"));
  auto view = std::make_shared<cluster_view>();
  counts.add(view);
  ops_endpoint ops{counts};
  if (cfg.status_page) {
    ops.add_page("/status", {"text/html; charset=utf-8", [] { return status_page_html(); }});
    ops.add_page("/status.json", {"application/json", [view] { return view->json(); }});
  }
  if (auto err = serve_ops(cfg.node, ops)) {
    spdlog::error("{}", describe(err));
    return 1;
  }
  caf::actor_system sys{sys_cfg};
  auto service = sys.spawn(placement_service, cfg, &counts, view);
  auto stop_service = caf::detail::make_scope_guard(
      [&] { caf::anon_send_exit(service, caf::exit_reason::user_shutdown); });

  auto settings = make_link_settings(cfg.node, std::move(*keys), {placement_actor_type});
  settings.endpoint = cfg.bind;
  // A watch is held open for watch_hold before its empty answer.
  settings.request_timeout = cfg.watch_hold + std::chrono::seconds(5);
  // Reports and questions carry no placement epoch: a node heard again after a lapse is simply
  // heard, or a worker paused past its lease would stay unknown to the service.
  settings.fence_on_lapse = false;
  auto uplink = link::serve(sys, std::move(settings), placement_protocol().messages());
  if (!uplink) {
    spdlog::error("{}", describe(uplink.error()));
    return 1;
  }
  auto& served = **uplink;
  auto link_counts = std::make_shared<link_metrics>();
  link_counts->add(served.endpoint(), *uplink, link_role::server);
  counts.add(link_counts);
  server_handlers handlers;
  handlers.on_request = [&served, service](inbound_request& req) {
    if (req.actor_type != placement_actor_type) {
      served.respond_error(req, fmt::format("the placement service hosts '{}' only, not '{}'",
                                            placement_actor_type, req.actor_type));
      return;
    }
    // A node speaks for itself only: its reports and questions carry the id of its hello.
    auto claimed = claimed_sender(req.payload);
    if (claimed != req.node_id) {
      served.respond_error(
          req, fmt::format("node '{}' sent a placement message as '{}'", req.node_id, claimed));
      return;
    }
    served.relay(service, req);
  };
  served.start(std::move(handlers));
  auto stop_link = caf::detail::make_scope_guard([&] { served.stop(); });
  ops.ready_when([&served] {
    auto failure = served.failure();
    return std::vector<readiness_check>{
        {"link " + served.endpoint(), !failure, failure ? describe(failure) : "serving"}};
  });
  // First thing at exit: no probe reads the link after it stopped.
  auto stop_ops = caf::detail::make_scope_guard([&] { ops.stop(); });
  spdlog::info("placement service '{}' listening on {} (policy {}, CURVE {})", cfg.node.node_id,
               served.endpoint(), cfg.policy, cfg.node.security.curve ? "on" : "OFF");
  if (!ready_file.empty() && !write_ready_file(ready_file, served.endpoint())) {
    spdlog::error("cannot write the ready file '{}'", ready_file);
    return 1;
  }
  notify_service_manager(fmt::format("READY=1\nSTATUS=placement service {} listening on {}",
                                     cfg.node.node_id, served.endpoint()));
  scheduler_watchdog watchdog{sys, cfg.node.node_id};
  int signal = 0;
  while ((signal = wait_for_stop_signal(std::chrono::milliseconds(100))) == 0) {
    watchdog.feed_if_due();
    if (auto failure = served.failure()) {
      spdlog::error("placement service '{}' stops: {}", cfg.node.node_id, describe(failure));
      return 5;
    }
  }
  spdlog::info("placement service '{}' stopping on signal {}", cfg.node.node_id, signal);
  notify_service_manager("STOPPING=1");
  return 0;
}

} // namespace kite::cloud
