// robotics.mapper: the cloud side of the robotics example, one stateful logical actor per
// robot. Each LiDAR scan, stamped with the odometry pose it was taken at, is matched against the
// robot's map (scan_matcher) and added to its occupancy grid at the corrected pose; the answer
// is that corrected pose. Its state, map and grid, moves with it as a snapshot.
#pragma once

#include <string>

#include <caf/behavior.hpp>
#include <caf/error.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/meta/load_callback.hpp>
#include <caf/meta/save_callback.hpp>
#include <caf/meta/type_name.hpp>
#include <caf/stateful_actor.hpp>

#include "kite/robotics/occupancy_grid.hpp"
#include "kite/robotics/scan_matcher.hpp"

namespace kite::robotics {

/// The LiDAR's range when nothing is hit, as the simulator's; beams at it are not hits.
constexpr double mapper_max_range = 8;

struct mapper_state {
  static constexpr const char* name = "robotics.mapper";
  scan_matcher matcher;
  occupancy_grid grid;
  /// The matcher and the grid as plain values, filled only while a snapshot is written or read.
  scan_matcher_memory memory;
  std::vector<float> evidence;
  /// Scans that came without a usable layout.
  uint64_t malformed = 0;
};

template <class Inspector> typename Inspector::result_type inspect(Inspector& f, mapper_state& x) {
  auto& m = x.memory;
  return f(caf::meta::type_name("robotics.mapper_state"),
           caf::meta::save_callback([&x]() -> caf::error {
             x.memory = x.matcher.remember();
             x.evidence = x.grid.log_odds();
             return caf::none;
           }),
           m.map_xy, m.last_odometry.x, m.last_odometry.y, m.last_odometry.theta, m.corrected.x,
           m.corrected.y, m.corrected.theta, m.matched, m.scans, x.evidence, x.malformed,
           caf::meta::load_callback([&x]() -> caf::error {
             x.matcher.recall(x.memory);
             // A grid of other settings (another release's) is started afresh rather than misread.
             x.grid.restore(std::move(x.evidence));
             x.memory = {};
             x.evidence.clear();
             return caf::none;
           }));
}

/// Answers each scan sample (scan_sample.hpp's layout) with the corrected pose of that scan.
caf::behavior mapper(caf::stateful_actor<mapper_state>* self, std::string robot);

} // namespace kite::robotics
