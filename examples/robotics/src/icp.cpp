#include "kite/robotics/icp.hpp"

#include <cmath>
#include <limits>
#include <map>
#include <utility>
#include <vector>

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

/// Reference points bucketed in squares as wide as the pairing bound: a point's nearest within
/// the bound lies in its own square or the eight around it.
class reference_index {
public:
  reference_index(const points& reference, double cell) : reference_(reference), cell_(cell) {
    for (size_t i = 0; i < reference.size(); ++i)
      buckets_[key(reference[i])].push_back(i);
  }

  /// The nearest and second-nearest reference points within the squares around `p`, with the
  /// squared distance to the nearest; null when none.
  void nearest_two(const point& p, const point*& first, const point*& second,
                   double& first_squared) const {
    first = second = nullptr;
    first_squared = std::numeric_limits<double>::max();
    double second_squared = std::numeric_limits<double>::max();
    auto [cx, cy] = key(p);
    for (long dx = -1; dx <= 1; ++dx)
      for (long dy = -1; dy <= 1; ++dy) {
        auto bucket = buckets_.find({cx + dx, cy + dy});
        if (bucket == buckets_.end()) continue;
        for (auto i : bucket->second) {
          double d = (reference_[i] - p).squaredNorm();
          if (d < first_squared) {
            second_squared = first_squared;
            second = first;
            first_squared = d;
            first = &reference_[i];
          } else if (d < second_squared) {
            second_squared = d;
            second = &reference_[i];
          }
        }
      }
  }

private:
  std::pair<long, long> key(const point& p) const {
    return {static_cast<long>(std::floor(p.x() / cell_)),
            static_cast<long>(std::floor(p.y() / cell_))};
  }

  const points& reference_;
  double cell_;
  std::map<std::pair<long, long>, std::vector<size_t>> buckets_;
};

} // namespace

icp_result match_scan(const points& scan, const points& reference, const rigid_transform& guess,
                      const icp_settings& settings) {
  icp_result result;
  result.transform = guess;
  if (scan.empty() || reference.size() < 2) return result;
  const double max_squared = settings.max_pair_distance * settings.max_pair_distance;
  reference_index index{reference, settings.max_pair_distance};
  std::vector<pairing> pairs;
  for (result.iterations = 0; result.iterations < settings.max_iterations; ++result.iterations) {
    pairs.clear();
    double error = 0;
    for (const auto& p : scan) {
      auto moved = result.transform.apply(p);
      // The nearest reference point and the next nearest, which give the line.
      const point* nearest = nullptr;
      const point* next = nullptr;
      double best = 0;
      index.nearest_two(moved, nearest, next, best);
      if (nearest == nullptr || best > max_squared || next == nullptr) continue;
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
