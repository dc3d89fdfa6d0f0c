#include "kite/actors/window_mean.hpp"

#include <algorithm>
#include <numeric>

#include "kite/actors/messages.hpp"

namespace kite::actors {

caf::behavior window_mean(caf::stateful_actor<window_mean_state>* self, uint32_t window,
                          caf::actor next) {
  self->state.window = window;
  self->state.next = std::move(next);
  return {
      [self](const sensor_sample& x) {
        auto& s = self->state;
        double mean = x.values.empty() ? 0.0
                                       : std::accumulate(x.values.begin(), x.values.end(), 0.0) /
                                             static_cast<double>(x.values.size());
        s.means.push_back(mean);
        if (s.means.size() > s.window) s.means.pop_front();
        feature out;
        out.sequence = x.sequence;
        out.timestamp_ns = x.timestamp_ns;
        out.mean = std::accumulate(s.means.begin(), s.means.end(), 0.0) /
                   static_cast<double>(s.means.size());
        auto [lo, hi] = std::minmax_element(s.means.begin(), s.means.end());
        out.min = *lo;
        out.max = *hi;
        self->send(s.next, out);
      },
  };
}

} // namespace kite::actors
