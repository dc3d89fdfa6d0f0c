#include "duplicate_window.hpp"

#include <catch2/catch.hpp>

using kite::detail::delivery;
using kite::detail::duplicate_window;
using namespace std::chrono_literals;

namespace {

const auto t0 = duplicate_window::clock_type::time_point{} + 1h;
const std::vector<char> header{'h'};
const std::vector<char> payload{'p', 'q'};

/// Answers request `sequence` of peer 1 with a 3-byte frame.
void answer(duplicate_window& window, uint64_t sequence) {
  window.answered(1, sequence, 1, std::vector<char>{header}, std::vector<char>{payload});
}

} // namespace

TEST_CASE("duplicate window: a resend before the answer is dropped, after it gets the answer") {
  duplicate_window window{10s, 100, 1024};
  CHECK(window.admit(1, 7, 1, t0) == delivery::fresh);
  CHECK(window.admit(1, 7, 1, t0 + 1s) == delivery::in_flight);
  answer(window, 7);
  CHECK(window.admit(1, 7, 1, t0 + 2s) == delivery::answered);
  REQUIRE(window.answer(1, 7) != nullptr);
  CHECK(window.answer(1, 7)->payload == payload);
}

TEST_CASE("duplicate window: peers and sequences are told apart") {
  duplicate_window window{10s, 100, 1024};
  CHECK(window.admit(1, 7, 1, t0) == delivery::fresh);
  CHECK(window.admit(2, 7, 1, t0) == delivery::fresh);
  CHECK(window.admit(1, 8, 1, t0) == delivery::fresh);
  CHECK(window.size() == 3);
}

TEST_CASE("duplicate window: a request older than the span is handled again") {
  duplicate_window window{10s, 100, 1024};
  window.admit(1, 7, 1, t0);
  answer(window, 7);
  CHECK(window.admit(1, 8, 1, t0 + 10s) == delivery::fresh);
  CHECK(window.admit(1, 7, 1, t0 + 11s) == delivery::fresh);
  CHECK(window.answer_bytes() == 0);
}

TEST_CASE("duplicate window: beyond max_requests the oldest go first") {
  duplicate_window window{10s, 2, 1024};
  window.admit(1, 1, 1, t0);
  window.admit(1, 2, 1, t0 + 1ms);
  window.admit(1, 3, 1, t0 + 2ms);
  CHECK(window.size() == 2);
  CHECK(window.admit(1, 3, 1, t0 + 3ms) == delivery::in_flight);
  CHECK(window.admit(1, 1, 1, t0 + 4ms) == delivery::fresh);
}

TEST_CASE("duplicate window: answers over the byte budget count as answered but are not kept") {
  duplicate_window window{10s, 100, 4};
  window.admit(1, 1, 1, t0);
  window.admit(1, 2, 1, t0);
  answer(window, 1); // 3 bytes: kept
  answer(window, 2); // 3 more: over the budget
  CHECK(window.answer(1, 1) != nullptr);
  CHECK(window.admit(1, 2, 1, t0 + 1s) == delivery::answered);
  CHECK(window.answer(1, 2) == nullptr);
  CHECK(window.answer_bytes() == 3);
}

TEST_CASE("duplicate window: a forgotten request is handled again, its old arrival ignored") {
  duplicate_window window{10s, 100, 1024};
  window.admit(1, 7, 1, t0);
  window.forget(1, 7, 1);
  CHECK(window.admit(1, 7, 1, t0 + 9s) == delivery::fresh);
  // The first arrival's expiry does not remove the second copy.
  CHECK(window.admit(1, 8, 1, t0 + 11s) == delivery::fresh);
  CHECK(window.admit(1, 7, 1, t0 + 12s) == delivery::in_flight);
}

TEST_CASE(
    "duplicate window: a copy placed at a newer epoch is handled, the old copy's answer dropped") {
  duplicate_window window{10s, 100, 1024};
  CHECK(window.admit(1, 7, 1, t0) == delivery::fresh);
  CHECK(window.admit(1, 7, 2, t0 + 1s) == delivery::fresh);
  // The first copy's answer (from the instance the move replaced) does not count.
  window.answered(1, 7, 1, std::vector<char>{header}, std::vector<char>{payload});
  CHECK(window.admit(1, 7, 2, t0 + 2s) == delivery::in_flight);
  window.forget(1, 7, 1);
  CHECK(window.admit(1, 7, 2, t0 + 3s) == delivery::in_flight);
  window.answered(1, 7, 2, std::vector<char>{header}, std::vector<char>{payload});
  CHECK(window.admit(1, 7, 1, t0 + 4s) == delivery::answered);
}
