#include "kite/robotics/robot.hpp"

namespace kite::robotics {

pose advance(const pose& p, const odometry_step& step) {
  double heading = p.theta + step.turn / 2;
  return {p.x + step.distance * std::cos(heading), p.y + step.distance * std::sin(heading),
          wrap_angle(p.theta + step.turn)};
}

robot::robot(const world& room, robot_settings settings, uint64_t seed, pose start)
    : room_(room), settings_(settings), random_(seed), truth_(start), odometry_(start) {}

odometry_step robot::step(double dt, bool halted) {
  // Steering: straight on while clear; else turn in place, the same way until clear again.
  double ahead = room_.cast({truth_.x, truth_.y}, truth_.theta, settings_.avoid_within * 2);
  if (ahead > settings_.avoid_within) {
    turning_ = 0;
  } else if (turning_ == 0) {
    double left = room_.cast({truth_.x, truth_.y}, truth_.theta + M_PI / 2, 8);
    double right = room_.cast({truth_.x, truth_.y}, truth_.theta - M_PI / 2, 8);
    turning_ = left >= right ? 1 : -1;
  }
  double forward = halted || turning_ != 0 ? 0 : settings_.cruise_speed;
  double yaw_rate = halted ? 0 : turning_ * settings_.turn_rate;
  // The wheels' true travel, from the commanded motion.
  double left_true = (forward - yaw_rate * settings_.wheel_base / 2) * dt;
  double right_true = (forward + yaw_rate * settings_.wheel_base / 2) * dt;
  odometry_step moved{(left_true + right_true) / 2,
                      (right_true - left_true) / settings_.wheel_base};
  truth_ = advance(truth_, moved);
  // What the encoders count: slip per wheel, and a left wheel slightly bigger than thought.
  std::normal_distribution<double> slip{0, settings_.wheel_slip};
  double left_seen = left_true * (1 + slip(random_)) / (1 + settings_.wheel_bias);
  double right_seen = right_true * (1 + slip(random_));
  odometry_step measured{(left_seen + right_seen) / 2,
                         (right_seen - left_seen) / settings_.wheel_base};
  odometry_ = advance(odometry_, measured);
  std::normal_distribution<double> gyro{settings_.gyro_bias, settings_.gyro_noise};
  imu_.yaw_rate = moved.turn / dt + gyro(random_);
  imu_.forward_acceleration = (forward - speed_) / dt;
  speed_ = forward;
  return measured;
}

} // namespace kite::robotics
