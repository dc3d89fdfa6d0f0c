#include "kite/cloud/actor_host.hpp"

#include <utility>
#include <vector>

#include <caf/send.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "kite/runtime/error.hpp"
#include "kite/runtime/upload.hpp"

namespace kite::cloud {

namespace {

/// Upload streams one activation keeps windows for (8 KiB each), at most.
constexpr size_t max_upload_streams = 256;

std::string name_of(const std::pair<std::string, std::string>& id) {
  return fmt::format("({}, {})", id.first, id.second);
}

} // namespace

actor_host::actor_host(caf::actor_system& sys, const registry& types, link& uplink,
                       snapshots_config snapshots, supervisor_flags supervision, metrics* counts)
    : sys_(sys), types_(types), uplink_(uplink), snapshot_policy_(snapshots),
      active_(std::make_shared<table>(supervision, counts)) {}

actor_host::~actor_host() {
  shutdown();
}

actor_host::actor_id actor_host::id_of(const inbound_request& req) {
  return {std::string{req.actor_type}, std::string{req.actor_key}};
}

server_handlers actor_host::handlers() {
  return {[this](inbound_request& req) { handle(req); }, [this](uint64_t peer) { on_lapse(peer); },
          [this](inbound_request& req) { on_restore(req); }, [this] { on_tick(); },
          [this](inbound_request& req) { on_release(req); }};
}

void actor_host::handle(inbound_request& req) {
  stats_.requests.fetch_add(1, std::memory_order_relaxed);
  // Before activation: a request the type refuses starts no instance.
  if (auto err = refusal(req)) {
    stats_.failures.fetch_add(1, std::memory_order_relaxed);
    uplink_.respond_error(req, describe(err));
    return;
  }
  auto target = target_of(req);
  if (!target) {
    if (matches(target.error(), errc::fenced)) {
      stats_.fenced.fetch_add(1, std::memory_order_relaxed);
      uplink_.respond_fenced(req, describe(target.error()));
      return;
    }
    stats_.failures.fetch_add(1, std::memory_order_relaxed);
    uplink_.respond_error(req, describe(target.error()));
    return;
  }
  // A copy of an upload the actor had is answered here, but a snapshot it made due still goes.
  if (!req.payload.match_elements<upload_record>() || unwrap_upload(req))
    uplink_.relay(target->actor, req);
  // Queued behind the request, so the snapshot includes what it changed.
  if (target->snapshot_due) request_snapshot(target->actor, req.peer, req.epoch, id_of(req));
}

caf::error actor_host::refusal(const inbound_request& req) const {
  const auto* entry = types_.find_actor(std::string{req.actor_type});
  if (entry == nullptr) return {}; // activation says the type is unknown
  return check_payload(*entry, types_.messages(), req.payload);
}

bool actor_host::unwrap_upload(inbound_request& req) {
  const auto& record = req.payload.get_as<upload_record>(0);
  const auto& types = types_.messages();
  auto index = types.find(record.type);
  caf::message item;
  if (index < 0 || !types.decode(static_cast<uint16_t>(index), record.payload.data(),
                                 record.payload.size(), item)) {
    stats_.failures.fetch_add(1, std::memory_order_relaxed);
    uplink_.respond_error(req, fmt::format("upload record {} of stream '{}': cannot decode a '{}'",
                                           record.sequence, record.stream, record.type));
    return false;
  }
  // An edge uploads under its own node id: another's stream is not its to touch.
  auto owner = record.stream.substr(0, record.stream.find('/'));
  if (owner != req.node_id) {
    stats_.failures.fetch_add(1, std::memory_order_relaxed);
    uplink_.respond_error(req, fmt::format("upload stream '{}' does not belong to node '{}'",
                                           record.stream, req.node_id));
    return false;
  }
  bool first_time = false;
  bool too_many_streams = false;
  {
    std::lock_guard<std::mutex> guard{active_->mutex};
    auto i = active_->actors.find(id_of(req));
    if (i != active_->actors.end() && i->second.uploads.count(record.stream) == 0 &&
        i->second.uploads.size() >= max_upload_streams)
      too_many_streams = true;
    else
      // Ended meanwhile (a crash): the relay fails, and the edge sends the record again later.
      first_time = i == active_->actors.end() ||
                   i->second.uploads[record.stream].first_time(record.sequence);
  }
  if (too_many_streams) {
    stats_.failures.fetch_add(1, std::memory_order_relaxed);
    uplink_.respond_error(req, fmt::format("({}, {}) takes uploads from {} streams at most",
                                           req.actor_type, req.actor_key, max_upload_streams));
    return false;
  }
  if (!first_time) {
    stats_.upload_duplicates.fetch_add(1, std::memory_order_relaxed);
    uplink_.respond(req, caf::make_message(upload_duplicate{record.stream, record.sequence}));
    return false;
  }
  req.payload = std::move(item);
  return true;
}

bool actor_host::changed(activation& a) const {
  if (!a.snapshots) return false;
  ++a.changes;
  if (snapshot_policy_.every_messages == 0 || a.changes < snapshot_policy_.every_messages)
    return false;
  a.changes = 0;
  a.snapshot_at = clock_type::now();
  return true;
}

void actor_host::on_tick() {
  if (snapshot_policy_.interval.count() == 0) return;
  struct due {
    caf::actor actor;
    uint64_t owner;
    uint64_t epoch;
    actor_id id;
  };
  std::vector<due> snapshots;
  auto now = clock_type::now();
  {
    std::lock_guard<std::mutex> guard{active_->mutex};
    for (auto& [id, a] : active_->actors) {
      if (a.changes == 0 || now - a.snapshot_at < snapshot_policy_.interval) continue;
      a.changes = 0;
      a.snapshot_at = now;
      snapshots.push_back({a.actor, a.owner, a.epoch, id});
    }
  }
  for (auto& s : snapshots)
    request_snapshot(s.actor, s.owner, s.epoch, s.id);
}

void actor_host::request_snapshot(const caf::actor& actor, uint64_t owner, uint64_t epoch,
                                  const actor_id& id) {
  stats_.snapshots.fetch_add(1, std::memory_order_relaxed);
  uplink_.request_snapshot(actor, owner, epoch, id.first, id.second);
}

void actor_host::on_release(inbound_request& req) {
  auto id = id_of(req);
  caf::actor released;
  bool snapshots = false;
  {
    std::lock_guard<std::mutex> guard{active_->mutex};
    auto i = active_->actors.find(id);
    if (i != active_->actors.end() && i->second.owner == req.peer && i->second.epoch == req.epoch) {
      released = std::move(i->second.actor);
      snapshots = i->second.snapshots;
      active_->actors.erase(i); // its exit hook now sees a moved actor, not a crash
    }
  }
  if (!released) {
    uplink_.respond_error(
        req, fmt::format("({}, {}) does not run here at epoch {}", id.first, id.second, req.epoch));
    return;
  }
  stats_.released.fetch_add(1, std::memory_order_relaxed);
  if (snapshots)
    uplink_.hand_over(released, req);
  else
    uplink_.respond_error(
        req, fmt::format("({}, {}) is stateless: nothing to hand over", id.first, id.second));
  // Queued behind the snapshot request and every request before it.
  caf::anon_send_exit(released, caf::exit_reason::user_shutdown);
  spdlog::info("released logical actor ({}, {}) at epoch {}: it moves to another worker", id.first,
               id.second, req.epoch);
}

void actor_host::on_restore(inbound_request& req) {
  auto id = id_of(req);
  std::lock_guard<std::mutex> guard{active_->mutex};
  active_->restores[id] = {req.peer, req.epoch, std::move(req.payload)};
}

caf::expected<actor_host::target> actor_host::target_of(const inbound_request& req) {
  auto id = id_of(req);
  caf::actor replaced;
  {
    std::lock_guard<std::mutex> guard{active_->mutex};
    if (auto i = active_->actors.find(id); i != active_->actors.end()) {
      auto& current = i->second;
      // Epochs are one peer's placement decisions: another peer's request takes the actor
      // over as it is (logical actors shared by several edges need the placement service).
      if (current.owner != req.peer || current.epoch == req.epoch) {
        current.owner = req.peer;
        current.epoch = req.epoch;
        return target{current.actor, changed(current)};
      }
      if (req.epoch < current.epoch)
        return make_error(errc::fenced,
                          fmt::format("({}, {}) runs here at epoch {}; epoch {} is fenced off",
                                      id.first, id.second, current.epoch, req.epoch));
      // Placed again since: it ran elsewhere meanwhile, so this instance's state is stale.
      replaced = current.actor;
      active_->actors.erase(i);
    }
  }
  if (replaced) {
    stats_.moved.fetch_add(1, std::memory_order_relaxed);
    caf::anon_send_exit(replaced, caf::exit_reason::user_shutdown);
  }
  auto actor = activate(id, req.peer, req.epoch);
  if (!actor) return actor.error();
  std::lock_guard<std::mutex> guard{active_->mutex};
  auto i = active_->actors.find(id);
  bool due = i != active_->actors.end() && i->second.actor == *actor && changed(i->second);
  return target{std::move(*actor), due};
}

caf::expected<caf::actor> actor_host::activate(const actor_id& id, uint64_t owner, uint64_t epoch) {
  const auto* entry = types_.find_actor(id.first);
  if (entry == nullptr || entry->where == runs_on::edge)
    return make_error(errc::unknown_actor_type,
                      fmt::format("this worker does not host actor type '{}'", id.first));
  auto now = restart_clock::now();
  if (auto held = active_->crashes.may_activate(name_of(id), now)) return held;
  caf::message snapshot;
  {
    std::lock_guard<std::mutex> guard{active_->mutex};
    if (auto i = active_->restores.find(id); i != active_->restores.end()) {
      // Only the snapshot sent for this very placement applies; older ones are stale.
      if (i->second.peer == owner && i->second.epoch == epoch)
        snapshot = std::move(i->second.state);
      if (i->second.peer != owner || i->second.epoch <= epoch) active_->restores.erase(i);
    }
  }
  auto started = active_->crashes.start(name_of(id), *entry, sys_, id.second, snapshot, now);
  if (!started) return started.error();
  auto actor = std::move(*started);
  {
    std::lock_guard<std::mutex> guard{active_->mutex};
    active_->actors.insert_or_assign(
        id, activation{actor, owner, epoch, entry->snapshots, 0, clock_type::now(), {}});
  }
  // The next request for this key activates a fresh instance; answers the ended one owed come
  // back to the link as errors from CAF. Attached after the entry exists: for an actor that
  // already ended, CAF runs the functor at once.
  actor->attach_functor(
      [weak = std::weak_ptr<table>{active_}, id, addr = actor.address()](const caf::error& reason) {
        auto active = weak.lock();
        if (!active) return;
        {
          std::lock_guard<std::mutex> guard{active->mutex};
          auto i = active->actors.find(id);
          if (i == active->actors.end() || i->second.actor.address() != addr)
            return; // replaced or moved before it ended: not the current actor's crash
          active->actors.erase(i);
        }
        active->crashes.ended(name_of(id), reason, restart_clock::now());
      });
  stats_.activations.fetch_add(1, std::memory_order_relaxed);
  if (!snapshot.empty()) stats_.restored.fetch_add(1, std::memory_order_relaxed);
  spdlog::info("activated logical actor ({}, {}) at epoch {}{}", id.first, id.second, epoch,
               snapshot.empty() ? "" : " from its last snapshot");
  return actor;
}

void actor_host::on_lapse(uint64_t peer) {
  std::vector<caf::actor> ended;
  {
    std::lock_guard<std::mutex> guard{active_->mutex};
    for (auto i = active_->actors.begin(); i != active_->actors.end();) {
      if (i->second.owner == peer) {
        ended.push_back(std::move(i->second.actor));
        i = active_->actors.erase(i);
      } else {
        ++i;
      }
    }
  }
  if (ended.empty()) return;
  stats_.moved.fetch_add(ended.size(), std::memory_order_relaxed);
  spdlog::warn("ending {} logical actors whose peer moved them elsewhere", ended.size());
  for (auto& actor : ended)
    caf::anon_send_exit(actor, caf::exit_reason::user_shutdown);
}

void actor_host::shutdown() {
  std::map<actor_id, activation> actors;
  {
    std::lock_guard<std::mutex> guard{active_->mutex};
    actors.swap(active_->actors);
  }
  for (auto& entry : actors)
    caf::anon_send_exit(entry.second.actor, caf::exit_reason::user_shutdown);
}

supervisor_report actor_host::report() const {
  return active_->crashes.report(restart_clock::now());
}

uint64_t actor_host::crashes() const {
  return active_->crashes.crashes();
}

size_t actor_host::active() const {
  std::lock_guard<std::mutex> guard{active_->mutex};
  return active_->actors.size();
}

} // namespace kite::cloud
