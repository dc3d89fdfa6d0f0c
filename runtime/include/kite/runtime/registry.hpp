// Actor types and message types by name: what a node can host and put on the wire, so that
// placement can activate a logical actor anywhere its type is compiled in.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <string>
#include <typeinfo>
#include <vector>

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/behavior.hpp>
#include <caf/event_based_actor.hpp>
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
  /// Names of the message types its requests may hold; empty: any announced type.
  std::vector<std::string> accepts;
  /// What one request costs, as its author declares: placement weighs hosts by it until they
  /// have measured the type; zero when not declared.
  std::chrono::microseconds service_time{0};
};

/// An actor type under construction: `declare(name, behaviour)` and then, chained, what it
/// accepts, where it runs and what it costs; `registry::add` takes it.
class actor_declaration {
public:
  actor_declaration(std::string name, restoring_factory spawn, bool snapshots,
                    const std::type_info* state);

  /// Requests hold one of `Ts`, each announced with add_message() first; others are refused
  /// with an error naming the type, before they reach the actor.
  template <class... Ts> actor_declaration& accepts() {
    (accepted_.push_back(&typeid(Ts)), ...);
    return *this;
  }

  /// Where the type may run: on the edge, in the cloud, or both (the default).
  actor_declaration& runs_on(::kite::runs_on where) {
    type_.where = where;
    return *this;
  }

  /// The declared cost of one request: CPU time on one thread.
  actor_declaration& service_time(std::chrono::microseconds cost) {
    type_.service_time = cost;
    return *this;
  }

private:
  friend class registry;

  actor_type type_;
  std::vector<const std::type_info*> accepted_;
  /// The snapshotted state's type, which must be announced; nullptr for a stateless type.
  const std::type_info* state_;
};

/// Declares a stateless type whose instances run `behavior(self)`.
actor_declaration declare(std::string name, caf::behavior (*behavior)(caf::event_based_actor*));

/// Declares a stateless type whose instances run `behavior(self, key)`.
actor_declaration declare(std::string name,
                          caf::behavior (*behavior)(caf::event_based_actor*, std::string));

/// Declares a type spawned by `spawn(sys, key)`, for actors that need more than a behaviour.
actor_declaration declare(std::string name, actor_factory spawn);

/// Declares a stateful type: `behavior(self, key)` returns the behaviour; the runtime answers
/// snapshot_atom with `self->state` (announced with add_message(), so its inspect() is the
/// snapshot format) and starts a re-activated instance from the last snapshot.
template <class State>
actor_declaration declare(std::string name,
                          caf::behavior (*behavior)(caf::stateful_actor<State>*, std::string)) {
  auto spawn = [behavior](caf::actor_system& sys, const std::string& key,
                          const caf::message& snapshot) {
    return sys.spawn(
        [behavior, snapshot](caf::stateful_actor<State>* self, std::string key) -> caf::behavior {
          auto handlers = behavior(self, std::move(key));
          if (snapshot.match_elements<State>()) self->state = snapshot.get_as<State>(0);
          return caf::message_handler{[self](snapshot_atom) { return self->state; }}.or_else(
              handlers);
        },
        key);
  };
  return {std::move(name), std::move(spawn), true, &typeid(State)};
}

/// Starts logical actor (`type`, `key`) through its factory; an error naming it when the
/// factory throws or returns no actor, so a user's bug fails its requests, not the host.
caf::expected<caf::actor> start_logical_actor(const actor_type& type, caf::actor_system& sys,
                                              const std::string& key, const caf::message& snapshot);

/// An error naming `type` and what it accepts when it does not take requests of the message
/// type named `message`; none when it does.
caf::error check_accepts(const actor_type& type, const std::string& message);

/// check_accepts for a request's payload, whose type `types` names: an upload_record is judged
/// by the item it carries, which is what reaches the actor.
caf::error check_payload(const actor_type& type, const message_types& types,
                         const caf::message& payload);

/// The node's catalog of message types and actor types.
class registry {
public:
  /// Announces message type `T` as `name`, for CAF and for the wire.
  template <class T> registry& add_message(const std::string& name) {
    types_.add<T>(name);
    installers_.push_back([name](caf::actor_system_config& cfg) { cfg.add_message_type<T>(name); });
    return *this;
  }

  /// Registers an actor type; a second registration of the same name, or a type it accepts
  /// or snapshots that was not announced, is a programming error (std::logic_error).
  registry& add(actor_declaration declaration);

  /// Announces every message type to a CAF config, before its actor system starts.
  void install(caf::actor_system_config& cfg) const;

  /// Returns the actor type named `name`, or nullptr.
  const actor_type* find_actor(const std::string& name) const;

  /// Names of the actor types that may run on `side` (edge or cloud).
  std::vector<std::string> actor_names(runs_on side) const;

  const message_types& messages() const { return types_; }

private:
  message_types types_;
  std::vector<std::function<void(caf::actor_system_config&)>> installers_;
  std::map<std::string, actor_type> actors_;
};

} // namespace kite
