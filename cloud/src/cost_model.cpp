#include "kite/cloud/cost_model.hpp"

#include <algorithm>

namespace kite::cloud {

double expected_completion_s(const host_view& host, const actor_demand& demand) {
  double network = host.edge ? 0.0 : host.rtt_s;
  if (!host.edge && host.bandwidth > 0)
    network += (demand.request_bytes + demand.reply_bytes) / host.bandwidth;
  // Each of `capacity` servers works through its share of the backlog before this request.
  double queueing = host.backlog / std::max<uint32_t>(host.capacity, 1) * host.service_s;
  return network + queueing + host.service_s;
}

} // namespace kite::cloud
