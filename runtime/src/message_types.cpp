#include "kite/runtime/message_types.hpp"

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

caf::expected<uint16_t> message_types::encode(const caf::message& msg,
                                              std::vector<char>& out) const {
  if (msg.size() != 1)
    return make_error(errc::unknown_type,
                      fmt::format("a wire payload holds exactly one value, got {}", msg.size()));
  auto rtti = msg.type(0);
  for (size_t i = 0; i < entries_.size(); ++i) {
    const auto& e = entries_[i];
    bool same = rtti.first != 0 ? rtti.first == e.rtti.first
                                : e.rtti.first == 0 && *rtti.second == *e.rtti.second;
    if (same) {
      if (auto err = e.encode(msg, out))
        return make_error(errc::wire,
                          fmt::format("cannot encode a '{}': {}", e.name, describe(err)));
      return static_cast<uint16_t>(i);
    }
  }
  return make_error(errc::unknown_type,
                    fmt::format("value of type {} was never announced as a message type",
                                rtti.second != nullptr ? rtti.second->name() : "(builtin)"));
}

bool message_types::decode(uint16_t index, const char* data, size_t size, caf::message& out) const {
  return index < entries_.size() && entries_[index].decode(data, size, out);
}

} // namespace kite
