#include "kite/robotics/scan_matcher.hpp"

#include <catch2/catch.hpp>

#include "kite/robotics/robot.hpp"

using namespace kite::robotics;

TEST_CASE(
    "scan matcher: over half a minute of wandering, the corrected pose ends closer to the truth "
    "than odometry alone") {
  auto room = world::generate(5);
  robot bot{room, robot_settings{}, 11};
  scan_matcher matcher;
  std::mt19937_64 lidar_noise{12};
  pose corrected;
  double worst_corrected = 0;
  double worst_odometry = 0;
  for (int tick = 1; tick <= 1500; ++tick) { // 30 s at 50 Hz; a scan every 5th step (10 Hz)
    bot.step(0.02);
    if (tick % 5 != 0) continue;
    corrected = matcher.add(bot.odometry(), room.sense(bot.truth(), lidar_settings{}, lidar_noise));
    const auto& truth = bot.truth();
    worst_corrected =
        std::max(worst_corrected, std::hypot(corrected.x - truth.x, corrected.y - truth.y));
    worst_odometry = std::max(worst_odometry,
                              std::hypot(bot.odometry().x - truth.x, bot.odometry().y - truth.y));
  }
  INFO("worst error: corrected " << worst_corrected << " m, odometry " << worst_odometry << " m");
  CHECK(worst_odometry > 0.1);
  CHECK(worst_corrected < worst_odometry / 3);
  CHECK(matcher.matched() > matcher.scans() * 9 / 10);
  CHECK(matcher.map_size() < 20000); // bounded by the room, not by the minute
}
