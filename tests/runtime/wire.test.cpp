#include "kite/runtime/wire.hpp"

#include <catch2/catch.hpp>

using namespace kite::wire;

namespace {

std::vector<char> encoded(const header& hdr) {
  std::vector<char> out;
  encode(hdr, out);
  return out;
}

bool rejects(const std::vector<char>& bytes, frame_error expected) {
  header out;
  frame_error reason{};
  return !decode(bytes.data(), bytes.size(), out, reason) && reason == expected;
}

} // namespace

TEST_CASE("wire: a header round-trips every field") {
  header in;
  in.type = kind::request;
  in.flags = flag_error;
  in.payload_type = 3;
  in.sequence = 0x0102030405060708;
  in.correlation = 0xfffffffffffffffe;
  in.epoch = 0x1122334455667788;
  in.actor_type = "robotics.mapper";
  in.actor_key = "robot-7";
  auto bytes = encoded(in);
  REQUIRE(bytes.size() == fixed_header_size + in.actor_type.size() + in.actor_key.size());
  header out;
  frame_error reason{};
  REQUIRE(decode(bytes.data(), bytes.size(), out, reason));
  CHECK(out.type == in.type);
  CHECK(out.flags == in.flags);
  CHECK(out.payload_type == in.payload_type);
  CHECK(out.sequence == in.sequence);
  CHECK(out.correlation == in.correlation);
  CHECK(out.epoch == in.epoch);
  CHECK(out.actor_type == in.actor_type);
  CHECK(out.actor_key == in.actor_key);
}

TEST_CASE("wire: every malformed header is rejected with its own reason") {
  header hdr;
  hdr.type = kind::request;
  hdr.actor_type = "t";
  hdr.actor_key = "k";
  auto good = encoded(hdr);

  CHECK(rejects({good.begin(), good.begin() + fixed_header_size - 1}, frame_error::truncated));
  auto bad_magic = good;
  bad_magic[0] = 'X';
  CHECK(rejects(bad_magic, frame_error::bad_magic));
  auto bad_version = good;
  bad_version[2] = protocol_version + 1;
  CHECK(rejects(bad_version, frame_error::bad_version));
  auto kind_zero = good;
  kind_zero[3] = 0;
  CHECK(rejects(kind_zero, frame_error::bad_kind));
  auto kind_high = good;
  kind_high[3] = static_cast<char>(static_cast<uint8_t>(kind::release) + 1);
  CHECK(rejects(kind_high, frame_error::bad_kind));
  auto long_type = good;
  long_type[32] = static_cast<char>(max_actor_type_size + 1);
  CHECK(rejects(long_type, frame_error::bad_target));
  auto reserved = good;
  reserved[34] = 1;
  CHECK(rejects(reserved, frame_error::bad_target));
  auto short_target = good;
  short_target.pop_back();
  CHECK(rejects(short_target, frame_error::truncated));
  auto trailing = good;
  trailing.push_back('x');
  CHECK(rejects(trailing, frame_error::oversized));
}

TEST_CASE("wire: a hello round-trips and garbage or truncation is refused") {
  hello in;
  in.node_id = "robot-1";
  in.incarnation = 0xdeadbeefcafe;
  in.down_after_ms = 800;
  in.message_types = {"kite.feature", "kite.summary"};
  in.actor_types = {"kite.summarize"};
  auto bytes = encode_hello(in);
  hello out;
  REQUIRE(decode_hello(bytes.data(), bytes.size(), out));
  CHECK(out.version == protocol_version);
  CHECK(out.node_id == in.node_id);
  CHECK(out.incarnation == in.incarnation);
  CHECK(out.down_after_ms == in.down_after_ms);
  CHECK(out.message_types == in.message_types);
  CHECK(out.actor_types == in.actor_types);

  hello ignored;
  CHECK_FALSE(decode_hello(bytes.data(), bytes.size() - 1, ignored));
  auto trailing = bytes;
  trailing.push_back(0);
  CHECK_FALSE(decode_hello(trailing.data(), trailing.size(), ignored));
  // A list claiming ~4 billion names in a few bytes is refused before anything is allocated.
  std::vector<char> lying{protocol_version, 0};                        // version, empty node id
  lying.insert(lying.end(), 8 + 4, 0);                                 // incarnation, down_after_ms
  lying.insert(lying.end(), {'\xff', '\xff', '\xff', '\xff', '\x0f'}); // list length
  CHECK_FALSE(decode_hello(lying.data(), lying.size(), ignored));
}
