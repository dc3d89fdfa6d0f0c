// Plane geometry for the robotics example: poses, points and rigid transforms in 2D.
#pragma once

#include <cmath>
#include <vector>

#include <Eigen/Core>

namespace kite::robotics {

using point = Eigen::Vector2d;
using points = std::vector<point, Eigen::aligned_allocator<point>>;

/// A robot's pose in the world: position in metres, heading in radians (counter-clockwise
/// from +x).
struct pose {
  double x = 0;
  double y = 0;
  double theta = 0;
};

/// A rigid transform of the plane: rotate by `theta`, then translate by (x, y).
struct rigid_transform {
  Eigen::Matrix2d rotation = Eigen::Matrix2d::Identity();
  point translation = point::Zero();

  point apply(const point& p) const { return rotation * p + translation; }
  double angle() const { return std::atan2(rotation(1, 0), rotation(0, 0)); }
  rigid_transform inverse() const {
    return {rotation.transpose(), -(rotation.transpose() * translation)};
  }
  /// This transform after `first`.
  rigid_transform after(const rigid_transform& first) const {
    return {rotation * first.rotation, rotation * first.translation + translation};
  }
};

/// The transform that takes robot-frame points to world-frame points at `p`.
inline rigid_transform to_world(const pose& p) {
  rigid_transform t;
  t.rotation << std::cos(p.theta), -std::sin(p.theta), std::sin(p.theta), std::cos(p.theta);
  t.translation = point{p.x, p.y};
  return t;
}

/// The pose whose robot-to-world transform is `t`.
inline pose pose_of(const rigid_transform& t) {
  return {t.translation.x(), t.translation.y(), t.angle()};
}

/// `angle` wrapped into (-pi, pi].
inline double wrap_angle(double angle) {
  return std::remainder(angle, 2 * M_PI);
}

} // namespace kite::robotics
