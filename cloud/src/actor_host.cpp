#include "kite/cloud/actor_host.hpp"

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

void actor_host::handle(inbound_request& req) {
  stats_.requests.fetch_add(1, std::memory_order_relaxed);
  std::string type{req.actor_type};
  std::string key{req.actor_key};
  auto target = activate(type, key);
  if (!target) {
    stats_.failures.fetch_add(1, std::memory_order_relaxed);
    uplink_.respond_error(req.peer, req.sequence, describe(target.error()));
    return;
  }
  uplink_.relay(*target, req.peer, req.sequence, std::move(type), std::move(key),
                std::move(req.payload));
}

caf::expected<caf::actor> actor_host::activate(const std::string& type, const std::string& key) {
  auto id = std::make_pair(type, key);
  {
    std::lock_guard<std::mutex> guard{active_->mutex};
    if (auto i = active_->actors.find(id); i != active_->actors.end()) return i->second;
  }
  const auto* entry = types_.find_actor(type);
  if (entry == nullptr || entry->where == runs_on::edge)
    return make_error(errc::unknown_actor_type,
                      fmt::format("this worker does not host actor type '{}'", type));
  auto actor = entry->spawn(sys_, key);
  {
    std::lock_guard<std::mutex> guard{active_->mutex};
    active_->actors.emplace(id, actor);
  }
  // The next request for this key activates a fresh instance; answers the ended one owed come
  // back to the link as errors from CAF. Attached after the entry exists: for an actor that
  // already ended, CAF runs the functor at once.
  actor->attach_functor([weak = std::weak_ptr<table>{active_}, id,
                         addr = actor.address()](const caf::error& reason) {
    if (reason && reason != caf::exit_reason::user_shutdown)
      spdlog::warn("logical actor ({}, {}) ended: {}", id.first, id.second, describe(reason));
    auto active = weak.lock();
    if (!active) return;
    std::lock_guard<std::mutex> guard{active->mutex};
    if (auto i = active->actors.find(id); i != active->actors.end() && i->second.address() == addr)
      active->actors.erase(i);
  });
  stats_.activations.fetch_add(1, std::memory_order_relaxed);
  spdlog::info("activated logical actor ({}, {})", type, key);
  return actor;
}

void actor_host::shutdown() {
  std::map<actor_id, caf::actor> actors;
  {
    std::lock_guard<std::mutex> guard{active_->mutex};
    actors.swap(active_->actors);
  }
  for (auto& entry : actors)
    caf::anon_send_exit(entry.second, caf::exit_reason::user_shutdown);
}

size_t actor_host::active() const {
  std::lock_guard<std::mutex> guard{active_->mutex};
  return active_->actors.size();
}

} // namespace kite::cloud
