#include "kite/robotics/map_image.hpp"

#include <fstream>
#include <sstream>

#include <catch2/catch.hpp>
#include <zlib.h>

#include "../runtime/temp_dir.hpp"
#include "kite/runtime/error.hpp"

using namespace kite::robotics;

namespace {

uint32_t u32_at(const std::string& bytes, size_t at) {
  uint32_t out = 0;
  for (size_t i = 0; i < 4; ++i)
    out = (out << 8) | static_cast<uint8_t>(bytes[at + i]);
  return out;
}

} // namespace

TEST_CASE("png: a written image reads back with its size, checksums and pixels") {
  kite::test::temp_dir dir;
  rgb_image image{3, 2, 0};
  image.set(0, 0, 255, 0, 0);
  image.set(2, 1, 0, 0, 255);
  image.set(7, 7, 1, 1, 1); // outside: ignored
  auto path = dir.path() + "/tiny.png";
  REQUIRE_FALSE(write_png(image, path));
  std::stringstream content;
  content << std::ifstream{path, std::ios::binary}.rdbuf();
  auto bytes = content.str();
  REQUIRE(bytes.substr(0, 8) == std::string("\x89PNG\r\n\x1a\n"));
  REQUIRE(bytes.substr(12, 4) == "IHDR");
  CHECK(u32_at(bytes, 16) == 3);
  CHECK(u32_at(bytes, 20) == 2);
  auto ihdr_crc = crc32(0, reinterpret_cast<const Bytef*>(bytes.data() + 12), 17);
  CHECK(u32_at(bytes, 29) == ihdr_crc);
  REQUIRE(bytes.substr(37, 4) == "IDAT");
  auto idat_size = u32_at(bytes, 33);
  std::string raw(2 * (3 * 3 + 1), '\0');
  uLongf raw_size = raw.size();
  REQUIRE(uncompress(reinterpret_cast<Bytef*>(raw.data()), &raw_size,
                     reinterpret_cast<const Bytef*>(bytes.data() + 41), idat_size) == Z_OK);
  CHECK(raw_size == raw.size());
  CHECK(static_cast<uint8_t>(raw[1]) == 255);                  // row 0, pixel 0, red
  CHECK(static_cast<uint8_t>(raw[10 + 1 + 2 * 3 + 2]) == 255); // row 1, pixel 2, blue
  CHECK(bytes.substr(bytes.size() - 8, 4) == "IEND");
}

TEST_CASE("png: a file that cannot be written is an error naming it") {
  rgb_image image{1, 1};
  auto err = write_png(image, "/nonexistent-dir/map.png");
  REQUIRE(err);
  CHECK_THAT(kite::describe(err), Catch::Contains("/nonexistent-dir/map.png"));
}

TEST_CASE("map image: walls black, free space white, unknown grey, trajectories in colour, "
          "north up") {
  auto room = world::generate(1, 9.97, 0);
  occupancy_grid map;
  std::mt19937_64 random{4};
  for (int i = 0; i < 3; ++i)
    map.integrate({0, 0, 0}, room.sense({0, 0, 0}, lidar_settings{}, random));
  trajectory path{{{0, 0, 0}, {0, 2, 0}}, 0, 200, 0};
  auto image = render_map(map, {path});
  auto pixel = [&](const point& world_point) {
    const auto& s = map.settings();
    auto column = static_cast<size_t>((world_point.x() - s.origin.x()) / s.resolution);
    auto row = static_cast<size_t>((world_point.y() - s.origin.y()) / s.resolution);
    auto at = ((s.height - 1 - row) * s.width + column) * 3;
    return std::vector<uint8_t>(image.pixels.begin() + static_cast<long>(at),
                                image.pixels.begin() + static_cast<long>(at) + 3);
  };
  CHECK(pixel({4.97, 0})[0] < 60);                         // a wall
  CHECK(pixel({0, -2.5})[0] > 200);                        // free
  CHECK(pixel({5.5, 5.5})[0] == 127);                      // never seen: p = 0.5
  CHECK(pixel({0, 1}) == std::vector<uint8_t>{0, 200, 0}); // on the path, north of the start
}
