#include "kite/cloud/move_gate.hpp"

#include <catch2/catch.hpp>

using namespace std::chrono_literals;
using kite::hysteresis_config;
using kite::cloud::move_gate;

namespace {

/// A 2 ms / 20% gain held for 1 s moves, at most 2 moves per second.
hysteresis_config config() {
  hysteresis_config out;
  out.min_gain_s = 0.002;
  out.min_gain_ratio = 0.2;
  out.sustain = 1000ms;
  out.max_moves_per_s = 2;
  return out;
}

} // namespace

TEST_CASE("move gate: a gain below the threshold never moves an actor") {
  move_gate gate{config()};
  auto t = move_gate::clock_type::now();
  // 10% better: under the 20% asked for, however long it lasts.
  for (int s = 0; s < 10; ++s)
    CHECK_FALSE(gate.should_move("a", 0.050, 0.045, false, t + std::chrono::seconds(s)));
}

TEST_CASE("move gate: a large enough gain moves once it has lasted the sustain window") {
  move_gate gate{config()};
  auto t = move_gate::clock_type::now();
  CHECK_FALSE(gate.should_move("a", 0.050, 0.020, false, t));
  CHECK_FALSE(gate.should_move("a", 0.050, 0.020, false, t + 999ms));
  CHECK(gate.should_move("a", 0.050, 0.020, false, t + 1000ms));
  // A break in the streak starts it over.
  CHECK_FALSE(gate.should_move("b", 0.050, 0.020, false, t));
  CHECK_FALSE(gate.should_move("b", 0.050, 0.049, false, t + 500ms));
  CHECK_FALSE(gate.should_move("b", 0.050, 0.020, false, t + 1200ms));
  CHECK(gate.should_move("b", 0.050, 0.020, false, t + 2200ms));
}

TEST_CASE("move gate: moves of all actors together are capped per second") {
  move_gate gate{config()};
  auto t = move_gate::clock_type::now();
  for (auto id : {"a", "b", "c"})
    CHECK_FALSE(gate.should_move(id, 0.050, 0.020, false, t));
  auto later = t + 1000ms;
  CHECK(gate.should_move("a", 0.050, 0.020, false, later));
  CHECK(gate.should_move("b", 0.050, 0.020, false, later));
  CHECK_FALSE(gate.should_move("c", 0.050, 0.020, false, later)); // the third waits for budget
  CHECK(gate.should_move("c", 0.050, 0.020, false, later + 500ms));
}

TEST_CASE("move gate: an actor on an overloaded host moves at once, within the budget") {
  move_gate gate{config()};
  auto t = move_gate::clock_type::now();
  CHECK(gate.should_move("a", 0.500, 0.020, true, t));
  CHECK(gate.should_move("b", 0.500, 0.020, true, t));
  CHECK_FALSE(gate.should_move("c", 0.500, 0.020, true, t)); // the budget still holds
  // Overloaded or not, a gain under the threshold is no reason to move.
  CHECK_FALSE(gate.should_move("d", 0.500, 0.450, true, t + 1000ms));
}
