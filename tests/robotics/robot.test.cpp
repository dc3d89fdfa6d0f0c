#include "kite/robotics/robot.hpp"

#include <catch2/catch.hpp>

using namespace kite::robotics;

namespace {

double distance(const pose& a, const pose& b) {
  return std::hypot(a.x - b.x, a.y - b.y);
}

} // namespace

TEST_CASE("robot: it wanders its room for a minute without passing through a wall") {
  auto room = world::generate(2);
  robot bot{room, robot_settings{}, 9};
  double travelled = 0;
  for (int i = 0; i < 3000; ++i) { // 60 s at 50 Hz
    point before{bot.truth().x, bot.truth().y};
    travelled += bot.step(0.02).distance;
    point after{bot.truth().x, bot.truth().y};
    // No wall lies across the step it took.
    auto length = (after - before).norm();
    if (length > 0) {
      auto heading = std::atan2(after.y() - before.y(), after.x() - before.x());
      REQUIRE(room.cast(before, heading, length) == length);
    }
  }
  CHECK(travelled > 5);
}

TEST_CASE("robot: odometry drifts from the truth, more the farther it goes, and the same seed "
          "drifts the same way") {
  auto room = world::generate(2);
  robot a{room, robot_settings{}, 9};
  robot b{room, robot_settings{}, 9};
  double early = 0;
  for (int i = 0; i < 3000; ++i) {
    a.step(0.02);
    b.step(0.02);
    if (i == 250) early = distance(a.truth(), a.odometry());
  }
  double late = distance(a.truth(), a.odometry());
  CHECK(late > early);
  CHECK(late > 0.1);
  CHECK(a.odometry().x == b.odometry().x);
  CHECK(a.truth().theta == b.truth().theta);
}

TEST_CASE("robot: an odometry step moves a pose along its mean heading") {
  auto p = advance({0, 0, 0}, {1, M_PI / 2});
  CHECK(p.x == Approx(std::cos(M_PI / 4)));
  CHECK(p.y == Approx(std::sin(M_PI / 4)));
  CHECK(p.theta == Approx(M_PI / 2));
}
