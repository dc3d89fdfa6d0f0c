#include "kite/cloud/actor_host.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "kite/runtime/any_response.hpp"
#include "kite/runtime/error.hpp"
#include "kite/runtime/protocol.hpp"

namespace kite::cloud {

namespace {

using host_actor = caf::stateful_actor<actor_host_state>;

/// Returns the running logical actor `(type, key)`, activating it when needed.
caf::expected<caf::actor> activate(host_actor* self, const std::string& type,
                                   const std::string& key) {
  auto& s = self->state;
  auto id = std::make_pair(type, key);
  if (auto i = s.active.find(id); i != s.active.end()) return i->second;
  const auto* entry = s.types->find_actor(type);
  if (entry == nullptr || entry->where == runs_on::edge)
    return make_error(errc::unknown_actor_type,
                      fmt::format("this worker does not host actor type '{}'", type));
  auto actor = entry->spawn(self->system(), key);
  self->monitor(actor);
  s.active.emplace(id, actor);
  ++s.activations;
  spdlog::info("activated logical actor ({}, {})", type, key);
  return actor;
}

} // namespace

caf::behavior actor_host(caf::stateful_actor<actor_host_state>* self, const registry* types,
                         std::shared_ptr<link> uplink, caf::duration request_timeout) {
  self->state.types = types;
  self->state.uplink = std::move(uplink);
  self->state.request_timeout = request_timeout;
  self->set_down_handler([self](const caf::down_msg& down) {
    auto& active = self->state.active;
    for (auto i = active.begin(); i != active.end(); ++i) {
      if (i->second.address() == down.source) {
        spdlog::warn("logical actor ({}, {}) ended: {}", i->first.first, i->first.second,
                     describe(down.reason));
        // The next request for this key activates a fresh instance.
        active.erase(i);
        return;
      }
    }
  });
  self->set_exit_handler([self](const caf::exit_msg& msg) {
    for (auto& entry : self->state.active)
      self->send_exit(entry.second, msg.reason);
    self->quit(msg.reason);
  });
  return {
      [self](request_atom, uint64_t peer, uint64_t sequence, const std::string& type,
             const std::string& key, caf::message& payload) {
        auto& s = self->state;
        ++s.requests;
        auto target = activate(self, type, key);
        if (!target) {
          ++s.failures;
          s.uplink->respond_error(peer, sequence, describe(target.error()));
          return;
        }
        request_any(self, *target, s.request_timeout, std::move(payload),
                    [self, peer, sequence, type, key](caf::expected<caf::message> answer) {
                      auto& s = self->state;
                      if (answer) {
                        s.uplink->respond(peer, sequence, *answer);
                        return;
                      }
                      ++s.failures;
                      s.uplink->respond_error(
                          peer, sequence,
                          fmt::format("({}, {}) failed: {}", type, key, describe(answer.error())));
                    });
      },
      [self](stats_atom) {
        auto& s = self->state;
        return std::map<std::string, uint64_t>{{"activations", s.activations},
                                               {"requests", s.requests},
                                               {"failures", s.failures},
                                               {"active", s.active.size()}};
      },
  };
}

} // namespace kite::cloud
