#include "kite/robotics/map_image.hpp"

#include <algorithm>
#include <cmath>

namespace kite::robotics {

rgb_image render_map(const occupancy_grid& map, const std::vector<trajectory>& paths) {
  const auto& s = map.settings();
  rgb_image image{s.width, s.height};
  auto probabilities = map.probabilities();
  for (size_t row = 0; row < s.height; ++row)
    for (size_t column = 0; column < s.width; ++column) {
      auto grey = static_cast<uint8_t>(255 * (1 - probabilities[row * s.width + column]));
      // Row 0 is the map's south edge, the image's bottom.
      image.set(static_cast<long>(column), static_cast<long>(s.height - 1 - row), grey, grey, grey);
    }
  auto pixel_of = [&](const pose& p) {
    return point{(p.x - s.origin.x()) / s.resolution,
                 static_cast<double>(s.height) - 1 - (p.y - s.origin.y()) / s.resolution};
  };
  for (const auto& path : paths)
    for (size_t i = 1; i < path.poses.size(); ++i) {
      auto from = pixel_of(path.poses[i - 1]);
      auto to = pixel_of(path.poses[i]);
      // One dot per pixel of the segment's longer side.
      auto steps = std::max<long>(1, std::lround((to - from).cwiseAbs().maxCoeff()));
      for (long k = 0; k <= steps; ++k) {
        point at = from + (to - from) * (static_cast<double>(k) / static_cast<double>(steps));
        image.set(std::lround(at.x()), std::lround(at.y()), path.red, path.green, path.blue);
      }
    }
  return image;
}

} // namespace kite::robotics
