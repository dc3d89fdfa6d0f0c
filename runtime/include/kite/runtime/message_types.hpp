// The message types a node can put on the wire, by announced name: one inspect() per type
// serves local messaging and the wire.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <typeinfo>
#include <vector>

#include <caf/deserializer.hpp>
#include <caf/expected.hpp>
#include <caf/make_message.hpp>
#include <caf/message.hpp>
#include <caf/rtti_pair.hpp>
#include <caf/serializer.hpp>

#include "kite/runtime/error.hpp"

namespace kite {

namespace detail {

/// Decodes a payload into `x`, bounding sizes; false on malformed or trailing bytes.
template <class T> bool decode_payload(const char* data, size_t size, T& x);

/// Runs `write` on a serializer that refuses values the wire cannot carry.
caf::error encode_with_checks(std::vector<char>& out,
                              const std::function<caf::error(caf::serializer&)>& write);

} // namespace detail

/// Maps announced type names to encoders and decoders of single-value payloads.
class message_types {
public:
  using encoder = std::function<caf::error(const caf::message&, std::vector<char>&)>;
  using decoder = std::function<bool(const char*, size_t, caf::message&)>;

  /// Registers the wire codec of `T` under `name`; names must be unique.
  template <class T> void add(const std::string& name) {
    entry e;
    e.name = name;
    e.rtti = caf::make_rtti_pair<T>();
    e.encode = [](const caf::message& msg, std::vector<char>& out) {
      // Serialized in place: CAF 0.17's inspect() takes the value non-const, but saving only
      // reads it (a save_callback may fill fields kept for the encoding, as robotics.mapper's
      // does). A copy here was most of the edge's memmove under perf at 64 KiB.
      auto& value = const_cast<T&>(msg.get_as<T>(0));
      return detail::encode_with_checks(out,
                                        [&value](caf::serializer& sink) { return sink(value); });
    };
    e.decode = [](const char* data, size_t size, caf::message& out) {
      T value{};
      if (!detail::decode_payload(data, size, value)) return false;
      out = caf::make_message(std::move(value));
      return true;
    };
    insert(std::move(e));
  }

  /// Names in announcement order; a name's position is its index on the wire.
  std::vector<std::string> names() const;

  /// Returns the index of `name`, or -1.
  int find(const std::string& name) const;

  /// The announced name of a one-value message's type; empty when it has none.
  std::string name_of(const caf::message& msg) const;

  /// The announced name of type `rtti`; empty when it has none.
  std::string name_of(const std::type_info& rtti) const;

  /// Encodes a one-value message; fails when its type was never announced.
  caf::expected<uint16_t> encode(const caf::message& msg, std::vector<char>& out) const;

  /// Decodes a payload of the type at `index`.
  bool decode(uint16_t index, const char* data, size_t size, caf::message& out) const;

  size_t size() const { return entries_.size(); }

private:
  struct entry {
    std::string name;
    caf::rtti_pair rtti;
    encoder encode;
    decoder decode;
  };

  void insert(entry e);

  /// The entry of a one-value message's type, or nullptr.
  const entry* entry_of(const caf::message& msg) const;

  std::vector<entry> entries_;
};

namespace detail {

class bounded_deserializer;

/// Type-erased call into the bounded deserializer, so this header stays light.
bool decode_with_bounds(const char* data, size_t size,
                        const std::function<caf::error(caf::deserializer&)>& read);

template <class T> bool decode_payload(const char* data, size_t size, T& x) {
  return decode_with_bounds(data, size, [&x](caf::deserializer& source) { return source(x); });
}

} // namespace detail

} // namespace kite
