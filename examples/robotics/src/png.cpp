#include "kite/robotics/png.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>

#include <fmt/format.h>
#include <zlib.h>

#include "kite/runtime/error.hpp"

namespace kite::robotics {

namespace {

void put_u32(std::string& out, uint32_t value) {
  for (int shift = 24; shift >= 0; shift -= 8)
    out.push_back(static_cast<char>((value >> shift) & 0xff));
}

/// Appends a chunk: length, type, data, and the CRC of type and data.
void put_chunk(std::string& out, const char* type, const std::string& data) {
  put_u32(out, static_cast<uint32_t>(data.size()));
  auto start = out.size();
  out.append(type, 4);
  out.append(data);
  auto crc = crc32(0, reinterpret_cast<const Bytef*>(out.data() + start),
                   static_cast<uInt>(out.size() - start));
  put_u32(out, static_cast<uint32_t>(crc));
}

} // namespace

void rgb_image::set(long x, long y, uint8_t r, uint8_t g, uint8_t b) {
  if (x < 0 || y < 0 || x >= static_cast<long>(width) || y >= static_cast<long>(height)) return;
  auto at = (static_cast<size_t>(y) * width + static_cast<size_t>(x)) * 3;
  pixels[at] = r;
  pixels[at + 1] = g;
  pixels[at + 2] = b;
}

caf::error write_png(const rgb_image& image, const std::string& path) {
  // Each row starts with its filter type, 0: the bytes as they are.
  std::string raw;
  raw.reserve(image.height * (image.width * 3 + 1));
  for (size_t row = 0; row < image.height; ++row) {
    raw.push_back('\0');
    raw.append(reinterpret_cast<const char*>(image.pixels.data() + row * image.width * 3),
               image.width * 3);
  }
  uLongf packed_size = compressBound(static_cast<uLong>(raw.size()));
  std::string packed(packed_size, '\0');
  if (compress2(reinterpret_cast<Bytef*>(packed.data()), &packed_size,
                reinterpret_cast<const Bytef*>(raw.data()), static_cast<uLong>(raw.size()),
                Z_BEST_SPEED) != Z_OK)
    return make_error(errc::io, fmt::format("{}: cannot compress the image", path));
  packed.resize(packed_size);
  std::string header;
  put_u32(header, static_cast<uint32_t>(image.width));
  put_u32(header, static_cast<uint32_t>(image.height));
  header += std::string{'\x08', '\x02', '\0', '\0', '\0'}; // 8-bit RGB, no interlace
  std::string file = "\x89PNG\r\n\x1a\n";
  put_chunk(file, "IHDR", header);
  put_chunk(file, "IDAT", packed);
  put_chunk(file, "IEND", {});
  std::ofstream out{path, std::ios::binary};
  if (!out || !out.write(file.data(), static_cast<std::streamsize>(file.size())))
    return make_error(errc::io, fmt::format("{}: cannot write: {}", path, std::strerror(errno)));
  return {};
}

} // namespace kite::robotics
