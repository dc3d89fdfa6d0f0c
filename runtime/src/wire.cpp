#include "kite/runtime/wire.hpp"

#include <cstring>
#include <exception>

#include <caf/binary_serializer.hpp>

#include "bounded_deserializer.hpp"

namespace kite::wire {

namespace {

// Fixed header layout, little-endian:
//   0 magic u16 | 2 version u8 | 3 kind u8 | 4 flags u16 | 6 payload_type u16
//   8 sequence u64 | 16 correlation u64 | 24 epoch u64
//   32 type_len u8 | 33 key_len u8 | 34 reserved u16 | 36 actor type bytes | actor key bytes

template <class T> void put(std::vector<char>& out, T value) {
  for (size_t i = 0; i < sizeof(T); ++i)
    out.push_back(static_cast<char>((value >> (8 * i)) & 0xff));
}

template <class T> T get(const char* data) {
  T value = 0;
  for (size_t i = 0; i < sizeof(T); ++i)
    value |= static_cast<T>(static_cast<unsigned char>(data[i])) << (8 * i);
  return value;
}

} // namespace

const char* to_string(frame_error reason) {
  switch (reason) {
  case frame_error::truncated:
    return "truncated";
  case frame_error::bad_magic:
    return "bad_magic";
  case frame_error::bad_version:
    return "bad_version";
  case frame_error::bad_kind:
    return "bad_kind";
  case frame_error::bad_target:
    return "bad_target";
  case frame_error::bad_parts:
    return "bad_parts";
  case frame_error::oversized:
    return "oversized";
  case frame_error::unknown_type:
    return "unknown_type";
  case frame_error::bad_payload:
    return "bad_payload";
  case frame_error::no_hello:
    return "no_hello";
  }
  return "unknown";
}

void encode(const header& hdr, std::vector<char>& out) {
  out.reserve(out.size() + fixed_header_size + hdr.actor_type.size() + hdr.actor_key.size());
  put<uint16_t>(out, magic);
  put<uint8_t>(out, protocol_version);
  put<uint8_t>(out, static_cast<uint8_t>(hdr.type));
  put<uint16_t>(out, hdr.flags);
  put<uint16_t>(out, hdr.payload_type);
  put<uint64_t>(out, hdr.sequence);
  put<uint64_t>(out, hdr.correlation);
  put<uint64_t>(out, hdr.epoch);
  put<uint8_t>(out, static_cast<uint8_t>(hdr.actor_type.size()));
  put<uint8_t>(out, static_cast<uint8_t>(hdr.actor_key.size()));
  put<uint16_t>(out, 0);
  out.insert(out.end(), hdr.actor_type.begin(), hdr.actor_type.end());
  out.insert(out.end(), hdr.actor_key.begin(), hdr.actor_key.end());
}

bool decode(const char* data, size_t size, header& out, frame_error& reason) {
  if (size < fixed_header_size) {
    reason = frame_error::truncated;
    return false;
  }
  if (get<uint16_t>(data) != magic) {
    reason = frame_error::bad_magic;
    return false;
  }
  if (get<uint8_t>(data + 2) != protocol_version) {
    reason = frame_error::bad_version;
    return false;
  }
  auto type = get<uint8_t>(data + 3);
  if (type < static_cast<uint8_t>(kind::hello) || type > static_cast<uint8_t>(kind::release)) {
    reason = frame_error::bad_kind;
    return false;
  }
  size_t type_size = get<uint8_t>(data + 32);
  size_t key_size = get<uint8_t>(data + 33);
  if (type_size > max_actor_type_size || key_size > max_actor_key_size ||
      get<uint16_t>(data + 34) != 0) {
    reason = frame_error::bad_target;
    return false;
  }
  if (size != fixed_header_size + type_size + key_size) {
    reason = size < fixed_header_size + type_size + key_size ? frame_error::truncated
                                                             : frame_error::oversized;
    return false;
  }
  out.type = static_cast<kind>(type);
  out.flags = get<uint16_t>(data + 4);
  out.payload_type = get<uint16_t>(data + 6);
  out.sequence = get<uint64_t>(data + 8);
  out.correlation = get<uint64_t>(data + 16);
  out.epoch = get<uint64_t>(data + 24);
  out.actor_type.assign(data + fixed_header_size, type_size);
  out.actor_key.assign(data + fixed_header_size + type_size, key_size);
  return true;
}

std::vector<char> encode_hello(const hello& msg) {
  std::vector<char> out;
  caf::binary_serializer sink{static_cast<caf::execution_unit*>(nullptr), out};
  auto copy = msg;
  // Serializing a plain struct into a vector cannot fail.
  static_cast<void>(sink(copy));
  return out;
}

bool decode_hello(const char* data, size_t size, hello& out) {
  detail::bounded_deserializer source{data, size};
  if (source(out) || source.remaining() != 0) return false;
  return out.message_types.size() <= max_hello_types && out.actor_types.size() <= max_hello_types;
}

} // namespace kite::wire
