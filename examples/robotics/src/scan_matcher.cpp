#include "kite/robotics/scan_matcher.hpp"

#include <cmath>

namespace kite::robotics {

scan_matcher::scan_matcher(scan_matcher_settings settings) : settings_(settings) {}

scan_matcher_memory scan_matcher::remember() const {
  scan_matcher_memory out;
  out.map_xy.reserve(2 * map_.size());
  for (const auto& [cell, p] : map_) {
    out.map_xy.push_back(p.x());
    out.map_xy.push_back(p.y());
  }
  out.last_odometry = last_odometry_;
  out.corrected = pose_of(corrected_);
  out.matched = matched_;
  out.scans = scans_;
  return out;
}

void scan_matcher::recall(const scan_matcher_memory& memory) {
  map_.clear();
  for (size_t i = 0; i + 1 < memory.map_xy.size(); i += 2)
    remember_point({memory.map_xy[i], memory.map_xy[i + 1]});
  last_odometry_ = memory.last_odometry;
  corrected_ = to_world(memory.corrected);
  matched_ = memory.matched;
  scans_ = memory.scans;
}

void scan_matcher::remember_point(const point& p) {
  // Beyond any room: a snapshot from a lying peer, never a scan (whose hits are within reach).
  if (!p.allFinite() || p.cwiseAbs().maxCoeff() > 1e6) return;
  std::pair<long, long> cell{static_cast<long>(std::floor(p.x() / settings_.map_resolution)),
                             static_cast<long>(std::floor(p.y() / settings_.map_resolution))};
  map_.emplace(cell, p); // the first point seen in a square stays
}

pose scan_matcher::add(const pose& odometry, const lidar_scan& scan) {
  // What odometry says happened since the last scan, in the robot's frame then.
  auto moved = to_world(last_odometry_).inverse().after(to_world(odometry));
  if (scans_ == 0) moved = to_world(odometry); // the first scan defines the map's frame
  auto guess = corrected_.after(moved);
  last_odometry_ = odometry;
  ++scans_;
  auto hits = scan.hits();
  if (!map_.empty()) {
    // Only map points the scan could have seen take part.
    points nearby;
    point centre = guess.translation;
    double reach = scan.max_range + settings_.icp.max_pair_distance;
    for (const auto& [cell, p] : map_)
      if ((p - centre).squaredNorm() < reach * reach) nearby.push_back(p);
    auto match = match_scan(hits, nearby, guess, settings_.icp);
    if (match.converged && match.pairs >= settings_.min_pairs &&
        match.mean_error <= settings_.max_mean_error) {
      guess = match.transform;
      ++matched_;
    }
  }
  corrected_ = guess;
  for (const auto& h : hits)
    remember_point(corrected_.apply(h));
  return pose_of(corrected_);
}

} // namespace kite::robotics
