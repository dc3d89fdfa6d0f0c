#include "kite/robotics/world.hpp"

#include <catch2/catch.hpp>

using namespace kite::robotics;

TEST_CASE("robotics world: the same seed makes the same room, another seed another") {
  auto a = world::generate(7);
  auto b = world::generate(7);
  auto c = world::generate(8);
  REQUIRE(a.walls().size() == 4 + 6 * 4);
  CHECK(a.walls().size() == b.walls().size());
  for (size_t i = 0; i < a.walls().size(); ++i)
    CHECK(a.walls()[i].a == b.walls()[i].a);
  CHECK(a.walls()[4].a != c.walls()[4].a);
}

TEST_CASE("robotics world: a ray meets the nearest wall, or runs to its maximum range") {
  auto room = world::generate(1, 10, 0); // walls at +-5 m, nothing else
  CHECK(room.cast({0, 0}, 0, 8) == Approx(5));
  CHECK(room.cast({1, 0}, M_PI, 8) == Approx(6));
  CHECK(room.cast({0, 0}, M_PI / 4, 20) == Approx(5 * std::sqrt(2.0)));
  CHECK(room.cast({0, 0}, M_PI / 2, 3) == 3); // the wall is beyond the range
}

TEST_CASE("robotics world: a noiseless sweep from the centre of an empty room sees its walls") {
  auto room = world::generate(1, 10, 0);
  std::mt19937_64 random{1};
  lidar_settings lidar;
  lidar.noise = 0;
  auto scan = room.sense({0, 0, 0}, lidar, random);
  REQUIRE(scan.ranges.size() == 360);
  CHECK(scan.ranges[180] == Approx(5));                                // straight ahead: angle 0
  CHECK(scan.ranges[270] == Approx(5));                                // left: angle pi/2
  CHECK(scan.ranges[225] == Approx(5 * std::sqrt(2.0)).epsilon(1e-4)); // a corner
  auto hits = scan.hits();
  REQUIRE(hits.size() == 360);
  for (const auto& h : hits)
    CHECK(std::max(std::abs(h.x()), std::abs(h.y())) == Approx(5).margin(1e-4));
}

TEST_CASE("robotics world: a room too small for its obstacles gets fewer, and is still made") {
  auto tiny = world::generate(1, 3, 6);
  CHECK(tiny.walls().size() == 4); // no obstacle fits 1.5 m from the start inside 3 m
}
