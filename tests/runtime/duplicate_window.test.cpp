#include "duplicate_window.hpp"

#include <catch2/catch.hpp>

using kite::detail::delivery;
using kite::detail::duplicate_window;
using namespace std::chrono_literals;

namespace {

const auto t0 = duplicate_window::clock_type::time_point{} + 1h;
const std::vector<char> header{'h'};
const std::vector<char> payload{'p', 'q'};

} // namespace

TEST_CASE("duplicate window: a resend before the answer is dropped, after it gets the answer") {
  duplicate_window window{10s, 100, 1024};
  CHECK(window.admit(1, 7, t0) == delivery::fresh);
  CHECK(window.admit(1, 7, t0 + 1s) == delivery::in_flight);
  window.answered(1, 7, header, payload);
  CHECK(window.admit(1, 7, t0 + 2s) == delivery::answered);
  REQUIRE(window.answer(1, 7) != nullptr);
  CHECK(window.answer(1, 7)->payload == payload);
}

TEST_CASE("duplicate window: peers and sequences are told apart") {
  duplicate_window window{10s, 100, 1024};
  CHECK(window.admit(1, 7, t0) == delivery::fresh);
  CHECK(window.admit(2, 7, t0) == delivery::fresh);
  CHECK(window.admit(1, 8, t0) == delivery::fresh);
  CHECK(window.size() == 3);
}

TEST_CASE("duplicate window: a request older than the span is handled again") {
  duplicate_window window{10s, 100, 1024};
  window.admit(1, 7, t0);
  window.answered(1, 7, header, payload);
  CHECK(window.admit(1, 8, t0 + 10s) == delivery::fresh);
  CHECK(window.admit(1, 7, t0 + 11s) == delivery::fresh);
  CHECK(window.answer_bytes() == 0);
}

TEST_CASE("duplicate window: beyond max_requests the oldest go first") {
  duplicate_window window{10s, 2, 1024};
  window.admit(1, 1, t0);
  window.admit(1, 2, t0 + 1ms);
  window.admit(1, 3, t0 + 2ms);
  CHECK(window.size() == 2);
  CHECK(window.admit(1, 3, t0 + 3ms) == delivery::in_flight);
  CHECK(window.admit(1, 1, t0 + 4ms) == delivery::fresh);
}

TEST_CASE("duplicate window: answers over the byte budget count as answered but are not kept") {
  duplicate_window window{10s, 100, 4};
  window.admit(1, 1, t0);
  window.admit(1, 2, t0);
  window.answered(1, 1, header, payload); // 3 bytes: kept
  window.answered(1, 2, header, payload); // 3 more: over the budget
  CHECK(window.answer(1, 1) != nullptr);
  CHECK(window.admit(1, 2, t0 + 1s) == delivery::answered);
  CHECK(window.answer(1, 2) == nullptr);
  CHECK(window.answer_bytes() == 3);
}

TEST_CASE("duplicate window: a forgotten request is handled again, its old arrival ignored") {
  duplicate_window window{10s, 100, 1024};
  window.admit(1, 7, t0);
  window.forget(1, 7);
  CHECK(window.admit(1, 7, t0 + 9s) == delivery::fresh);
  // The first arrival's expiry does not remove the second copy.
  CHECK(window.admit(1, 8, t0 + 11s) == delivery::fresh);
  CHECK(window.admit(1, 7, t0 + 12s) == delivery::in_flight);
}
