#include "kite/actors/sample_codec.hpp"

#include <limits>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "../runtime/temp_dir.hpp"
#include "kite/runtime/error.hpp"

using namespace kite::actors;
using format = kite::replay_config::format;

namespace {

/// The next sample, which must be there.
recorded_sample next_sample(sample_reader& reader) {
  auto next = reader.next();
  REQUIRE(next);
  REQUIRE(*next);
  return std::move(**next);
}

/// The next sample must be a malformed one; the error's text.
std::string next_error(sample_reader& reader) {
  auto next = reader.next();
  REQUIRE_FALSE(next);
  CHECK(kite::matches(next.error(), kite::errc::io));
  return kite::describe(next.error());
}

/// The reader must be at the end.
bool at_end(sample_reader& reader) {
  auto next = reader.next();
  return next && !*next;
}

std::string binary_recording(const std::vector<recorded_sample>& samples) {
  std::string out{binary_recording_magic};
  for (const auto& s : samples)
    out += encode_binary_sample(s);
  return out;
}

using floats = std::vector<float>;

} // namespace

TEST_CASE("sample codec parses comma-separated finite numbers") {
  std::vector<float> values;
  REQUIRE(parse_values("1,2.5,-3", values));
  CHECK(values == floats{1, 2.5f, -3});
  REQUIRE(parse_values("42\n", values));
  CHECK(values == floats{42});
}

TEST_CASE("sample codec rejects empty fields, words and numbers that are not finite") {
  std::vector<float> values;
  for (auto text : {"", "1,,2", "1,x", "nan", "inf", "-inf", "1,nan", "1e50", "1,", ",1", "1 2"})
    CHECK_FALSE(parse_values(text, values));
}

TEST_CASE("sample codec reads CSV samples with timestamps, skipping blank and comment lines") {
  kite::test::temp_dir dir;
  auto path = dir.write("imu.csv", "# recorded on robot-7\n"
                                   "1000,1,2.5\n"
                                   "\n"
                                   "   \n"
                                   "  # channels: x\n"
                                   "2000,-3\n");
  auto reader = sample_reader::open(path, format::csv);
  REQUIRE(reader);
  auto first = next_sample(*reader);
  CHECK(first.timestamp_ns == 1000);
  CHECK(first.values == floats{1, 2.5f});
  auto second = next_sample(*reader);
  CHECK(second.timestamp_ns == 2000);
  CHECK(second.values == floats{-3});
  CHECK(at_end(*reader));
  CHECK(at_end(*reader));
}

TEST_CASE("sample codec names a malformed CSV line by file and line, then reads on") {
  kite::test::temp_dir dir;
  auto path = dir.write("imu.csv", "1000,1\n"
                                   "# a comment\n"
                                   "2000,1,x\n"
                                   "soon,4\n"
                                   "3000\n"
                                   "4000,4\n");
  auto reader = sample_reader::open(path, format::csv);
  REQUIRE(reader);
  CHECK(next_sample(*reader).timestamp_ns == 1000);
  auto bad_value = next_error(*reader);
  CHECK_THAT(bad_value, Catch::Contains(path + ":3: expected timestamp_ns,value,value,... got "
                                               "'2000,1,x'"));
  auto bad_timestamp = next_error(*reader);
  CHECK_THAT(bad_timestamp, Catch::Contains(path + ":4: "));
  auto no_values = next_error(*reader);
  CHECK_THAT(no_values, Catch::Contains(path + ":5: "));
  auto last = next_sample(*reader);
  CHECK(last.timestamp_ns == 4000);
  CHECK(last.values == floats{4});
  CHECK(at_end(*reader));
}

TEST_CASE("sample codec rewinds a CSV recording to its first sample") {
  kite::test::temp_dir dir;
  auto path = dir.write("imu.csv", "# header\n1000,1\n2000,2\n");
  auto reader = sample_reader::open(path, format::csv);
  REQUIRE(reader);
  next_sample(*reader);
  next_sample(*reader);
  REQUIRE(at_end(*reader));
  reader->rewind();
  CHECK(next_sample(*reader).timestamp_ns == 1000);
  CHECK(next_sample(*reader).timestamp_ns == 2000);
  CHECK(at_end(*reader));
}

