#include "kite/actors/builtin.hpp"

#include "kite/actors/busy.hpp"
#include "kite/actors/echo.hpp"
#include "kite/actors/messages.hpp"
#include "kite/actors/summarize.hpp"
#include "kite/runtime/upload.hpp"

namespace kite::actors {

void register_builtin(registry& reg) {
  reg.add_message<sensor_sample>("kite.sensor_sample")
      .add_message<feature>("kite.feature")
      .add_message<summary>("kite.summary")
      .add_message<blob>("kite.blob")
      .add_message<alarm>("kite.alarm")
      .add_message<sample_batch>("kite.sample_batch")
      .add_message<upload_record>("kite.upload_record")
      .add_message<upload_duplicate>("kite.upload_duplicate")
      .add_message<summarize_state>("kite.summarize_state");
  reg.add(declare("kite.summarize", summarize).accepts<feature>());
  reg.add(declare("kite.echo", echo));
  reg.add(declare("kite.busy", busy)
              .accepts<feature>()
              .runs_on(runs_on::cloud)
              .service_time(busy_cpu_per_request));
}

} // namespace kite::actors
