// Draws an occupancy grid and robot trajectories as an image a person can look at: free space
// white, walls black, unknown grey, north up, one pixel per cell.
#pragma once

#include <cstdint>
#include <vector>

#include "kite/robotics/geometry.hpp"
#include "kite/robotics/occupancy_grid.hpp"
#include "kite/robotics/png.hpp"

namespace kite::robotics {

/// A path to draw, in one colour.
struct trajectory {
  std::vector<pose> poses;
  uint8_t red = 0;
  uint8_t green = 0;
  uint8_t blue = 0;
};

rgb_image render_map(const occupancy_grid& map, const std::vector<trajectory>& paths);

} // namespace kite::robotics
