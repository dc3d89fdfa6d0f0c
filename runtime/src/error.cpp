#include "kite/runtime/error.hpp"

#include <caf/atom.hpp>
#include <caf/message.hpp>
#include <caf/sec.hpp>

namespace kite {

namespace {

constexpr caf::atom_value category = caf::atom("kite");

} // namespace

const char* to_string(errc code) {
  switch (code) {
  case errc::config:
    return "config";
  case errc::wire:
    return "wire";
  case errc::key:
    return "key";
  case errc::io:
    return "io";
  case errc::unknown_type:
    return "unknown_type";
  case errc::unknown_actor_type:
    return "unknown_actor_type";
  case errc::link_down:
    return "link_down";
  case errc::overloaded:
    return "overloaded";
  case errc::usage:
    return "usage";
  case errc::remote:
    return "remote";
  case errc::restart_limit:
    return "restart_limit";
  case errc::fenced:
    return "fenced";
  case errc::start_failed:
    return "start_failed";
  }
  return "unknown";
}

caf::error make_error(errc code, std::string message) {
  return caf::error{static_cast<uint8_t>(code), category, caf::make_message(std::move(message))};
}

bool matches(const caf::error& err, errc code) {
  return err && err.category() == category && err.code() == static_cast<uint8_t>(code);
}

std::string describe(const caf::error& err) {
  if (!err) return "no error";
  const auto& ctx = err.context();
  std::string text;
  if (ctx.size() == 1 && ctx.match_element<std::string>(0)) text = ctx.get_as<std::string>(0);
  if (err.category() == category)
    return text.empty() ? to_string(static_cast<errc>(err.code())) : text;
  if (err.category() == caf::atom("system")) {
    auto name = caf::to_string(static_cast<caf::sec>(err.code()));
    return text.empty() ? name : name + ": " + text;
  }
  return caf::to_string(err);
}

} // namespace kite
