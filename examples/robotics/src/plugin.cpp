// The robotics example's plugin: what kite-cloud workers (and the robots' agents, for the types)
// load to host robotics.mapper.
#include <kite/kite.hpp>

#include "kite/robotics/mapper.hpp"

KITE_PLUGIN(reg) {
  reg.add_message<kite::robotics::mapper_state>("robotics.mapper_state");
  // About 5 ms of CPU per scan on a laptop core: ICP over a few hundred pairs, and the grid.
  reg.add(kite::declare("robotics.mapper", kite::robotics::mapper)
              .accepts<kite::actors::sensor_sample>()
              .runs_on(kite::runs_on::cloud)
              .service_time(std::chrono::milliseconds{5}));
}
