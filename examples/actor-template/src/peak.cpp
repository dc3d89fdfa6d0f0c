// hello.peak: the loudest reading each robot has sent, kept in the cloud. A template for your
// own actors: copy this project, rename the types, build it, list the .so under `plugins:`.
#include <kite/kite.hpp>

namespace {

/// The answer to each sample: how many samples the robot sent, and the largest first channel.
struct peak_report {
  std::string robot;
  uint64_t samples = 0;
  float peak = 0;
};

template <class Inspector> typename Inspector::result_type inspect(Inspector& f, peak_report& x) {
  return f(caf::meta::type_name("hello.peak_report"), x.robot, x.samples, x.peak);
}

/// What one robot's actor remembers; snapshotted, so it survives moves and worker crashes.
struct peak_state {
  static constexpr const char* name = "hello.peak";
  peak_report report;
};

template <class Inspector> typename Inspector::result_type inspect(Inspector& f, peak_state& x) {
  return f(caf::meta::type_name("hello.peak_state"), x.report);
}

/// One instance per key: the key is the robot's node id unless the pipeline says otherwise.
caf::behavior peak(caf::stateful_actor<peak_state>* self, std::string robot) {
  self->state.report.robot = std::move(robot);
  return {
      [self](const kite::actors::sensor_sample& sample) {
        auto& report = self->state.report;
        if (!sample.values.empty() && (report.samples == 0 || sample.values[0] > report.peak))
          report.peak = sample.values[0];
        ++report.samples;
        return report;
      },
  };
}

} // namespace

KITE_PLUGIN(reg) {
  reg.add_message<peak_report>("hello.peak_report").add_message<peak_state>("hello.peak_state");
  reg.add(kite::declare("hello.peak", peak)
              .accepts<kite::actors::sensor_sample>()
              .runs_on(kite::runs_on::cloud)
              .service_time(std::chrono::microseconds{50}));
}
