#include "kite/cloud/placement_policy.hpp"

#include <catch2/catch.hpp>

#include "kite/runtime/error.hpp"

using namespace kite::cloud;

namespace {

/// Three idle workers at 2, 20 and 80 ms, as issue 4's scenario has them.
std::vector<host_view> three_workers() {
  std::vector<host_view> out(3);
  double rtts[] = {0.002, 0.020, 0.080};
  for (size_t i = 0; i < out.size(); ++i) {
    out[i].name = "w" + std::to_string(i);
    out[i].rtt_s = rtts[i];
    out[i].service_s = 0.001;
    out[i].capacity = 2;
  }
  return out;
}

const actor_demand demand{"robotics.mapper", "robot-1", 256, 256};

} // namespace

TEST_CASE("placement policies: each picks by its own measure") {
  auto hosts = three_workers();
  hosts[0].backlog = 10; // the near worker is busy
  round_robin rr;
  CHECK(rr.choose(demand, hosts) == 0);
  CHECK(rr.choose(demand, hosts) == 1);
  CHECK(rr.choose(demand, hosts) == 2);
  CHECK(rr.choose(demand, hosts) == 0);
  CHECK(least_loaded{}.choose(demand, hosts) == 1);
  CHECK(lowest_latency{}.choose(demand, hosts) == 0);
}

TEST_CASE("cost model policy: the near worker until its queueing exceeds the RTT gap") {
  auto hosts = three_workers();
  cost_model_policy policy;
  CHECK(policy.choose(demand, hosts) == 0);
  // 2 ms + (40 / 2) × 1 ms + 1 ms = 23 ms against 20 ms + 1 ms: the 20 ms worker now.
  hosts[0].backlog = 40;
  CHECK(policy.choose(demand, hosts) == 1);
  // The near worker's RTT rises to 200 ms at run time: it loses even when idle.
  hosts[0].backlog = 0;
  hosts[0].rtt_s = 0.200;
  CHECK(policy.choose(demand, hosts) == 1);
}

TEST_CASE("placement policies are made by name, and an unknown one names the valid ones") {
  for (auto name : {"round_robin", "least_loaded", "lowest_latency", "cost_model"}) {
    auto policy = make_policy(name);
    REQUIRE(policy);
    CHECK(std::string{(*policy)->name()} == name);
  }
  auto unknown = make_policy("fastest");
  REQUIRE_FALSE(unknown);
  CHECK_THAT(kite::describe(unknown.error()),
             Catch::Contains("unknown placement policy 'fastest'") &&
                 Catch::Contains("cost_model"));
}
