// Scan matching: 2D point-to-line ICP (iterative closest point, as in Censi's PLICP). Each step
// pairs every point of the scan with its nearest reference point, drops pairs farther apart
// than a bound, and moves the scan to minimise each point's distance to the line through its
// reference point and that point's nearest neighbour: two scans sample a wall at different
// places, so distances to points would pull the match off by up to the beam spacing.
#pragma once

#include <cstddef>

#include "kite/robotics/geometry.hpp"

namespace kite::robotics {

struct icp_settings {
  size_t max_iterations = 30;
  /// Pairs farther apart than this after the current guess are outliers, in metres.
  double max_pair_distance = 0.5;
  /// Stop once a step moves the scan less than this, in metres and radians alike.
  double converged_below = 1e-5;
};

struct icp_result {
  /// Takes the scan's points onto the reference.
  rigid_transform transform;
  /// Mean distance of the scan's points from their lines at the last step, in metres.
  double mean_error = 0;
  size_t pairs = 0;
  size_t iterations = 0;
  /// False when too few pairs were found to trust the transform.
  bool converged = false;
};

/// Aligns `scan` to `reference`, starting from `guess`. Nearest neighbours come from a grid of
/// squares as wide as max_pair_distance.
icp_result match_scan(const points& scan, const points& reference, const rigid_transform& guess,
                      const icp_settings& settings = {});

} // namespace kite::robotics
