// Corrects a robot's odometry with its LiDAR. Each scan is matched (ICP) against a map of the
// points of earlier scans, placed where their corrected poses put them, starting from the pose
// that the odometry since the last scan predicts. The map keeps one point per small square, so
// it grows with the area seen, not with time. It is the cloud side's per-robot state in the
// robotics example.
#pragma once

#include <cstdint>
#include <map>
#include <utility>
#include <vector>

#include "kite/robotics/icp.hpp"
#include "kite/robotics/world.hpp"

namespace kite::robotics {

struct scan_matcher_settings {
  /// The map keeps one point per square this wide, in metres.
  double map_resolution = 0.05;
  /// A match needs this many pairs, and this mean distance at most, to be believed; otherwise
  /// the odometry's prediction stands.
  size_t min_pairs = 60;
  double max_mean_error = 0.05;
  icp_settings icp;
};

/// What a scan matcher has learnt, as plain values: what a snapshot of it holds.
struct scan_matcher_memory {
  /// The map's points, x and y in turn.
  std::vector<double> map_xy;
  pose last_odometry;
  pose corrected;
  uint64_t matched = 0;
  uint64_t scans = 0;
};

class scan_matcher {
public:
  scan_matcher() : scan_matcher(scan_matcher_settings{}) {}
  explicit scan_matcher(scan_matcher_settings settings);

  /// Everything it has learnt, to carry elsewhere.
  scan_matcher_memory remember() const;

  /// Takes up where the matcher that remembered `memory` left off.
  void recall(const scan_matcher_memory& memory);

  /// Adds `scan`, taken where the robot's own odometry puts it at `odometry`; returns the
  /// corrected pose.
  pose add(const pose& odometry, const lidar_scan& scan);

  /// Scans whose match was believed, and all scans.
  size_t matched() const { return matched_; }
  size_t scans() const { return scans_; }

  /// Points in the map.
  size_t map_size() const { return map_.size(); }

private:
  /// Adds a world point to the map, unless its square has one already.
  void remember_point(const point& p);

  scan_matcher_settings settings_;
  std::map<std::pair<long, long>, point> map_;
  pose last_odometry_;
  rigid_transform corrected_;
  size_t matched_ = 0;
  size_t scans_ = 0;
};

} // namespace kite::robotics
