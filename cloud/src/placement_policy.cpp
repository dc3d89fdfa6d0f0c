#include "kite/cloud/placement_policy.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "kite/runtime/error.hpp"

namespace kite::cloud {

namespace {

/// The index of the smallest `score` in `hosts`; ties go to the earlier host.
template <class Score> size_t arg_min(const std::vector<host_view>& hosts, Score score) {
  size_t best = 0;
  for (size_t i = 1; i < hosts.size(); ++i)
    if (score(hosts[i]) < score(hosts[best])) best = i;
  return best;
}

} // namespace

size_t round_robin::choose(const actor_demand&, const std::vector<host_view>& eligible) {
  return static_cast<size_t>(turn_++ % eligible.size());
}

size_t least_loaded::choose(const actor_demand&, const std::vector<host_view>& eligible) {
  return arg_min(eligible, [](const host_view& h) {
    return h.backlog / static_cast<double>(std::max<uint32_t>(h.capacity, 1));
  });
}

size_t lowest_latency::choose(const actor_demand&, const std::vector<host_view>& eligible) {
  return arg_min(eligible, [](const host_view& h) { return h.edge ? 0.0 : h.rtt_s; });
}

size_t cost_model_policy::choose(const actor_demand& demand,
                                 const std::vector<host_view>& eligible) {
  return arg_min(eligible,
                 [&demand](const host_view& h) { return expected_completion_s(h, demand); });
}

caf::expected<std::unique_ptr<placement_policy>> make_policy(const std::string& name) {
  std::unique_ptr<placement_policy> out;
  if (name == "round_robin")
    out = std::make_unique<round_robin>();
  else if (name == "least_loaded")
    out = std::make_unique<least_loaded>();
  else if (name == "lowest_latency")
    out = std::make_unique<lowest_latency>();
  else if (name == "cost_model")
    out = std::make_unique<cost_model_policy>();
  if (out) return out;
  return make_error(errc::config,
                    fmt::format("unknown placement policy '{}'; expected round_robin, "
                                "least_loaded, lowest_latency or cost_model",
                                name));
}

} // namespace kite::cloud
