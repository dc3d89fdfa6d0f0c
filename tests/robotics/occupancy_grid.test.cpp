#include "kite/robotics/occupancy_grid.hpp"

#include <catch2/catch.hpp>

using namespace kite::robotics;

TEST_CASE("occupancy grid: after a few sweeps the walls are occupied and the room between free") {
  // Walls at +-4.985 m: inside one 5 cm cell each, whatever the range noise does.
  auto room = world::generate(1, 9.97, 0);
  occupancy_grid map;
  std::mt19937_64 random{4};
  for (int i = 0; i < 3; ++i)
    map.integrate({0, 0, 0}, room.sense({0, 0, 0}, lidar_settings{}, random));
  CHECK(map.at({4.97, 0}) == occupancy_grid::cell::occupied);
  CHECK(map.at({0, -4.97}) == occupancy_grid::cell::occupied);
  CHECK(map.at({2, 0}) == occupancy_grid::cell::free);
  CHECK(map.at({0, -3}) == occupancy_grid::cell::free);
  CHECK(map.at({0, 3}) == occupancy_grid::cell::free);
  CHECK(map.at({5.5, 0}) == occupancy_grid::cell::unknown); // behind the wall
  CHECK(map.at({100, 0}) == occupancy_grid::cell::unknown); // off the map
}

TEST_CASE("occupancy grid: an obstacle that moves away is cleared by later sweeps") {
  auto boxed = world::generate(1, 10, 0);
  occupancy_grid map;
  lidar_scan wall_at_two;
  wall_at_two.ranges.assign(360, 8);
  wall_at_two.ranges[180] = 2; // straight ahead, 2 m
  for (int i = 0; i < 3; ++i)
    map.integrate({0, 0, 0}, wall_at_two);
  CHECK(map.at({2.01, 0}) == occupancy_grid::cell::occupied);
  std::mt19937_64 random{5};
  for (int i = 0; i < 10; ++i)
    map.integrate({0, 0, 0}, boxed.sense({0, 0, 0}, lidar_settings{}, random));
  CHECK(map.at({2.01, 0}) == occupancy_grid::cell::free);
}

TEST_CASE("occupancy grid: probabilities are one half where nothing was seen") {
  occupancy_grid map;
  auto p = map.probabilities();
  REQUIRE(p.size() == map.settings().width * map.settings().height);
  CHECK(p.front() == Approx(0.5));
}