TEST_CASE("sample codec reads back binary samples as encoded, and rewinds") {
  kite::test::temp_dir dir;
  std::vector<recorded_sample> samples{
      {-5, {1.5f, -2, 1e-30f}}, {1'700'000'000'000'000'000, {}}, {7, {3}}};
  auto path = dir.write("imu.rec", binary_recording(samples));
  auto reader = sample_reader::open(path, format::binary);
  REQUIRE(reader);
  for (int round = 0; round < 2; ++round) {
    for (const auto& expected : samples) {
      auto read = next_sample(*reader);
      CHECK(read.timestamp_ns == expected.timestamp_ns);
      CHECK(read.values == expected.values);
    }
    CHECK(at_end(*reader));
    reader->rewind();
  }
}

TEST_CASE("sample codec encodes a binary sample little-endian: timestamp, count, values") {
  auto bytes = encode_binary_sample({0x0102030405060708, {1.0f}});
  CHECK(bytes == std::string{"\x08\x07\x06\x05\x04\x03\x02\x01"
                             "\x01\x00\x00\x00"
                             "\x00\x00\x80\x3f",
                             16});
}

TEST_CASE("sample codec refuses to open a binary recording without the magic") {
  kite::test::temp_dir dir;
  auto wrong = dir.write("wrong.rec", "KITESMP0" + encode_binary_sample({1, {1}}));
  auto opened = sample_reader::open(wrong, format::binary);
  REQUIRE_FALSE(opened);
  CHECK(kite::matches(opened.error(), kite::errc::io));
  CHECK_THAT(kite::describe(opened.error()),
             Catch::Contains(wrong + ": not a binary recording: it does not start with KITESMP1"));
  auto empty = dir.write("empty.rec", "");
  CHECK_FALSE(sample_reader::open(empty, format::binary));
  auto missing = sample_reader::open(dir.path() + "/none.rec", format::binary);
  REQUIRE_FALSE(missing);
  CHECK_THAT(kite::describe(missing.error()), Catch::Contains("none.rec: cannot open"));
}

TEST_CASE("sample codec names the byte offset of a truncated binary sample, then stops") {
  kite::test::temp_dir dir;
  auto whole = binary_recording({{1, {1, 2}}, {2, {3, 4}}});
  auto second_at = binary_recording_magic.size() + encode_binary_sample({1, {1, 2}}).size();
  auto path = dir.write("cut.rec", whole.substr(0, whole.size() - 2));
  auto reader = sample_reader::open(path, format::binary);
  REQUIRE(reader);
  CHECK(next_sample(*reader).values == floats{1, 2});
  auto error = next_error(*reader);
  CHECK_THAT(error,
             Catch::Contains(path + ": byte " + std::to_string(second_at) + ": the file ends"));
  CHECK(at_end(*reader)); // the framing is lost: nothing after is read
}

TEST_CASE("sample codec names the byte offset of a binary sample cut inside its timestamp") {
  kite::test::temp_dir dir;
  auto whole = binary_recording({{1, {1, 2}}, {2, {3, 4}}});
  auto second_at = binary_recording_magic.size() + encode_binary_sample({1, {1, 2}}).size();
  auto path = dir.write("cut.rec", whole.substr(0, second_at + 3));
  auto reader = sample_reader::open(path, format::binary);
  REQUIRE(reader);
  CHECK(next_sample(*reader).values == floats{1, 2});
  auto error = next_error(*reader);
  CHECK_THAT(error, Catch::Contains(path + ": byte " + std::to_string(second_at) + ":"));
}

TEST_CASE("sample codec rejects a binary sample holding a value that is not a finite number") {
  kite::test::temp_dir dir;
  auto nan = std::numeric_limits<float>::quiet_NaN();
  auto first_size = encode_binary_sample({1, {1}}).size();
  auto path = dir.write("nan.rec", binary_recording({{1, {1}}, {2, {0, nan}}, {3, {3}}}));
  auto reader = sample_reader::open(path, format::binary);
  REQUIRE(reader);
  CHECK(next_sample(*reader).timestamp_ns == 1);
  auto error = next_error(*reader);
  CHECK_THAT(error, Catch::Contains(path + ": byte " +
                                    std::to_string(binary_recording_magic.size() + first_size) +
                                    ": a sample holds a value that is not a finite number"));
  CHECK(at_end(*reader));
  reader->rewind();
  CHECK(next_sample(*reader).timestamp_ns == 1);
}
