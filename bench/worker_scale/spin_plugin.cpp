// bench.spin: an actor that works for a fixed CPU time per request, so that the scheduler
// threads' scaling shows (kite.echo does next to nothing and leaves the link thread the limit).
#include <time.h>

#include <kite/kite.hpp>

namespace {

/// The thread CPU time each request costs, in nanoseconds: a small sensor-processing step.
constexpr long spin_ns = 20'000;

long thread_cpu_ns() {
  timespec now{};
  ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return now.tv_sec * 1'000'000'000L + now.tv_nsec;
}

caf::behavior spin(caf::event_based_actor*) {
  return {[](const kite::actors::blob&) {
    auto until = thread_cpu_ns() + spin_ns;
    while (thread_cpu_ns() < until) {
    }
    return kite::actors::blob{"done"};
  }};
}

} // namespace

KITE_PLUGIN(reg) {
  reg.add(kite::declare("bench.spin", spin)
              .accepts<kite::actors::blob>()
              .runs_on(kite::runs_on::cloud)
              .service_time(std::chrono::microseconds{spin_ns / 1000}));
}
