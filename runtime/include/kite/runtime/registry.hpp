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

#include "kite/runtime/message_types.hpp"

namespace kite {

/// Where an actor type may run.
enum class runs_on { edge, cloud, both };

/// Spawns the logical actor `(type, key)` for its given key.
using actor_factory = std::function<caf::actor(caf::actor_system&, const std::string& key)>;

/// One registered actor type.
struct actor_type {
  std::string name;
  runs_on where = runs_on::both;
  actor_factory spawn;
};

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
