#include "kite/robotics/occupancy_grid.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>

namespace kite::robotics {

occupancy_grid::occupancy_grid(grid_settings settings)
    : settings_(settings), log_odds_(settings.width * settings.height, 0.0f) {}

bool occupancy_grid::cell_of(const point& where, long& column, long& row) const {
  double x = std::floor((where.x() - settings_.origin.x()) / settings_.resolution);
  double y = std::floor((where.y() - settings_.origin.y()) / settings_.resolution);
  // Clamped before the cast, which is undefined for what a long cannot hold.
  auto bound = static_cast<double>(std::max(settings_.width, settings_.height)) + 1;
  column = static_cast<long>(std::clamp(std::isfinite(x) ? x : -bound, -bound, bound));
  row = static_cast<long>(std::clamp(std::isfinite(y) ? y : -bound, -bound, bound));
  return column >= 0 && row >= 0 && column < static_cast<long>(settings_.width) &&
         row < static_cast<long>(settings_.height);
}

void occupancy_grid::add(long column, long row, float evidence) {
  if (column < 0 || row < 0 || column >= static_cast<long>(settings_.width) ||
      row >= static_cast<long>(settings_.height))
    return;
  auto& cell = log_odds_[static_cast<size_t>(row) * settings_.width + static_cast<size_t>(column)];
  cell = std::clamp(cell + evidence, -settings_.limit, settings_.limit);
}

void occupancy_grid::integrate(const pose& at, const lidar_scan& scan) {
  long from_column = 0;
  long from_row = 0;
  // Taken off the map: no beam of it could be walked within the map.
  if (!cell_of({at.x, at.y}, from_column, from_row)) return;
  for (size_t i = 0; i < scan.ranges.size(); ++i) {
    // A beam's walk ends where the LiDAR's reach does, whatever the range says.
    double range = std::clamp(static_cast<double>(scan.ranges[i]), 0.0, scan.max_range);
    bool hit = range < scan.max_range;
    double angle = at.theta + scan.angle_min + static_cast<double>(i) * scan.angle_step;
    point end{at.x + range * std::cos(angle), at.y + range * std::sin(angle)};
    long to_column = 0;
    long to_row = 0;
    cell_of(end, to_column, to_row);
    // Bresenham from the robot's cell to the beam's end: every cell before the end is free.
    long dx = std::abs(to_column - from_column);
    long dy = -std::abs(to_row - from_row);
    long step_x = from_column < to_column ? 1 : -1;
    long step_y = from_row < to_row ? 1 : -1;
    long error = dx + dy;
    long column = from_column;
    long row = from_row;
    while (column != to_column || row != to_row) {
      add(column, row, settings_.miss);
      long twice = 2 * error;
      if (twice >= dy) {
        error += dy;
        column += step_x;
      }
      if (twice <= dx) {
        error += dx;
        row += step_y;
      }
    }
    add(to_column, to_row, hit ? settings_.hit : settings_.miss);
  }
}

occupancy_grid::cell occupancy_grid::at(const point& where) const {
  long column = 0;
  long row = 0;
  if (!cell_of(where, column, row)) return cell::unknown;
  auto value = log_odds_[static_cast<size_t>(row) * settings_.width + static_cast<size_t>(column)];
  if (value > 1.0f) return cell::occupied;
  if (value < -1.0f) return cell::free;
  return cell::unknown;
}

std::vector<float> occupancy_grid::probabilities() const {
  std::vector<float> out(log_odds_.size());
  std::transform(log_odds_.begin(), log_odds_.end(), out.begin(),
                 [](float l) { return 1.0f - 1.0f / (1.0f + std::exp(l)); });
  return out;
}

bool occupancy_grid::restore(std::vector<float> log_odds) {
  if (log_odds.size() != log_odds_.size()) return false;
  log_odds_ = std::move(log_odds);
  return true;
}

size_t occupancy_grid::known_cells() const {
  return static_cast<size_t>(std::count_if(log_odds_.begin(), log_odds_.end(),
                                           [](float evidence) { return std::abs(evidence) > 1; }));
}

} // namespace kite::robotics
