// libFuzzer target for everything a node decodes from a peer: the frame header, the hello
// payload and typed payloads. Input layout: [header length byte][header][payload].
#include <cstddef>
#include <cstdint>
#include <vector>

#include "kite/actors/messages.hpp"
#include "kite/runtime/message_types.hpp"
#include "kite/runtime/wire.hpp"

namespace {

const kite::message_types& payload_types() {
  static const kite::message_types types = [] {
    kite::message_types out;
    out.add<kite::actors::sensor_sample>("kite.sensor_sample");
    out.add<kite::actors::feature>("kite.feature");
    out.add<kite::actors::summary>("kite.summary");
    out.add<kite::actors::blob>("kite.blob");
    return out;
  }();
  return types;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  size_t header_size = data[0];
  if (header_size > size - 1) header_size = size - 1;
  const char* header_bytes = reinterpret_cast<const char*>(data + 1);
  const char* payload = header_bytes + header_size;
  size_t payload_size = size - 1 - header_size;

  kite::wire::header hdr;
  kite::wire::frame_error reason{};
  if (!kite::wire::decode(header_bytes, header_size, hdr, reason)) return 0;
  // Property: a header that decodes re-encodes to exactly the same bytes.
  std::vector<char> again;
  kite::wire::encode(hdr, again);
  if (again != std::vector<char>(header_bytes, header_bytes + header_size)) __builtin_trap();

  switch (hdr.type) {
  case kite::wire::kind::hello:
  case kite::wire::kind::hello_ack: {
    kite::wire::hello hello;
    if (kite::wire::decode_hello(payload, payload_size, hello) &&
        hello.message_types.size() > kite::wire::max_hello_types)
      __builtin_trap();
    break;
  }
  case kite::wire::kind::request:
  case kite::wire::kind::response: {
    // One index past the table too: an index the peer made up must be refused, not used.
    const auto& types = payload_types();
    auto index = static_cast<uint16_t>(hdr.payload_type % (types.size() + 1));
    caf::message msg;
    if (types.decode(index, payload, payload_size, msg)) {
      // Property: what decodes, encodes, and decodes again to a value that encodes the same.
      // (Not byte-equal to the input: a peer may use non-canonical varbyte lengths.)
      std::vector<char> first;
      auto first_index = types.encode(msg, first);
      caf::message again_msg;
      std::vector<char> second;
      if (!first_index || *first_index != index ||
          !types.decode(index, first.data(), first.size(), again_msg) ||
          !types.encode(again_msg, second) || first != second)
        __builtin_trap();
    }
    break;
  }
  default:
    break;
  }
  return 0;
}
