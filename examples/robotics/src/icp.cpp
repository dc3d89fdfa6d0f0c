#include "kite/robotics/icp.hpp"

#include <cmath>
#include <limits>

#include <Eigen/Dense>

namespace kite::robotics {

namespace {

/// Fewer pairs than this cannot pin a transform down against noise.
constexpr size_t min_pairs = 6;

/// A scan point and the line it is pulled onto: through `on`, with unit `normal`.
struct pairing {
  point from;
  point on;
  point normal;
};

/// The small rigid motion (angle, then translation) that best moves each `from` onto its line,
/// linearised in the angle: minimises sum (n . (R p + t - q))^2.
rigid_transform best_step(const std::vector<pairing>& pairs) {
  Eigen::Matrix3d normal_matrix = Eigen::Matrix3d::Zero();
  Eigen::Vector3d rhs = Eigen::Vector3d::Zero();
  for (const auto& pair : pairs) {
    // d/dtheta of R p at theta = 0 is (-p.y, p.x).
    Eigen::Vector3d row{pair.normal.dot(point{-pair.from.y(), pair.from.x()}), pair.normal.x(),
                        pair.normal.y()};
    double residual = pair.normal.dot(pair.from - pair.on);
    normal_matrix += row * row.transpose();
    rhs -= row * residual;
  }
  Eigen::Vector3d step = normal_matrix.ldlt().solve(rhs);
  rigid_transform out;
  out.rotation << std::cos(step[0]), -std::sin(step[0]), std::sin(step[0]), std::cos(step[0]);
  out.translation = point{step[1], step[2]};
  return out;
}

} // namespace

icp_result match_scan(const points& scan, const points& reference, const rigid_transform& guess,
                      const icp_settings& settings) {
  icp_result result;
  result.transform = guess;
  if (scan.empty() || reference.size() < 2) return result;
  const double max_squared = settings.max_pair_distance * settings.max_pair_distance;
  std::vector<pairing> pairs;
  for (result.iterations = 0; result.iterations < settings.max_iterations; ++result.iterations) {
    pairs.clear();
    double error = 0;
    for (const auto& p : scan) {
      auto moved = result.transform.apply(p);
      // The nearest reference point and its own nearest, which give the line.
      double best = std::numeric_limits<double>::max();
      double second = std::numeric_limits<double>::max();
      const point* nearest = nullptr;
      const point* next = nullptr;
      for (const auto& q : reference) {
        double d = (q - moved).squaredNorm();
        if (d < best) {
          second = best;
          next = nearest;
          best = d;
          nearest = &q;
        } else if (d < second) {
          second = d;
          next = &q;
        }
      }
      if (best > max_squared || next == nullptr) continue;
      point along = *next - *nearest;
      if (along.squaredNorm() < 1e-12) continue; // the same point twice: no line
      point normal = point{-along.y(), along.x()}.normalized();
      pairs.push_back({moved, *nearest, normal});
      error += std::abs(normal.dot(moved - *nearest));
    }
    result.pairs = pairs.size();
    if (pairs.size() < min_pairs) {
      result.converged = false;
      return result;
    }
    result.mean_error = error / static_cast<double>(pairs.size());
    auto step = best_step(pairs);
    result.transform = step.after(result.transform);
    result.converged = true;
    if (step.translation.norm() < settings.converged_below &&
        std::abs(step.angle()) < settings.converged_below) {
      ++result.iterations;
      break;
    }
  }
  return result;
}

} // namespace kite::robotics
