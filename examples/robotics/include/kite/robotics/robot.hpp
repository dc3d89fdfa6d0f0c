// The simulated differential-drive robot: its true motion through a world, and what its own
// sensors say about that motion: wheel odometry (which slips) and an IMU (which drifts).
// Deterministic from a seed, so a run can be replayed and its errors measured.
#pragma once

#include <cstdint>
#include <random>

#include "kite/robotics/geometry.hpp"
#include "kite/robotics/world.hpp"

namespace kite::robotics {

struct robot_settings {
  /// Distance between the wheels, in metres.
  double wheel_base = 0.3;
  /// Forward speed when the way is clear, in m/s, and turning rate when avoiding, in rad/s.
  double cruise_speed = 0.4;
  double turn_rate = 1.2;
  /// The robot turns away once a wall is this close ahead.
  double avoid_within = 0.8;
  /// Each wheel's travel is off by a normal error of this fraction (slip and tyre wear)...
  double wheel_slip = 0.02;
  /// ...and the left wheel is this fraction bigger than the right: a systematic drift.
  double wheel_bias = 0.01;
  /// The IMU's rate of turn carries this bias (rad/s) and noise (rad/s, per reading).
  double gyro_bias = 0.002;
  double gyro_noise = 0.01;
};

/// One IMU reading: rate of turn and forward acceleration in the robot's frame.
struct imu_reading {
  double yaw_rate = 0;
  double forward_acceleration = 0;
};

/// What the wheels say happened over one step: distance travelled and heading change.
struct odometry_step {
  double distance = 0;
  double turn = 0;
};

class robot {
public:
  robot(const world& room, robot_settings settings, uint64_t seed, pose start = {});

  /// Moves the robot for `dt` seconds: forward while the way is clear, turning in place when a
  /// wall is near (a simple wanderer); standing still while `halted` (an emergency stop).
  /// Returns what its wheels measured.
  odometry_step step(double dt, bool halted = false);

  /// The IMU's reading of the last step.
  imu_reading imu() const { return imu_; }

  /// Where the robot really is.
  const pose& truth() const { return truth_; }

  /// Where dead reckoning from its odometry puts it.
  const pose& odometry() const { return odometry_; }

private:
  const world& room_;
  robot_settings settings_;
  std::mt19937_64 random_;
  pose truth_;
  pose odometry_;
  imu_reading imu_;
  double speed_ = 0;
  /// Which way it turns while avoiding (+1 left, -1 right), kept until the way is clear.
  double turning_ = 0;
};

/// Moves `p` by an odometry step: `distance` along the mean heading of the step.
pose advance(const pose& p, const odometry_step& step);

} // namespace kite::robotics
