#include "kite/runtime/upload_window.hpp"

#include <catch2/catch.hpp>

using kite::upload_window;

namespace {

constexpr uint64_t span = upload_window::span;

} // namespace

TEST_CASE("upload window takes a sequence number the first time and refuses it after") {
  upload_window window;
  CHECK(window.first_time(1));
  CHECK_FALSE(window.first_time(1));
  CHECK(window.first_time(2));
  CHECK_FALSE(window.first_time(2));
  CHECK_FALSE(window.first_time(1));
}

TEST_CASE("upload window takes numbers out of order within the window, each once") {
  upload_window window;
  CHECK(window.first_time(span + 100));
  CHECK(window.first_time(span + 50));
  CHECK(window.first_time(span + 99));
  CHECK_FALSE(window.first_time(span + 50));
  CHECK_FALSE(window.first_time(span + 99));
  CHECK_FALSE(window.first_time(span + 100));
  CHECK(window.first_time(101)); // the oldest the window still holds
  CHECK_FALSE(window.first_time(101));
}

TEST_CASE("upload window refuses a number as far behind the newest as the span, or further") {
  upload_window window;
  CHECK(window.first_time(span + 10));
  CHECK_FALSE(window.first_time(10));
  CHECK_FALSE(window.first_time(9));
  CHECK(window.first_time(11));
}

TEST_CASE("upload window forgets everything when the stream jumps ahead by the span or more") {
  upload_window window;
  CHECK(window.first_time(5));
  CHECK(window.first_time(10));
  CHECK(window.first_time(10 + span)); // shares its slot with 10
  // 5 + span shares its slot with 5, but is new, and inside the window.
  CHECK(window.first_time(5 + span));
  CHECK_FALSE(window.first_time(5 + span));
  CHECK_FALSE(window.first_time(10 + span));
  CHECK(window.first_time(3 * span));
  CHECK(window.first_time(3 * span - 1));
  CHECK_FALSE(window.first_time(10 + span)); // now too old
}

TEST_CASE(
    "upload window frees the slots of numbers it moves past, and keeps those it still holds") {
  upload_window window;
  for (uint64_t n = 1; n <= 10; ++n)
    REQUIRE(window.first_time(n));
  CHECK(window.first_time(span + 4)); // 5..10 still inside, 1..4 fell out
  CHECK_FALSE(window.first_time(5));
  CHECK_FALSE(window.first_time(10));
  CHECK_FALSE(window.first_time(4));
  CHECK(window.first_time(span + 1)); // its slot was 1's
  CHECK(window.first_time(span + 3));
  CHECK_FALSE(window.first_time(span + 1));
}

TEST_CASE("upload window refuses sequence 0: numbers start at 1") {
  upload_window window;
  CHECK_FALSE(window.first_time(0));
  CHECK(window.first_time(1));
  CHECK_FALSE(window.first_time(0));
}
