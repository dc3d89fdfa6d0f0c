// How the robot's streams travel as Kite samples: a LiDAR scan with the odometry pose it was
// taken at, and the corrected pose the cloud's mapper answers with. Channel layouts are fixed
// here, so the simulator, the edge's stages and the mapper agree on them.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "kite/robotics/geometry.hpp"
#include "kite/robotics/world.hpp"

namespace kite::robotics {

/// A scan's channels: its number, the odometry pose (x, y, theta), then one range per beam.
constexpr size_t scan_header_channels = 4;

/// A pose coordinate beyond this many metres is not a robot's: such a scan is refused.
constexpr float max_pose_coordinate = 10000;

/// A scan as the robot sends it.
struct stamped_scan {
  uint64_t id = 0;
  pose odometry;
  lidar_scan scan;
};

std::vector<float> pack_scan(const stamped_scan& scan);

/// The scan in `values`; none when they are too few for a header and one beam, or its header is
/// not finite or its pose beyond max_pose_coordinate. A range that is not finite, not positive
/// or past `max_range` becomes `max_range` (no return). Beams are spread over the full circle
/// from -pi, as the simulator's LiDAR has them.
std::optional<stamped_scan> unpack_scan(const std::vector<float>& values, double max_range);

/// What the mapper answers for a scan.
struct corrected_pose {
  uint64_t scan_id = 0;
  pose at;
  /// Whether the scan matched the map (otherwise odometry's prediction stands).
  bool matched = false;
  /// Cells of the cloud's occupancy grid that are known free or occupied.
  uint64_t known_cells = 0;
};

std::vector<float> pack_pose(const corrected_pose& p);

/// The corrected pose in `values`; none unless there are exactly six channels.
std::optional<corrected_pose> unpack_pose(const std::vector<float>& values);

} // namespace kite::robotics
