#include "kite/actors/summarize.hpp"

#include <algorithm>

namespace kite::actors {

caf::behavior summarize(caf::stateful_actor<summarize_state>* self, std::string key) {
  self->state.current.key = std::move(key);
  return {
      [self](const feature& x) {
        auto& s = self->state;
        auto& out = s.current;
        out.min = out.count == 0 ? x.min : std::min(out.min, x.min);
        out.max = out.count == 0 ? x.max : std::max(out.max, x.max);
        ++out.count;
        s.sum += x.mean;
        out.mean = s.sum / static_cast<double>(out.count);
        out.last_sequence = x.sequence;
        return out;
      },
  };
}

} // namespace kite::actors
