#include "kite/runtime/registry.hpp"

#include <algorithm>
#include <stdexcept>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "kite/runtime/error.hpp"
#include "kite/runtime/upload.hpp"
#include "kite/runtime/wire.hpp"

namespace kite {

actor_declaration::actor_declaration(std::string name, restoring_factory spawn, bool snapshots,
                                     const std::type_info* state)
    : state_(state) {
  type_.name = std::move(name);
  type_.spawn = std::move(spawn);
  type_.snapshots = snapshots;
}

actor_declaration declare(std::string name, actor_factory spawn) {
  return {std::move(name),
          [spawn = std::move(spawn)](caf::actor_system& sys, const std::string& key,
                                     const caf::message&) { return spawn(sys, key); },
          false, nullptr};
}

actor_declaration declare(std::string name, caf::behavior (*behavior)(caf::event_based_actor*)) {
  return declare(std::move(name), [behavior](caf::actor_system& sys, const std::string&) {
    return sys.spawn(behavior);
  });
}

actor_declaration declare(std::string name,
                          caf::behavior (*behavior)(caf::event_based_actor*, std::string)) {
  return declare(std::move(name), [behavior](caf::actor_system& sys, const std::string& key) {
    return sys.spawn(behavior, key);
  });
}

caf::error check_accepts(const actor_type& type, const std::string& message) {
  if (type.accepts.empty() ||
      std::find(type.accepts.begin(), type.accepts.end(), message) != type.accepts.end())
    return {};
  return make_error(errc::unknown_type,
                    fmt::format("actor type '{}' does not accept {}; it accepts {}", type.name,
                                message.empty() ? "a value of an unannounced type"
                                                : fmt::format("a '{}'", message),
                                fmt::join(type.accepts, ", ")));
}

caf::error check_payload(const actor_type& type, const message_types& types,
                         const caf::message& payload) {
  return check_accepts(type, payload.match_elements<upload_record>()
                                 ? payload.get_as<upload_record>(0).type
                                 : types.name_of(payload));
}

registry& registry::add(actor_declaration declaration) {
  auto& type = declaration.type_;
  if (type.name.empty() || type.name.size() > wire::max_actor_type_size)
    throw std::logic_error(fmt::format("actor type name '{}' must have 1 to {} bytes", type.name,
                                       wire::max_actor_type_size));
  if (actors_.count(type.name) > 0)
    throw std::logic_error(fmt::format("actor type '{}' registered twice", type.name));
  if (type.service_time.count() < 0)
    throw std::logic_error(
        fmt::format("actor type '{}' declares a negative service time", type.name));
  if (declaration.state_ != nullptr && types_.name_of(*declaration.state_).empty())
    throw std::logic_error(fmt::format(
        "actor type '{}' snapshots a state type that was not announced with add_message()",
        type.name));
  for (const auto* rtti : declaration.accepted_) {
    auto name = types_.name_of(*rtti);
    if (name.empty())
      throw std::logic_error(fmt::format(
          "actor type '{}' accepts a type that was not announced with add_message() ({})",
          type.name, rtti->name()));
    type.accepts.push_back(std::move(name));
  }
  auto key = type.name;
  actors_.emplace(std::move(key), std::move(type));
  return *this;
}

void registry::install(caf::actor_system_config& cfg) const {
  for (const auto& install_type : installers_)
    install_type(cfg);
}

const actor_type* registry::find_actor(const std::string& name) const {
  auto i = actors_.find(name);
  return i == actors_.end() ? nullptr : &i->second;
}

std::vector<std::string> registry::actor_names(runs_on side) const {
  std::vector<std::string> out;
  for (const auto& [name, type] : actors_)
    if (type.where == runs_on::both || type.where == side) out.push_back(name);
  return out;
}

caf::expected<caf::actor> start_logical_actor(const actor_type& type, caf::actor_system& sys,
                                              const std::string& key,
                                              const caf::message& snapshot) {
  std::string failure = "its factory returned no actor";
  try {
    if (auto actor = type.spawn(sys, key, snapshot)) return actor;
  } catch (const std::exception& e) {
    failure = fmt::format("its factory threw: {}", e.what());
  } catch (...) {
    failure = "its factory threw a non-standard exception";
  }
  return make_error(errc::start_failed, fmt::format("cannot start logical actor ({}, {}): {}",
                                                    type.name, key, failure));
}

} // namespace kite
