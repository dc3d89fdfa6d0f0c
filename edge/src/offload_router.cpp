#include "kite/edge/offload_router.hpp"

#include <algorithm>
#include <optional>
#include <utility>

#include <caf/event_based_actor.hpp>
#include <caf/send.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "kite/runtime/companion.hpp"
#include "kite/runtime/error.hpp"
#include "kite/runtime/metrics.hpp"
#include "kite/runtime/protocol.hpp"
#include "kite/runtime/upload.hpp"

namespace kite::edge {

namespace {

/// The shortest window request rates are measured over.
constexpr double min_rate_window_s = 0.25;

using clock_type = std::chrono::steady_clock;

/// Calls `retry_due` every `interval` for as long as the router lives.
caf::behavior retry_timer(caf::event_based_actor* self, std::weak_ptr<offload_router> router,
                          std::chrono::milliseconds interval) {
  self->delayed_send(self, interval, retry_atom::value);
  return {
      [self, router, interval](retry_atom) {
        auto alive = router.lock();
        if (!alive) {
          self->quit();
          return;
        }
        alive->retry_due();
        self->delayed_send(self, interval, retry_atom::value);
      },
  };
}

/// Answers CAF gives at once, on the enqueuing thread, to a request for an edge instance that
/// has ended; collected here while that thread holds the router's lock, handled after.
thread_local std::vector<caf::message>* answers_at_once = nullptr;

/// Enqueues request `number` for `dest` from `sender`; what CAF answered at once, if anything.
std::optional<caf::message> enqueue_request(const caf::actor& dest,
                                            const caf::strong_actor_ptr& sender, uint64_t number,
                                            caf::message content) {
  std::vector<caf::message> at_once;
  answers_at_once = &at_once;
  dest->enqueue(
      caf::make_mailbox_element(sender, caf::make_message_id(number), {}, std::move(content)),
      nullptr);
  answers_at_once = nullptr;
  if (at_once.empty()) return std::nullopt;
  return std::move(at_once.front());
}

/// How long an edge instance may take to answer for its snapshot before it counts as stuck.
constexpr int stuck_after_retry_intervals = 5;

} // namespace

offload_router::offload_router(caf::actor_system& sys, std::vector<std::shared_ptr<link>> uplinks,
                               offload_config cfg, const registry* local_types,
                               supervisor_flags local_supervision, metrics* counts)
    : sys_(sys), uplinks_(std::move(uplinks)), cfg_(cfg), local_types_(local_types),
      edge_actors_(std::make_shared<edge_actors>(local_supervision, counts)), placements_([this] {
        std::vector<std::string> names;
        for (const auto& uplink : uplinks_)
          names.push_back(uplink->endpoint());
        return names;
      }()),
      answered_by_(uplinks_.size(), 0) {
  if (counts != nullptr) {
    const char* help = "Offloaded requests answered, by where they ran: on a worker, or on the "
                       "edge itself while no worker hosted their type";
    answered_on_edge_metric_ =
        &counts->counter("kite_offload_answers_total", help, {{"ran_on", "edge"}});
    answered_in_cloud_metric_ =
        &counts->counter("kite_offload_answers_total", help, {{"ran_on", "worker"}});
  }
  for (const auto& [type, cost] : cfg_.service_times)
    if (!may_host_on_edge(type))
      spdlog::warn("offload.service_times names '{}', which this edge does not run itself "
                   "(offload.local_fallback is off, or the type is cloud-only or unknown); "
                   "ignored",
                   type);
}

std::shared_ptr<offload_router>
offload_router::start(caf::actor_system& sys, std::vector<std::shared_ptr<link>> uplinks,
                      offload_config cfg, const registry* local_types,
                      supervisor_flags local_supervision, metrics* counts) {
  std::shared_ptr<offload_router> self{
      new offload_router(sys, std::move(uplinks), cfg, local_types, local_supervision, counts)};
  auto* raw = self.get();
  // The links and the handle are stopped before the router goes, so they may hold it raw.
  self->handle_ = spawn_companion(
      sys, [raw](caf::mailbox_element_ptr request) { raw->on_request(std::move(request)); });
  self->timer_ =
      sys.spawn(retry_timer, std::weak_ptr<offload_router>{self}, cfg.retry_interval / 4);
  for (size_t host = 0; host < self->uplinks_.size(); ++host)
    self->uplinks_[host]->start(client_handlers{
        [raw, host](uint64_t sequence, uint64_t epoch, caf::expected<caf::message> answer) {
          raw->on_response(host, sequence, epoch, std::move(answer));
        },
        [raw, host](const std::vector<std::string>& actor_types) { raw->on_up(host, actor_types); },
        [raw, host] { raw->on_down(host); },
        [raw, host](std::string type, std::string key, uint64_t epoch, caf::message state) {
          raw->on_snapshot(host, std::move(type), std::move(key), epoch, std::move(state));
        },
    });
  return self;
}

offload_router::~offload_router() {
  stop();
}

caf::actor offload_router::handle() const {
  return caf::actor_cast<caf::actor>(handle_);
}

void offload_router::stop() {
  for (auto& uplink : uplinks_)
    uplink->stop();
  {
    std::lock_guard<std::mutex> guard{mutex_};
    if (stopped_) return;
    stopped_ = true;
    // The timer may still be running: nothing more to resend.
    for (size_t host = 0; host < uplinks_.size(); ++host)
      placements_.host_down(host);
    for (auto& [number, move] : migrations_)
      caf::anon_send_exit(move.from, caf::exit_reason::user_shutdown);
    migrations_.clear();
  }
  caf::anon_send_exit(timer_, caf::exit_reason::user_shutdown);
  std::map<actor_id, caf::actor> running;
  {
    std::lock_guard<std::mutex> guard{edge_actors_->mutex};
    running.swap(edge_actors_->running);
  }
  for (auto& [id, actor] : running)
    caf::anon_send_exit(actor, caf::exit_reason::user_shutdown);
  // Later requests fail at once instead of waiting forever.
  retire_companion(sys_, handle_, [](caf::mailbox_element_ptr request) {
    if (request) bounce(*request, caf::make_error(caf::sec::request_receiver_down));
  });
}

void offload_router::on_request(caf::mailbox_element_ptr request) {
  if (!request) return;
  if (request->mid.is_response()) {
    auto content = request->move_content_to_message();
    if (answers_at_once != nullptr)
      answers_at_once->push_back(std::move(content));
    else
      on_edge_answer(request->mid.request_id().integer_value(), std::move(content));
    return;
  }
  auto& content = request->content();
  pending_offload req;
  req.sender = request->sender;
  req.id = request->mid;
  req.accepted_at = clock_type::now();
  if (!content.match_elements<offload_atom, std::string, std::string, caf::message>()) {
    answer(req, caf::make_message(make_error(
                    errc::usage, fmt::format("the offload router takes (offload, type, key, "
                                             "payload), not {}",
                                             caf::to_string(content)))));
    return;
  }
  req.type = content.get_as<std::string>(1);
  req.key = content.get_as<std::string>(2);
  req.payload = content.get_as<caf::message>(3);
  std::vector<outgoing> out;
  std::vector<pending_offload> unhosted;
  size_t waiting = 0;
  {
    std::lock_guard<std::mutex> guard{mutex_};
    waiting = pending_.size();
    if (waiting < cfg_.max_pending) {
      if (placement_service_) ++requested_[{req.type, req.key}];
      // Sent now if a worker hosts its actor, else when one comes up.
      schedule(pending_.emplace(next_sequence_++, std::move(req)).first, out, unhosted);
    }
  }
  if (waiting >= cfg_.max_pending) {
    refused_.fetch_add(1, std::memory_order_relaxed);
    answer(req, caf::make_message(make_error(
                    errc::overloaded,
                    fmt::format("{} requests already wait for an answer (offload.max_pending)",
                                waiting))));
    return;
  }
  dispatch(out, unhosted);
}

offload_router::pending_map::iterator
offload_router::schedule(pending_map::iterator i, std::vector<outgoing>& out,
                         std::vector<pending_offload>& unhosted) {
  auto& req = i->second;
  req.sent_at = clock_type::now();
  actor_id id{req.type, req.key};
  if (auto m = migration_of(id); m != migrations_.end()) {
    const auto& move = m->second;
    // A request the worker it leaves has already stays there, answered into the handed-over
    // state; the others wait for the state to reach the new host.
    if (move.from_host != pending_offload::no_host && move.from_host == req.host &&
        move.from_epoch == req.epoch && !move.released && placements_.up(req.host)) {
      out.push_back(
          {i->first, req.host, req.epoch, req.type, req.key, req.payload, ++req.attempts});
      return std::next(i);
    }
    req.host = pending_offload::no_host;
    return std::next(i);
  }
  if (placement_service_) {
    // Asks when it has no answer or it expired.
    if (req.sent_at >= questions_from_) placement_service_->lookup(req.type, req.key);
    // A first request waits a little for the service's answer rather than place by hash, also
    // while the service is unreachable: just after the edge starts, its link is not up yet.
    if (!placements_.directed(req.type, req.key) &&
        req.sent_at < std::max(req.accepted_at, questions_from_) + cfg_.retry_interval) {
      req.host = pending_offload::no_host;
      return std::next(i);
    }
  }
  auto before = placements_.current(req.type, req.key);
  // Where this request was sent last, if it was: a resend may be what starts a move.
  auto sent_host = req.host;
  auto sent_epoch = req.epoch;
  auto where = placements_.place(req.type, req.key);
  if (!where && may_run_on_edge(req.type, req.accepted_at, req.sent_at))
    where = placements_.place_on_edge(req.type, req.key);
  if (!where) {
    req.host = pending_offload::no_host;
    if (!placements_.unknown_everywhere(req.type)) return std::next(i);
    unhosted.push_back(std::move(req));
    return pending_.erase(i);
  }
  req.host = where->host;
  req.epoch = where->epoch;
  bool leaves_edge = before && before->host == placements_.edge() && where->fresh;
  if (leaves_edge && start_migration(id, *where)) {
    req.host = pending_offload::no_host;
    return std::next(i);
  }
  bool leaves_live_worker = before && before->host != placements_.edge() &&
                            before->host != where->host && where->fresh &&
                            placements_.up(before->host);
  if (leaves_live_worker) {
    start_handover(id, *before, *where);
    // A resend of a request the old worker has stays there: it may be running it already,
    // and the state it hands over must hold it.
    req.host = sent_host;
    req.epoch = sent_epoch;
    return schedule(i, out, unhosted); // now under the migration's rules
  }
  // Sent under the lock, so it reaches the worker before any request at this epoch.
  if (where->fresh && where->host != placements_.edge()) send_kept_snapshot(id, *where);
  out.push_back({i->first, req.host, req.epoch, req.type, req.key, req.payload, ++req.attempts});
  return std::next(i);
}

bool offload_router::may_host_on_edge(const std::string& type) const {
  if (!cfg_.local_fallback || local_types_ == nullptr) return false;
  const auto* entry = local_types_->find_actor(type);
  return entry != nullptr && entry->where != runs_on::cloud;
}

bool offload_router::may_run_on_edge(const std::string& type, clock_type::time_point accepted_at,
                                     clock_type::time_point now) const {
  if (!may_host_on_edge(type)) return false;
  return placements_.unknown_everywhere(type) || now - accepted_at >= cfg_.local_after;
}

bool offload_router::start_migration(const actor_id& id, const placement& to) {
  caf::actor from;
  {
    std::lock_guard<std::mutex> guard{edge_actors_->mutex};
    auto i = edge_actors_->running.find(id);
    if (i == edge_actors_->running.end()) return false; // ended: it moves from its last snapshot
    from = std::move(i->second);
    edge_actors_->running.erase(i);
  }
  const auto* entry = local_types_->find_actor(id.first);
  if (!entry->snapshots) {
    caf::anon_send_exit(from, caf::exit_reason::user_shutdown);
    return false;
  }
  // Queued behind every request the edge's instance has, so the snapshot holds all of them.
  auto number = next_sequence_++;
  if (enqueue_request(from, handle_, number, caf::make_message(snapshot_atom::value))) {
    spdlog::warn("({}, {}) leaves the edge from its last snapshot: its instance had ended",
                 id.first, id.second);
    return false;
  }
  migrations_.emplace(number, migration{id, to, from, clock_type::now()});
  return true;
}

void offload_router::start_handover(const actor_id& id, const placement& from,
                                    const placement& to) {
  auto number = next_sequence_++;
  auto m = migrations_.emplace(
      number, migration{id, to, {}, clock_type::now(), from.host, from.epoch, false});
  ++handovers_;
  spdlog::info("moving ({}, {}) from {} to {}: its requests there drain, then its state moves",
               id.first, id.second, uplinks_[from.host]->endpoint(),
               to.host == placements_.edge() ? "the edge" : uplinks_[to.host]->endpoint());
  release_if_drained(number, m.first->second);
}

void offload_router::release_if_drained(uint64_t number, migration& m) {
  if (m.released || m.from_host == pending_offload::no_host) return;
  for (const auto& [sequence, req] : pending_)
    if (req.host == m.from_host && req.epoch == m.from_epoch && req.type == m.id.first &&
        req.key == m.id.second)
      return;
  m.released = true;
  if (auto err = uplinks_[m.from_host]->send_release(number, m.from_epoch, m.id.first, m.id.second))
    spdlog::warn("({}, {}): cannot ask its worker for its state: {}", m.id.first, m.id.second,
                 describe(err)); // it moves from its last kept snapshot after the timeout
}

std::map<uint64_t, offload_router::migration>::iterator
offload_router::migration_of(const actor_id& id) {
  return std::find_if(migrations_.begin(), migrations_.end(),
                      [&id](const auto& entry) { return entry.second.id == id; });
}

void offload_router::finish_migration(std::map<uint64_t, migration>::iterator i,
                                      const caf::message& snapshot, std::vector<outgoing>& out,
                                      std::vector<pending_offload>& unhosted) {
  auto move = std::move(i->second);
  migrations_.erase(i);
  caf::anon_send_exit(move.from, caf::exit_reason::user_shutdown);
  if (snapshot.match_elements<caf::error>()) {
    spdlog::warn("({}, {}) moves from its last kept snapshot: {}", move.id.first, move.id.second,
                 describe(snapshot.get_as<caf::error>(0)));
  } else {
    ++snapshots_kept_;
    snapshots_[move.id] = snapshot;
  }
  auto where = placements_.current(move.id.first, move.id.second);
  // Else it was placed anew meanwhile, and that placement sent snapshots_ first. On the edge,
  // its instance starts from snapshots_ itself.
  if (where && where->host == move.to.host && where->epoch == move.to.epoch &&
      move.to.host != placements_.edge())
    send_kept_snapshot(move.id, move.to);
  schedule_all(
      [&move](const pending_offload& req) {
        return req.host == pending_offload::no_host && req.type == move.id.first &&
               req.key == move.id.second;
      },
      out, unhosted);
}

void offload_router::send_kept_snapshot(const actor_id& id, const placement& to) {
  auto s = snapshots_.find(id);
  if (s != snapshots_.end() &&
      !uplinks_[to.host]->send_snapshot(id.first, id.second, to.epoch, s->second))
    ++snapshots_sent_;
}

void offload_router::send_to_workers(std::vector<outgoing>& out,
                                     std::vector<std::pair<outgoing, caf::error>>& failed) {
  auto edge = std::stable_partition(out.begin(), out.end(), [this](const outgoing& request) {
    return request.host != placements_.edge();
  });
  for (auto i = out.begin(); i != edge; ++i)
    if (auto err = send(*i)) failed.emplace_back(std::move(*i), std::move(err));
  out.erase(out.begin(), edge);
}

template <class Select>
void offload_router::schedule_all(Select&& select, std::vector<outgoing>& out,
                                  std::vector<pending_offload>& unhosted) {
  for (auto i = pending_.begin(); i != pending_.end();)
    i = select(i->second) ? schedule(i, out, unhosted) : std::next(i);
}

void offload_router::dispatch(const std::vector<outgoing>& out,
                              std::vector<pending_offload>& unhosted) {
  for (const auto& request : out) {
    if (request.host == placements_.edge())
      run_on_edge(request);
    else
      transmit(request);
  }
  for (auto& req : unhosted) {
    failed_.fetch_add(1, std::memory_order_relaxed);
    answer(req, caf::make_message(make_error(
                    errc::unknown_actor_type,
                    fmt::format("no worker hosts actor type '{}' (every upstream said hello)",
                                req.type))));
  }
}

void offload_router::run_on_edge(const outgoing& out) {
  std::vector<outgoing> again;
  std::vector<pending_offload> unhosted;
  std::optional<caf::message> at_once;
  {
    std::lock_guard<std::mutex> guard{mutex_};
    auto i = pending_.find(out.sequence);
    if (stopped_ || i == pending_.end() || i->second.host != out.host ||
        i->second.epoch != out.epoch)
      return; // answered, or placed again, since it was scheduled
    auto where = placements_.current(out.type, out.key);
    if (where && where->host == out.host && where->epoch == out.epoch) {
      // Refused before an instance starts for it, as on a worker.
      if (auto refused = local_refusal(out)) {
        at_once = std::move(*refused);
      } else if (auto instance = edge_instance({out.type, out.key}); !instance) {
        at_once = caf::make_message(std::move(instance.error())); // held back
      } else if (caf::message payload; !local_payload(out, payload)) {
        at_once = std::move(payload);
      } else { // under the lock: a migration's snapshot request is queued after it, never before
        at_once = enqueue_request(*instance, handle_, out.sequence, std::move(payload));
      }
    } else {
      schedule(i, again, unhosted); // it left the edge meanwhile
    }
  }
  if (at_once) {
    on_edge_answer(out.sequence, std::move(*at_once));
    return;
  }
  dispatch(again, unhosted);
}

std::optional<caf::message> offload_router::local_refusal(const outgoing& out) const {
  if (auto err =
          check_payload(*local_types_->find_actor(out.type), local_types_->messages(), out.payload))
    return caf::make_message(make_error(errc::remote, describe(err)));
  return std::nullopt;
}

bool offload_router::local_payload(const outgoing& out, caf::message& payload) {
  const auto& types = local_types_->messages();
  if (!out.payload.match_elements<upload_record>()) {
    payload = out.payload;
    return true;
  }
  // Unwrapped here as a worker would, with the same check for a copy it already ran.
  const auto& record = out.payload.get_as<upload_record>(0);
  auto index = types.find(record.type);
  if (index < 0 || !types.decode(static_cast<uint16_t>(index), record.payload.data(),
                                 record.payload.size(), payload)) {
    payload = caf::make_message(make_error(
        errc::remote, fmt::format("upload record {} of stream '{}': cannot decode a '{}'",
                                  record.sequence, record.stream, record.type)));
    return false;
  }
  if (!local_uploads_[{out.type, out.key, record.stream}].first_time(record.sequence)) {
    payload = caf::make_message(upload_duplicate{record.stream, record.sequence});
    return false;
  }
  return true;
}

caf::expected<caf::actor> offload_router::edge_instance(const actor_id& id) {
  {
    std::lock_guard<std::mutex> guard{edge_actors_->mutex};
    if (auto i = edge_actors_->running.find(id); i != edge_actors_->running.end()) return i->second;
  }
  auto name = fmt::format("({}, {})", id.first, id.second);
  auto now = restart_clock::now();
  if (auto held = edge_actors_->crashes.may_activate(name, now)) return held;
  caf::message snapshot;
  if (auto s = snapshots_.find(id); s != snapshots_.end()) snapshot = s->second;
  auto started = edge_actors_->crashes.start(name, *local_types_->find_actor(id.first), sys_,
                                             id.second, snapshot, now);
  if (!started) return started.error();
  auto actor = std::move(*started);
  {
    std::lock_guard<std::mutex> guard{edge_actors_->mutex};
    edge_actors_->running[id] = actor;
  }
  // Attached after the entry exists: for an actor that already ended, CAF runs it at once.
  actor->attach_functor([weak = std::weak_ptr<edge_actors>{edge_actors_}, id, name,
                         addr = actor.address()](const caf::error& reason) {
    auto actors = weak.lock();
    if (!actors) return;
    {
      std::lock_guard<std::mutex> guard{actors->mutex};
      auto i = actors->running.find(id);
      if (i == actors->running.end() || i->second.address() != addr)
        return; // ended after it left the edge: not this actor's crash
      actors->running.erase(i);
    }
    actors->crashes.ended(name, reason, restart_clock::now());
  });
  edge_activations_.fetch_add(1, std::memory_order_relaxed);
  spdlog::warn("running logical actor ({}, {}) on the edge{}", id.first, id.second,
               snapshot.empty() ? "" : ", started from its last snapshot");
  return actor;
}

void offload_router::on_edge_answer(uint64_t sequence, caf::message content) {
  bool snapshot = false;
  uint64_t epoch = 0;
  std::vector<outgoing> out;
  std::vector<pending_offload> unhosted;
  std::vector<std::pair<outgoing, caf::error>> failed;
  {
    std::lock_guard<std::mutex> guard{mutex_};
    if (stopped_) return; // what ends with the router answers nothing
    if (auto i = migrations_.find(sequence); i != migrations_.end()) {
      snapshot = true;
      finish_migration(i, content, out, unhosted);
      // Sent under the lock, so no newer request for the actor overtakes the ones it held.
      send_to_workers(out, failed);
    } else if (auto p = pending_.find(sequence); p != pending_.end()) {
      epoch = p->second.epoch;
    } else {
      return;
    }
  }
  if (snapshot) {
    fail_sends(failed);
    dispatch(out, unhosted);
    return;
  }
  if (content.match_elements<caf::error>())
    on_response(placements_.edge(), sequence, epoch, content.get_as<caf::error>(0));
  else
    on_response(placements_.edge(), sequence, epoch, std::move(content));
}

caf::error offload_router::send(const outgoing& out) {
  auto err =
      uplinks_[out.host]->send_request(out.sequence, out.epoch, out.type, out.key, out.payload);
  if (!err) {
    sent_.fetch_add(1, std::memory_order_relaxed);
    if (out.attempt > 1) retries_.fetch_add(1, std::memory_order_relaxed);
  }
  return err;
}

void offload_router::transmit(const outgoing& out) {
  // The payload itself cannot go on the wire: retrying will not help.
  if (auto err = send(out)) on_response(out.host, out.sequence, out.epoch, std::move(err));
}

void offload_router::fail_sends(std::vector<std::pair<outgoing, caf::error>>& failed) {
  for (auto& [out, err] : failed)
    on_response(out.host, out.sequence, out.epoch, std::move(err));
}

void offload_router::on_response(size_t host, uint64_t sequence, uint64_t epoch,
                                 caf::expected<caf::message> result) {
  pending_offload req;
  std::vector<outgoing> out;
  std::vector<pending_offload> unhosted;
  bool refused = !result && matches(result.error(), errc::fenced);
  std::vector<std::pair<outgoing, caf::error>> failed;
  {
    std::lock_guard<std::mutex> guard{mutex_};
    if (auto m = migrations_.find(sequence);
        m != migrations_.end() && m->second.from_host == host && m->second.released) {
      // The released actor's state, or why there is none.
      finish_migration(m, result ? std::move(*result) : caf::make_message(result.error()), out,
                       unhosted);
      send_to_workers(out, failed); // under the lock: the held requests go first, in order
    }
  }
  if (!failed.empty() || !out.empty() || !unhosted.empty()) {
    fail_sends(failed);
    dispatch(out, unhosted);
    return;
  }
  {
    std::lock_guard<std::mutex> guard{mutex_};
    auto i = pending_.find(sequence);
    if (i == pending_.end()) return; // a duplicate answer to a retried request
    if (i->second.host != host || i->second.epoch != epoch) {
      ++stale_; // for a placement the request has left behind: its current one answers
      return;
    }
    if (refused) {
      // The worker knows the actor under a newer epoch: place it again and resend.
      ++fenced_;
      placements_.refused(i->second.type, i->second.key, host, epoch);
      schedule(i, out, unhosted);
    } else {
      req = std::move(i->second);
      pending_.erase(i);
      ++(host == placements_.edge() ? answered_on_edge_ : answered_by_[host]);
      if (auto* metric =
              host == placements_.edge() ? answered_on_edge_metric_ : answered_in_cloud_metric_)
        metric->Increment();
      if (host == placements_.edge() && result) measure_on_edge(req);
      if (auto m = migration_of({req.type, req.key}); m != migrations_.end())
        release_if_drained(m->first, m->second);
    }
  }
  if (refused) {
    dispatch(out, unhosted); // resent, or waiting for a worker
    return;
  }
  if (result) {
    answered_.fetch_add(1, std::memory_order_relaxed);
    answer(req, std::move(*result));
  } else {
    failed_.fetch_add(1, std::memory_order_relaxed);
    answer(req, caf::make_message(std::move(result.error())));
  }
}

void offload_router::answer(const pending_offload& req, caf::message content) {
  if (!req.sender || !req.id.is_request()) return; // sent without asking for an answer
  req.sender->enqueue(
      caf::make_mailbox_element(handle_, req.id.response_id(), {}, std::move(content)), nullptr);
}

void offload_router::on_up(size_t host, const std::vector<std::string>& actor_types) {
  std::vector<outgoing> out;
  std::vector<pending_offload> unhosted;
  {
    std::lock_guard<std::mutex> guard{mutex_};
    if (stopped_) return;
    placements_.host_up(host, actor_types);
    auto name = uplinks_[host]->server_id();
    for (auto i = awaiting_hello_.begin(); i != awaiting_hello_.end();) {
      if (i->second != name) {
        ++i;
        continue;
      }
      placements_.direct(i->first.first, i->first.second, host);
      i = awaiting_hello_.erase(i);
    }
    // Requests that waited for a worker, including those that waited for this one.
    schedule_all([](const pending_offload& req) { return req.host == pending_offload::no_host; },
                 out, unhosted);
  }
  if (!out.empty())
    spdlog::info("{} up: resending {} waiting requests", uplinks_[host]->endpoint(), out.size());
  dispatch(out, unhosted);
}

void offload_router::on_down(size_t host) {
  std::vector<outgoing> out;
  std::vector<pending_offload> unhosted;
  size_t waiting = 0;
  {
    std::lock_guard<std::mutex> guard{mutex_};
    if (stopped_) return;
    placements_.host_down(host);
    for (auto m = migrations_.begin(); m != migrations_.end();) {
      auto next = std::next(m);
      if (m->second.from_host == host)
        finish_migration(
            m, caf::make_message(make_error(errc::overloaded, "its worker went down meanwhile")),
            out, unhosted);
      m = next;
    }
    // Requests the worker may never answer go to their actors' new hosts now.
    schedule_all([host](const pending_offload& req) { return req.host == host; }, out, unhosted);
    moved_ += out.size();
    for (const auto& [sequence, req] : pending_)
      waiting += req.host == pending_offload::no_host ? 1 : 0;
  }
  spdlog::warn("{} down: {} pending requests resent to other workers, {} wait for one",
               uplinks_[host]->endpoint(), out.size(), waiting);
  dispatch(out, unhosted);
}

void offload_router::retry_due() {
  std::vector<outgoing> out;
  std::vector<pending_offload> unhosted;
  std::vector<std::pair<outgoing, caf::error>> failed;
  {
    std::lock_guard<std::mutex> guard{mutex_};
    if (stopped_) return;
    auto now = clock_type::now();
    for (auto i = migrations_.begin(); i != migrations_.end();) {
      auto next = std::next(i);
      if (now - i->second.started_at >= stuck_after_retry_intervals * cfg_.retry_interval) {
        caf::anon_send_exit(i->second.from, caf::exit_reason::kill);
        finish_migration(i,
                         caf::make_message(make_error(
                             errc::overloaded, "its instance on the edge did not answer in time")),
                         out, unhosted);
      }
      i = next;
    }
    send_to_workers(out, failed);
    schedule_all(
        [this, now](const pending_offload& req) {
          // Waited long enough for a worker to run on the edge or for the placement service,
          // or due for a resend.
          if (req.host == pending_offload::no_host)
            return may_run_on_edge(req.type, req.accepted_at, now) ||
                   (placement_service_ &&
                    (held_question(req, now) ||
                     now >= std::max(req.accepted_at, questions_from_) + cfg_.retry_interval));
          return req.host != placements_.edge() && placements_.up(req.host) &&
                 now - req.sent_at >= cfg_.retry_interval;
        },
        out, unhosted);
  }
  fail_sends(failed);
  dispatch(out, unhosted);
}

void offload_router::on_snapshot(size_t host, std::string type, std::string key, uint64_t epoch,
                                 caf::message state) {
  std::lock_guard<std::mutex> guard{mutex_};
  auto where = placements_.current(type, key);
  // Only the actor's current instance speaks for it.
  if (!where || where->host != host || where->epoch != epoch) return;
  snapshots_[{std::move(type), std::move(key)}] = std::move(state);
  ++snapshots_kept_;
}

router_stats offload_router::stats() const {
  router_stats out;
  out.sent = sent_.load();
  out.retries = retries_.load();
  out.answered = answered_.load();
  out.failed = failed_.load();
  out.refused = refused_.load();
  std::lock_guard<std::mutex> guard{mutex_};
  out.pending = pending_.size();
  out.moved = moved_;
  out.stale = stale_;
  out.fenced = fenced_;
  out.snapshots_kept = snapshots_kept_;
  out.snapshots_sent = snapshots_sent_;
  out.answered_by = answered_by_;
  out.answered_on_edge = answered_on_edge_;
  out.edge_activations = edge_activations_.load();
  out.handovers = handovers_;
  return out;
}

void offload_router::follow(std::shared_ptr<placement_client> service,
                            std::chrono::milliseconds paths_settle) {
  std::lock_guard<std::mutex> guard{mutex_};
  placement_service_ = std::move(service);
  questions_from_ = clock_type::now() + paths_settle;
}

bool offload_router::held_question(const pending_offload& req, clock_type::time_point now) const {
  return req.sent_at < questions_from_ && now >= questions_from_ &&
         !placements_.directed(req.type, req.key);
}

void offload_router::on_reported() {
  std::vector<outgoing> out;
  std::vector<pending_offload> unhosted;
  {
    std::lock_guard<std::mutex> guard{mutex_};
    auto now = clock_type::now();
    if (stopped_ || !report_complete_ || questions_from_ <= now) return;
    questions_from_ = now;
    spdlog::info("placement: the service knows the paths to all {} upstreams; asking it now",
                 uplinks_.size());
    schedule_all(
        [this, now](const pending_offload& req) {
          return req.host == pending_offload::no_host && held_question(req, now);
        },
        out, unhosted);
  }
  dispatch(out, unhosted);
}

void offload_router::measure_on_edge(const pending_offload& req) {
  auto now = clock_type::now();
  auto& last = edge_answered_at_[{req.type, req.key}];
  edge_service_.add(req.type,
                    std::chrono::duration<double>(now - std::max(req.sent_at, last)).count());
  last = now;
}

void offload_router::on_placement(const placement_decision& decision) {
  if (decision.worker.empty()) { // run it on this edge
    if (may_host_on_edge(decision.type))
      direct(decision, placements_.edge());
    else
      spdlog::warn("the placement service runs ({}, {}) on this edge, which does not run '{}' "
                   "itself (offload.local_fallback, or a cloud-only type); it stays where it is",
                   decision.type, decision.key, decision.type);
    return;
  }
  auto host = std::find_if(uplinks_.begin(), uplinks_.end(), [&](const auto& uplink) {
    return uplink->server_id() == decision.worker;
  });
  if (host == uplinks_.end()) {
    // Applied when that worker says hello; a worker this edge never reaches stays unused.
    std::lock_guard<std::mutex> guard{mutex_};
    awaiting_hello_[{decision.type, decision.key}] = decision.worker;
    return;
  }
  direct(decision, static_cast<size_t>(std::distance(uplinks_.begin(), host)));
}

void offload_router::direct(const placement_decision& decision, size_t host) {
  std::vector<outgoing> out;
  std::vector<pending_offload> unhosted;
  {
    std::lock_guard<std::mutex> guard{mutex_};
    if (stopped_) return;
    awaiting_hello_.erase({decision.type, decision.key});
    placements_.direct(decision.type, decision.key, host);
    // Requests that waited for this answer go now.
    schedule_all(
        [&decision](const pending_offload& req) {
          return req.host == pending_offload::no_host && req.type == decision.type &&
                 req.key == decision.key;
        },
        out, unhosted);
  }
  dispatch(out, unhosted);
}

edge_load_report offload_router::placement_report(const std::string& edge_id) {
  edge_load_report out;
  out.edge = edge_id;
  std::vector<std::string> names;
  for (const auto& uplink : uplinks_) {
    names.push_back(uplink->server_id());
    auto rtt_ns = uplink->stats().rtt_ewma_ns.load();
    if (uplink->up() && !names.back().empty() && rtt_ns > 0) // 0: not measured yet
      out.paths.push_back({names.back(), rtt_ns / 1e9, 0});
  }
  bool complete = out.paths.size() == uplinks_.size();
  // What the type's author declared, then what this edge's config says, then what it measured.
  for (const auto& type : local_types_->actor_names(runs_on::edge))
    if (auto declared = local_types_->find_actor(type)->service_time;
        declared.count() > 0 && may_host_on_edge(type))
      out.service_s[type] = std::chrono::duration<double>(declared).count();
  for (const auto& [type, cost] : cfg_.service_times)
    if (may_host_on_edge(type)) out.service_s[type] = std::chrono::duration<double>(cost).count();
  std::lock_guard<std::mutex> guard{mutex_};
  report_complete_ = complete;
  for (const auto& [type, seconds] : edge_service_.take())
    if (may_host_on_edge(type)) out.service_s[type] = seconds;
  // Only what waits for the edge's own threads: requests out at workers cost it nothing.
  out.backlog =
      static_cast<uint64_t>(std::count_if(pending_.begin(), pending_.end(), [this](const auto& p) {
        return p.second.host == placements_.edge();
      }));
  // A report right after another (one on reconnect) would turn a request or two into a
  // rate: the last rates stand until the window is long enough.
  auto now = clock_type::now();
  double seconds = std::chrono::duration<double>(now - reported_at_).count();
  if (seconds >= min_rate_window_s) {
    rates_.clear();
    for (const auto& [id, count] : requested_)
      rates_[id] = static_cast<double>(count) / seconds;
    requested_.clear();
    reported_at_ = now;
  }
  for (const auto& [id, where] : placements_.placed()) {
    auto r = rates_.find(id);
    double rate = r == rates_.end() ? 0.0 : r->second;
    if (where.host == placements_.edge())
      out.placed.push_back({id.first, id.second, {}, rate});
    else if (!names[where.host].empty())
      out.placed.push_back({id.first, id.second, names[where.host], rate});
  }
  return out;
}

} // namespace kite::edge
