#include "kite/runtime/registry.hpp"

#include <stdexcept>

#include <fmt/format.h>

#include "kite/runtime/error.hpp"
#include "kite/runtime/wire.hpp"

namespace kite {

registry& registry::add_actor(std::string name, runs_on where, actor_factory spawn) {
  return add(actor_type{std::move(name), where,
                        [spawn = std::move(spawn)](caf::actor_system& sys, const std::string& key,
                                                   const caf::message&) { return spawn(sys, key); },
                        false});
}

registry& registry::add(actor_type type) {
  if (type.name.empty() || type.name.size() > wire::max_actor_type_size)
    throw std::logic_error(fmt::format("actor type name '{}' must have 1 to {} bytes", type.name,
                                       wire::max_actor_type_size));
  if (actors_.count(type.name) > 0)
    throw std::logic_error(fmt::format("actor type '{}' registered twice", type.name));
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
