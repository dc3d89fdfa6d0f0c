// The frame envelope between nodes: a small fixed, versioned header, then one payload part.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <caf/meta/type_name.hpp>

namespace kite::wire {

constexpr uint16_t magic = 0x4b54; // "KT"
constexpr uint8_t protocol_version = 3;

/// Bytes of the header before its variable target part.
constexpr size_t fixed_header_size = 36;
constexpr size_t max_actor_type_size = 64;
constexpr size_t max_actor_key_size = 128;
constexpr size_t max_header_size = fixed_header_size + max_actor_type_size + max_actor_key_size;
/// A hello names at most this many message and actor types.
constexpr size_t max_hello_types = 4096;
/// Marks a frame whose payload carries no typed value.
constexpr uint16_t no_payload_type = 0xffff;

/// What a frame is for.
enum class kind : uint8_t {
  hello = 1,
  hello_ack = 2,
  request = 3,
  response = 4,
  heartbeat = 5,
  heartbeat_ack = 6,
  reject = 7,
  /// The state of a logical actor: a worker's snapshot to its peer, or that snapshot sent back
  /// to the actor's next worker before its first request there.
  snapshot = 8,
  /// Client to server: snapshot the logical actor at the header's epoch, answer with its state
  /// as the response to the header's sequence, then end it (the actor moves elsewhere).
  release = 9,
};

/// Header flags.
enum flag : uint16_t {
  /// The payload is a UTF-8 error text instead of a typed value.
  flag_error = 1,
  /// With flag_error: the worker refused the request because its epoch is fenced off.
  flag_fenced = 2,
};

/// Why a frame was rejected; each reason has its own counter.
enum class frame_error : uint8_t {
  truncated,
  bad_magic,
  bad_version,
  bad_kind,
  bad_target,
  bad_parts,
  oversized,
  unknown_type,
  bad_payload,
  no_hello,
};
constexpr size_t frame_error_count = 10;

/// Returns the counter label of a frame error.
const char* to_string(frame_error reason);

/// The decoded fixed header plus its target logical actor.
struct header {
  kind type = kind::heartbeat;
  uint16_t flags = 0;
  /// Index into the sender's hello list of message types, or no_payload_type.
  uint16_t payload_type = no_payload_type;
  /// Request sequence number; responses echo it.
  uint64_t sequence = 0;
  /// Caller-chosen correlation: heartbeats carry their send time in nanoseconds.
  uint64_t correlation = 0;
  /// Requests: the placement epoch of the target at the sender; responses echo it.
  uint64_t epoch = 0;
  std::string actor_type;
  std::string actor_key;
};

/// Appends the encoded header to `out`; the target must fit the limits above.
void encode(const header& hdr, std::vector<char>& out);

/// Decodes a header part; on failure returns false and sets `reason`.
bool decode(const char* data, size_t size, header& out, frame_error& reason);

/// The payload of hello and hello_ack: who the node is and what it can speak.
struct hello {
  uint8_t version = protocol_version;
  std::string node_id;
  /// Random per process start: a restarted node is a new peer with fresh epochs.
  uint64_t incarnation = 0;
  /// The sender declares its peer down after this much silence.
  uint32_t down_after_ms = 0;
  std::vector<std::string> message_types;
  std::vector<std::string> actor_types;
};

template <class Inspector> typename Inspector::result_type inspect(Inspector& f, hello& x) {
  return f(caf::meta::type_name("kite.hello"), x.version, x.node_id, x.incarnation, x.down_after_ms,
           x.message_types, x.actor_types);
}

/// Serializes a hello payload.
std::vector<char> encode_hello(const hello& msg);

/// Decodes a hello payload, bounding every size; on failure returns false.
bool decode_hello(const char* data, size_t size, hello& out);

} // namespace kite::wire
