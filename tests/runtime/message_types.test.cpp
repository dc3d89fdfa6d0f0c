#include "kite/runtime/message_types.hpp"

#include <catch2/catch.hpp>

#include <limits>

#include "kite/actors/messages.hpp"

using kite::actors::blob;
using kite::actors::feature;
using kite::actors::sensor_sample;

namespace {

kite::message_types make_types() {
  kite::message_types types;
  types.add<sensor_sample>("kite.sensor_sample");
  types.add<feature>("kite.feature");
  types.add<blob>("kite.blob");
  return types;
}

} // namespace

TEST_CASE("message types: a value round-trips under its announced index") {
  auto types = make_types();
  std::vector<char> bytes;
  auto index = types.encode(caf::make_message(sensor_sample{9, 100, {1.5f, -2.5f}}), bytes);
  REQUIRE(index);
  CHECK(*index == 0);
  caf::message out;
  REQUIRE(types.decode(*index, bytes.data(), bytes.size(), out));
  REQUIRE(out.match_elements<sensor_sample>());
  const auto& sample = out.get_as<sensor_sample>(0);
  CHECK(sample.sequence == 9);
  CHECK(sample.timestamp_ns == 100);
  CHECK(sample.values == std::vector<float>{1.5f, -2.5f});
  CHECK(types.names() ==
        std::vector<std::string>{"kite.sensor_sample", "kite.feature", "kite.blob"});
  CHECK(types.find("kite.blob") == 2);
  CHECK(types.find("nope") == -1);
}

TEST_CASE("message types: a value of an unannounced type is an error naming the problem") {
  auto types = make_types();
  std::vector<char> bytes;
  auto index = types.encode(caf::make_message(kite::actors::summary{}), bytes);
  REQUIRE_FALSE(index);
  CHECK(kite::describe(index.error()).find("never announced") != std::string::npos);
  auto two = types.encode(caf::make_message(blob{}, blob{}), bytes);
  REQUIRE_FALSE(two);
  CHECK(kite::describe(two.error()).find("exactly one value") != std::string::npos);
}

TEST_CASE("message types: malformed, truncated, trailing and lying payloads are refused") {
  auto types = make_types();
  std::vector<char> bytes;
  REQUIRE(types.encode(caf::make_message(blob{"hello"}), bytes));
  caf::message out;
  CHECK_FALSE(types.decode(2, bytes.data(), bytes.size() - 1, out));
  auto trailing = bytes;
  trailing.push_back('!');
  CHECK_FALSE(types.decode(2, trailing.data(), trailing.size(), out));
  CHECK_FALSE(types.decode(3, bytes.data(), bytes.size(), out));
  // A blob whose varbyte length says 2^32-1 bytes follow, with two bytes present.
  std::vector<char> lying{'\xff', '\xff', '\xff', '\xff', '\x0f', 'a', 'b'};
  CHECK_FALSE(types.decode(2, lying.data(), lying.size(), out));
}

TEST_CASE("message types: infinity and NaN are refused both ways instead of hanging CAF") {
  auto types = make_types();
  std::vector<char> bytes;
  feature bad;
  bad.mean = std::numeric_limits<double>::infinity();
  auto index = types.encode(caf::make_message(bad), bytes);
  REQUIRE_FALSE(index);
  CHECK(kite::describe(index.error()).find("infinity or NaN") != std::string::npos);
  bad.mean = std::numeric_limits<double>::quiet_NaN();
  CHECK_FALSE(types.encode(caf::make_message(bad), bytes));

  // A double whose bits say +infinity (big-endian 0x7ff0...), hand-made as a peer could.
  feature good;
  std::vector<char> encoded;
  REQUIRE(types.encode(caf::make_message(good), encoded));
  REQUIRE(encoded.size() == 8 + 8 + 3 * 8);
  const char inf_bits[8] = {'\x7f', '\xf0', 0, 0, 0, 0, 0, 0};
  std::copy(inf_bits, inf_bits + 8, encoded.begin() + 16);
  caf::message out;
  CHECK_FALSE(types.decode(1, encoded.data(), encoded.size(), out));
}
