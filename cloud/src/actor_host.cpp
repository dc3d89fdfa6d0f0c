#include "kite/cloud/actor_host.hpp"

#include <vector>

#include <caf/send.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "kite/runtime/error.hpp"

namespace kite::cloud {

actor_host::actor_host(caf::actor_system& sys, const registry& types, link& uplink)
    : sys_(sys), types_(types), uplink_(uplink) {}

actor_host::~actor_host() {
  shutdown();
}

server_handlers actor_host::handlers() {
  return {[this](inbound_request& req) { handle(req); }, [this](uint64_t peer) { on_lapse(peer); }};
}

void actor_host::handle(inbound_request& req) {
  stats_.requests.fetch_add(1, std::memory_order_relaxed);
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
  uplink_.relay(*target, req);
}

caf::expected<caf::actor> actor_host::target_of(const inbound_request& req) {
  actor_id id{std::string{req.actor_type}, std::string{req.actor_key}};
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
        return current.actor;
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
  return activate(id, req.peer, req.epoch);
}

caf::expected<caf::actor> actor_host::activate(const actor_id& id, uint64_t owner, uint64_t epoch) {
  const auto* entry = types_.find_actor(id.first);
  if (entry == nullptr || entry->where == runs_on::edge)
    return make_error(errc::unknown_actor_type,
                      fmt::format("this worker does not host actor type '{}'", id.first));
  auto actor = entry->spawn(sys_, id.second);
  {
    std::lock_guard<std::mutex> guard{active_->mutex};
    active_->actors.insert_or_assign(id, activation{actor, owner, epoch});
  }
  // The next request for this key activates a fresh instance; answers the ended one owed come
  // back to the link as errors from CAF. Attached after the entry exists: for an actor that
  // already ended, CAF runs the functor at once.
  actor->attach_functor(
      [weak = std::weak_ptr<table>{active_}, id, addr = actor.address()](const caf::error& reason) {
        if (reason && reason != caf::exit_reason::user_shutdown)
          spdlog::warn("logical actor ({}, {}) ended: {}", id.first, id.second, describe(reason));
        auto active = weak.lock();
        if (!active) return;
        std::lock_guard<std::mutex> guard{active->mutex};
        if (auto i = active->actors.find(id);
            i != active->actors.end() && i->second.actor.address() == addr)
          active->actors.erase(i);
      });
  stats_.activations.fetch_add(1, std::memory_order_relaxed);
  spdlog::info("activated logical actor ({}, {}) at epoch {}", id.first, id.second, epoch);
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

size_t actor_host::active() const {
  std::lock_guard<std::mutex> guard{active_->mutex};
  return active_->actors.size();
}

} // namespace kite::cloud
