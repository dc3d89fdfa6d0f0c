#include "kite/actors/busy.hpp"

#include <ctime>

#include "kite/actors/messages.hpp"

namespace kite::actors {

namespace {

double thread_cpu_s() {
  timespec now{};
  ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) / 1e9;
}

/// Spins until this thread has used `cpu_s` more CPU time: on a loaded machine that takes
/// longer than `cpu_s` of wall time, as real work would.
void burn(double cpu_s) {
  auto until = thread_cpu_s() + cpu_s;
  volatile double sink = 0;
  while (thread_cpu_s() < until)
    for (int i = 0; i < 1000; ++i)
      sink = sink + i;
}

} // namespace

caf::behavior busy(caf::event_based_actor*, std::string key) {
  return {
      [key](const feature& x) {
        burn(std::chrono::duration<double>(busy_cpu_per_request).count());
        summary out;
        out.key = key;
        out.min = x.min;
        out.max = x.max;
        out.mean = x.mean;
        out.count = 1;
        out.last_sequence = x.sequence;
        return out;
      },
  };
}

} // namespace kite::actors
