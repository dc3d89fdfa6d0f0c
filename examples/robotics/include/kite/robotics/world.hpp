// The simulated robot's world: a walled room with box obstacles, made from a seed, and the
// 2D LiDAR that sees it. Deterministic: the same seed and pose give the same scan.
#pragma once

#include <cstdint>
#include <random>
#include <vector>

#include "kite/robotics/geometry.hpp"

namespace kite::robotics {

/// A wall: the segment from a to b.
struct segment {
  point a;
  point b;
};

/// One LiDAR sweep, as ROS's LaserScan: beam i points at angle_min + i * angle_step in the
/// robot's frame; a range of max_range means nothing was hit.
struct lidar_scan {
  double angle_min = -M_PI;
  double angle_step = 2 * M_PI / 360;
  double max_range = 8;
  std::vector<float> ranges;

  /// The hit points in the robot's frame (beams at max range left out).
  points hits() const;
};

struct lidar_settings {
  size_t beams = 360;
  double max_range = 8;
  /// Standard deviation of each range's noise, in metres.
  double noise = 0.01;
};

class world {
public:
  /// A square room `size` metres wide, centred on the origin, with `obstacles` boxes of 0.3 to
  /// 1 m placed from `seed`, none within 1.5 m of the origin (where the robot starts); fewer
  /// when the room is too small for them.
  static world generate(uint64_t seed, double size = 10, int obstacles = 6);

  /// How far the ray from `origin` at `angle` (world frame) runs before it meets a wall;
  /// `max_range` when it meets none that close.
  double cast(const point& origin, double angle, double max_range) const;

  /// A sweep from `at`, with noise drawn from `random`.
  lidar_scan sense(const pose& at, const lidar_settings& settings, std::mt19937_64& random) const;

  /// This world with a box of half-width `half` around `centre` added: someone who steps in.
  world with_box(const point& centre, double half) const;

  const std::vector<segment>& walls() const { return walls_; }

private:
  std::vector<segment> walls_;
};

} // namespace kite::robotics
