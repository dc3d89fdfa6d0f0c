// An occupancy grid map built from LiDAR scans at known poses: each cell holds the log-odds that
// it is occupied. A beam makes the cells it crosses freer and the cell it ends in more occupied;
// a beam that met nothing only frees. Cells along a beam are walked with Bresenham's line.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "kite/robotics/geometry.hpp"
#include "kite/robotics/world.hpp"

namespace kite::robotics {

struct grid_settings {
  /// Metres per cell.
  double resolution = 0.05;
  /// The world corner of cell (0, 0), and the map's size in cells.
  point origin{-6, -6};
  size_t width = 240;
  size_t height = 240;
  /// Log-odds added per hit and per pass, clamped to ±limit so the map can change its mind.
  float hit = 0.85f;
  float miss = -0.4f;
  float limit = 4.0f;
};

class occupancy_grid {
public:
  enum class cell { unknown, free, occupied };

  occupancy_grid() : occupancy_grid(grid_settings{}) {}
  explicit occupancy_grid(grid_settings settings);

  /// Adds `scan`, taken at `at` (the robot's pose in the world).
  void integrate(const pose& at, const lidar_scan& scan);

  /// What the map holds at `where`: occupied or free once the evidence passes ±1 in log-odds
  /// (about 73%); unknown outside the map.
  cell at(const point& where) const;

  /// Occupancy probability per cell, row-major from cell (0, 0).
  std::vector<float> probabilities() const;

  const grid_settings& settings() const { return settings_; }

  /// The evidence per cell, row-major: what a snapshot of the map holds.
  const std::vector<float>& log_odds() const { return log_odds_; }

  /// Takes evidence kept from a grid of the same settings; false (and unchanged) when its size
  /// differs.
  bool restore(std::vector<float> log_odds);

  /// Cells whose evidence says free or occupied.
  size_t known_cells() const;

private:
  /// The cell holding `where`, or false outside the map.
  bool cell_of(const point& where, long& column, long& row) const;
  void add(long column, long row, float evidence);

  grid_settings settings_;
  std::vector<float> log_odds_;
};

} // namespace kite::robotics
