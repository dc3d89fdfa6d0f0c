#include "kite/robotics/mapper.hpp"

#include <fmt/format.h>

#include "kite/actors/messages.hpp"
#include "kite/robotics/scan_sample.hpp"
#include "kite/runtime/error.hpp"

namespace kite::robotics {

caf::behavior mapper(caf::stateful_actor<mapper_state>* self, std::string) {
  return {
      [self](const actors::sensor_sample& sample) -> caf::result<actors::sensor_sample> {
        auto& s = self->state;
        auto scan = unpack_scan(sample.values, mapper_max_range);
        if (!scan) {
          ++s.malformed;
          return make_error(errc::usage,
                            fmt::format("a scan sample has its number, the odometry pose within "
                                        "{} m and the ranges: at least {} finite channels; got "
                                        "{} channels",
                                        max_pose_coordinate, scan_header_channels + 1,
                                        sample.values.size()));
        }
        auto before = s.matcher.matched();
        corrected_pose out;
        out.scan_id = scan->id;
        out.at = s.matcher.add(scan->odometry, scan->scan);
        out.matched = s.matcher.matched() > before;
        s.grid.integrate(out.at, scan->scan);
        out.known_cells = s.grid.known_cells();
        return actors::sensor_sample{sample.sequence, sample.timestamp_ns, pack_pose(out)};
      },
  };
}

} // namespace kite::robotics
