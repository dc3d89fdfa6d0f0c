#include "kite/robotics/scan_sample.hpp"

#include <algorithm>
#include <cmath>

namespace kite::robotics {

std::vector<float> pack_scan(const stamped_scan& s) {
  std::vector<float> out{static_cast<float>(s.id), static_cast<float>(s.odometry.x),
                         static_cast<float>(s.odometry.y), static_cast<float>(s.odometry.theta)};
  out.insert(out.end(), s.scan.ranges.begin(), s.scan.ranges.end());
  return out;
}

std::optional<stamped_scan> unpack_scan(const std::vector<float>& values, double max_range) {
  if (values.size() <= scan_header_channels) return std::nullopt;
  // Non-finite numbers, or a pose farther than any robot goes, are a lying or broken driver.
  auto sane = [](float v) { return std::isfinite(v) && std::abs(v) <= max_pose_coordinate; };
  if (!std::isfinite(values[0]) || !sane(values[1]) || !sane(values[2]) || !sane(values[3]))
    return std::nullopt;
  stamped_scan out;
  out.id = static_cast<uint64_t>(std::clamp(values[0], 0.0f, 16777216.0f));
  out.odometry = {values[1], values[2], values[3]};
  out.scan.ranges.reserve(values.size() - scan_header_channels);
  // No return, as many drivers say with 0, a negative or a huge range: a miss at full reach.
  for (auto i = values.begin() + scan_header_channels; i != values.end(); ++i)
    out.scan.ranges.push_back(
        std::isfinite(*i) && *i > 0 && *i < max_range ? *i : static_cast<float>(max_range));
  out.scan.angle_min = -M_PI;
  out.scan.angle_step = 2 * M_PI / static_cast<double>(out.scan.ranges.size());
  out.scan.max_range = max_range;
  return out;
}

std::vector<float> pack_pose(const corrected_pose& p) {
  return {static_cast<float>(p.scan_id), static_cast<float>(p.at.x),
          static_cast<float>(p.at.y),    static_cast<float>(p.at.theta),
          p.matched ? 1.0f : 0.0f,       static_cast<float>(p.known_cells)};
}

std::optional<corrected_pose> unpack_pose(const std::vector<float>& values) {
  if (values.size() != 6) return std::nullopt;
  return corrected_pose{static_cast<uint64_t>(std::max(0.0f, values[0])),
                        {values[1], values[2], values[3]},
                        values[4] != 0,
                        static_cast<uint64_t>(std::max(0.0f, values[5]))};
}

} // namespace kite::robotics
