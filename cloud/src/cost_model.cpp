#include "kite/cloud/cost_model.hpp"

#include <algorithm>
#include <cmath>

namespace kite::cloud {

namespace {

/// Past this utilization the wait formula gives way to a linear charge, so overloaded hosts
/// still order by how overloaded they are instead of all costing infinity.
constexpr double knee = 0.95;

/// Past saturation a queue grows by (utilization − 1) seconds of waiting each second; the model
/// charges what it would grow to over this long.
constexpr double overload_horizon_s = 10;

/// The mean wait in an M/M/c queue at utilization `rho`, by Sakasegawa's approximation:
/// service × rho^(sqrt(2(c+1)) − 1) / (c (1 − rho)), up to the knee.
double mmc_wait_s(double rho, uint32_t servers, double service_s) {
  if (rho <= 0 || service_s <= 0) return 0;
  double c = servers;
  double r = std::min(rho, knee);
  double wait = service_s * std::pow(r, std::sqrt(2 * (c + 1)) - 1) / (c * (1 - r));
  return wait + std::max(0.0, rho - knee) * overload_horizon_s;
}

} // namespace

double utilization(const host_view& host, const actor_demand& demand) {
  return (host.load + demand.rate * host.service_s) / std::max<uint32_t>(host.capacity, 1);
}

double expected_completion_s(const host_view& host, const actor_demand& demand) {
  double network = host.edge ? 0.0 : host.rtt_s;
  if (!host.edge && host.bandwidth > 0)
    network += (demand.request_bytes + demand.reply_bytes) / host.bandwidth;
  auto servers = std::max<uint32_t>(host.capacity, 1);
  // A request waits behind the host's mix of work, not behind requests like itself.
  double arriving = host.arrivals + demand.rate;
  double ahead_s =
      arriving > 0 ? (host.load + demand.rate * host.service_s) / arriving : host.service_s;
  // What is queued now drains `servers` at a time; what keeps arriving queues as M/M/c.
  double backlog_wait = host.backlog / servers * ahead_s;
  double load_wait = mmc_wait_s(utilization(host, demand), servers, ahead_s);
  return network + std::max(backlog_wait, load_wait) + host.service_s;
}

} // namespace kite::cloud
