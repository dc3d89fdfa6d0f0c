#include "kite/runtime/message_types.hpp"

#include <algorithm>
#include <exception>
#include <stdexcept>

#include <fmt/format.h>

#include "bounded_deserializer.hpp"
#include "kite/runtime/wire.hpp"
#include "payload_serializer.hpp"

namespace kite {

namespace detail {

bool decode_with_bounds(const char* data, size_t size,
                        const std::function<caf::error(caf::deserializer&)>& read) {
  bounded_deserializer source{data, size};
  try {
    return !read(source) && source.remaining() == 0;
  } catch (const std::exception&) {
    // A user type's own inspect() may throw on values it rejects; that is a bad payload.
    return false;
  }
}

caf::error encode_with_checks(std::vector<char>& out,
                              const std::function<caf::error(caf::serializer&)>& write) {
  payload_serializer sink{out};
  return write(sink);
}

} // namespace detail

void message_types::insert(entry e) {
  if (find(e.name) >= 0)
    throw std::logic_error(fmt::format("message type '{}' announced twice", e.name));
  if (entries_.size() >= wire::max_hello_types) throw std::logic_error("too many message types");
  entries_.push_back(std::move(e));
}

std::vector<std::string> message_types::names() const {
  std::vector<std::string> out;
  out.reserve(entries_.size());
  for (const auto& e : entries_)
    out.push_back(e.name);
  return out;
}

int message_types::find(const std::string& name) const {
  for (size_t i = 0; i < entries_.size(); ++i)
    if (entries_[i].name == name) return static_cast<int>(i);
  return -1;
}

const message_types::entry* message_types::entry_of(const caf::message& msg) const {
  if (msg.size() != 1) return nullptr;
  auto rtti = msg.type(0);
  for (const auto& e : entries_) {
    bool same = rtti.first != 0 ? rtti.first == e.rtti.first
                                : e.rtti.first == 0 && *rtti.second == *e.rtti.second;
    if (same) return &e;
  }
  return nullptr;
}

std::string message_types::name_of(const caf::message& msg) const {
  const auto* e = entry_of(msg);
  return e != nullptr ? e->name : std::string{};
}

std::string message_types::name_of(const std::type_info& rtti) const {
  auto i = std::find_if(entries_.begin(), entries_.end(), [&rtti](const entry& e) {
    return e.rtti.second != nullptr && *e.rtti.second == rtti;
  });
  return i != entries_.end() ? i->name : std::string{};
}

caf::expected<uint16_t> message_types::encode(const caf::message& msg,
                                              std::vector<char>& out) const {
  if (msg.size() != 1)
    return make_error(errc::unknown_type,
                      fmt::format("a wire payload holds exactly one value, got {}", msg.size()));
  const auto* e = entry_of(msg);
  if (e == nullptr) {
    auto rtti = msg.type(0);
    return make_error(errc::unknown_type,
                      fmt::format("value of type {} was never announced as a message type",
                                  rtti.second != nullptr ? rtti.second->name() : "(builtin)"));
  }
  if (auto err = e->encode(msg, out))
    return make_error(errc::wire, fmt::format("cannot encode a '{}': {}", e->name, describe(err)));
  return static_cast<uint16_t>(e - entries_.data());
}

bool message_types::decode(uint16_t index, const char* data, size_t size, caf::message& out) const {
  return index < entries_.size() && entries_[index].decode(data, size, out);
}

} // namespace kite
