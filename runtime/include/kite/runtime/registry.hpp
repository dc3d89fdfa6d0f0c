// Actor types and message types by name: what a node can host and put on the wire, so that
// placement can activate a logical actor anywhere its type is compiled in.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/behavior.hpp>
#include <caf/expected.hpp>
#include <caf/message.hpp>
#include <caf/message_handler.hpp>
#include <caf/stateful_actor.hpp>

#include "kite/runtime/message_types.hpp"
#include "kite/runtime/protocol.hpp"

namespace kite {

/// Where an actor type may run.
enum class runs_on { edge, cloud, both };

/// Spawns the logical actor `(type, key)` for its given key.
using actor_factory = std::function<caf::actor(caf::actor_system&, const std::string& key)>;

/// Spawns the logical actor `(type, key)`, starting from `snapshot` unless it is empty.
using restoring_factory =
    std::function<caf::actor(caf::actor_system&, const std::string& key, const caf::message&)>;

/// One registered actor type.
struct actor_type {
  std::string name;
  runs_on where = runs_on::both;
  restoring_factory spawn;
  /// Answers snapshot_atom with its state, which spawn() takes back.
  bool snapshots = false;
};

/// Starts logical actor (`type`, `key`) through its factory; an error naming it when the
/// factory throws or returns no actor, so a user's bug fails its requests, not the host.
caf::expected<caf::actor> start_logical_actor(const actor_type& type, caf::actor_system& sys,
                                              const std::string& key, const caf::message& snapshot);

/// The node's catalog of message types and actor types.
class registry {
public:
  /// Announces message type `T` as `name`, for CAF and for the wire.
  template <class T> registry& add_message(const std::string& name) {
    types_.add<T>(name);
    installers_.push_back([name](caf::actor_system_config& cfg) { cfg.add_message_type<T>(name); });
    return *this;
  }

  /// Registers an actor type; a second registration of the same name is a programming error.
  registry& add_actor(std::string name, runs_on where, actor_factory spawn);

  /// Registers a stateful actor type whose state `State` is snapshotted: `State` must be
  /// announced with add_message(); `make(self, key)` returns the behaviour; the runtime answers
  /// snapshot_atom with the state and starts a re-activated instance from the last snapshot.
  template <class State>
  registry& add_stateful_actor(std::string name, runs_on where,
                               caf::behavior (*make)(caf::stateful_actor<State>*, std::string)) {
    auto spawn = [make](caf::actor_system& sys, const std::string& key,
                        const caf::message& snapshot) {
      return sys.spawn(
          [make, snapshot](caf::stateful_actor<State>* self, std::string key) -> caf::behavior {
            auto behavior = make(self, std::move(key));
            if (snapshot.match_elements<State>()) self->state = snapshot.get_as<State>(0);
            return caf::message_handler{[self](snapshot_atom) { return self->state; }}.or_else(
                behavior);
          },
          key);
    };
    return add(actor_type{std::move(name), where, std::move(spawn), true});
  }

  /// Announces every message type to a CAF config, before its actor system starts.
  void install(caf::actor_system_config& cfg) const;

  /// Returns the actor type named `name`, or nullptr.
  const actor_type* find_actor(const std::string& name) const;

  /// Names of the actor types that may run on `side` (edge or cloud).
  std::vector<std::string> actor_names(runs_on side) const;

  const message_types& messages() const { return types_; }

private:
  registry& add(actor_type type);

  message_types types_;
  std::vector<std::function<void(caf::actor_system_config&)>> installers_;
  std::map<std::string, actor_type> actors_;
};

} // namespace kite
