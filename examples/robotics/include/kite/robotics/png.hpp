// Writes RGB images as PNG files with zlib, for the map and trajectories a person looks at.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <caf/error.hpp>

namespace kite::robotics {

/// An 8-bit RGB image, row-major from the top-left pixel.
struct rgb_image {
  size_t width = 0;
  size_t height = 0;
  std::vector<uint8_t> pixels; // width * height * 3

  rgb_image(size_t w, size_t h, uint8_t fill = 255)
      : width(w), height(h), pixels(w * h * 3, fill) {}

  /// Sets pixel (x, y), ignoring what lies outside the image.
  void set(long x, long y, uint8_t r, uint8_t g, uint8_t b);
};

/// Writes `image` to `path`; an error names the file and what failed.
caf::error write_png(const rgb_image& image, const std::string& path);

} // namespace kite::robotics
