#include "kite/robotics/icp.hpp"

#include <catch2/catch.hpp>

#include "kite/robotics/world.hpp"

using namespace kite::robotics;

namespace {

/// The scan seen from `at`, as points in the robot's frame.
points seen_from(const world& room, const pose& at, double noise, uint64_t seed) {
  std::mt19937_64 random{seed};
  lidar_settings lidar;
  lidar.noise = noise;
  return room.sense(at, lidar, random).hits();
}

} // namespace

TEST_CASE("icp recovers a known rotation and translation of a point set exactly") {
  points reference;
  for (int i = 0; i < 50; ++i)
    reference.emplace_back(std::cos(i * 0.3) * (1 + i * 0.05), std::sin(i * 0.7) * 2);
  pose truth{0.05, -0.03, 0.04};
  auto moved = to_world(truth);
  // The scan is the reference seen from the moved frame: scan = moved^-1(reference).
  points scan;
  for (const auto& p : reference)
    scan.push_back(moved.rotation.transpose() * (p - moved.translation));
  auto result = match_scan(scan, reference, rigid_transform{});
  REQUIRE(result.converged);
  auto found = pose_of(result.transform);
  CHECK(found.x == Approx(truth.x).margin(1e-6));
  CHECK(found.y == Approx(truth.y).margin(1e-6));
  CHECK(found.theta == Approx(truth.theta).margin(1e-6));
  CHECK(result.mean_error < 1e-6);
}

TEST_CASE("icp corrects a drifted odometry guess between two noisy scans of the same room") {
  auto room = world::generate(3);
  pose first{0, 0, 0};
  pose second{0.4, 0.1, 0.15}; // the robot moved
  auto reference = seen_from(room, first, 0.01, 1);
  auto scan = seen_from(room, second, 0.01, 2);
  // Odometry thinks it moved 0.35 m and turned 0.1 rad: off by 5 cm, 5 cm and 0.05 rad.
  auto result = match_scan(scan, reference, to_world({0.35, 0.05, 0.1}));
  REQUIRE(result.converged);
  auto found = pose_of(result.transform);
  CHECK(found.x == Approx(second.x).margin(0.02));
  CHECK(found.y == Approx(second.y).margin(0.02));
  CHECK(found.theta == Approx(second.theta).margin(0.01));
  CHECK(result.mean_error < 0.03);
}

TEST_CASE("icp says it did not converge when the scans share nothing") {
  points scan{{0, 0}, {0.1, 0}, {0.2, 0}};
  points far{{50, 50}, {50.1, 50}};
  auto result = match_scan(scan, far, rigid_transform{});
  CHECK_FALSE(result.converged);
  CHECK(result.pairs == 0);
}
