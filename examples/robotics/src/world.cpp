#include "kite/robotics/world.hpp"

#include <algorithm>
#include <limits>

namespace kite::robotics {

namespace {

void add_box(std::vector<segment>& walls, const point& low, const point& high) {
  point corners[] = {low, {high.x(), low.y()}, high, {low.x(), high.y()}};
  for (int i = 0; i < 4; ++i)
    walls.push_back({corners[i], corners[(i + 1) % 4]});
}

/// The distance along the unit ray (origin, direction) to segment s, or infinity.
double ray_hits(const point& origin, const point& direction, const segment& s) {
  point edge = s.b - s.a;
  double denominator = direction.x() * edge.y() - direction.y() * edge.x();
  if (std::abs(denominator) < 1e-12) return std::numeric_limits<double>::infinity(); // parallel
  point to_start = s.a - origin;
  double along_ray = (to_start.x() * edge.y() - to_start.y() * edge.x()) / denominator;
  double along_edge = (to_start.x() * direction.y() - to_start.y() * direction.x()) / denominator;
  if (along_ray < 0 || along_edge < 0 || along_edge > 1)
    return std::numeric_limits<double>::infinity();
  return along_ray;
}

} // namespace

points lidar_scan::hits() const {
  points out;
  for (size_t i = 0; i < ranges.size(); ++i) {
    if (ranges[i] >= max_range) continue;
    double angle = angle_min + static_cast<double>(i) * angle_step;
    out.emplace_back(ranges[i] * std::cos(angle), ranges[i] * std::sin(angle));
  }
  return out;
}

world world::generate(uint64_t seed, double size, int obstacles) {
  world w;
  double half = size / 2;
  add_box(w.walls_, {-half, -half}, {half, half});
  std::mt19937_64 random{seed};
  std::uniform_real_distribution<double> where{-half + 1, half - 1};
  std::uniform_real_distribution<double> extent{0.3, 1.0};
  // A room too small to keep its start clear gets fewer obstacles, not an endless search.
  for (int placed = 0, tries = 0; placed < obstacles && tries < 1000 * obstacles; ++tries) {
    point centre{where(random), where(random)};
    point half_size{extent(random) / 2, extent(random) / 2};
    if (centre.norm() < 1.5 + half_size.norm()) continue; // keep the start clear
    add_box(w.walls_, centre - half_size, centre + half_size);
    ++placed;
  }
  return w;
}

world world::with_box(const point& centre, double half) const {
  world out = *this;
  add_box(out.walls_, centre - point{half, half}, centre + point{half, half});
  return out;
}

double world::cast(const point& origin, double angle, double max_range) const {
  point direction{std::cos(angle), std::sin(angle)};
  double nearest = max_range;
  for (const auto& wall : walls_)
    nearest = std::min(nearest, ray_hits(origin, direction, wall));
  return nearest;
}

lidar_scan world::sense(const pose& at, const lidar_settings& settings,
                        std::mt19937_64& random) const {
  lidar_scan scan;
  scan.max_range = settings.max_range;
  scan.angle_step = 2 * M_PI / static_cast<double>(settings.beams);
  scan.ranges.reserve(settings.beams);
  std::normal_distribution<double> noise{0, settings.noise};
  point origin{at.x, at.y};
  for (size_t i = 0; i < settings.beams; ++i) {
    double angle = scan.angle_min + static_cast<double>(i) * scan.angle_step;
    double range = cast(origin, at.theta + angle, settings.max_range);
    if (range < settings.max_range)
      range = std::clamp(range + noise(random), 0.0, settings.max_range);
    scan.ranges.push_back(static_cast<float>(range));
  }
  return scan;
}

} // namespace kite::robotics
