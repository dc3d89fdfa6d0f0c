// Placement policies behind one interface, so benchmarks compare them on equal footing: each
// picks a host for a logical actor among the eligible candidates (up, hosting the type, meeting
// its constraints). The cost model is one of them; the others are the usual baselines.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <caf/expected.hpp>

#include "kite/cloud/cost_model.hpp"

namespace kite::cloud {

class placement_policy {
public:
  virtual ~placement_policy() = default;

  /// The index in `eligible` (not empty) of the host to run `demand`'s actor on.
  virtual size_t choose(const actor_demand& demand, const std::vector<host_view>& eligible) = 0;

  virtual const char* name() const = 0;
};

/// Each decision takes the next host in turn.
class round_robin final : public placement_policy {
public:
  size_t choose(const actor_demand& demand, const std::vector<host_view>& eligible) override;
  const char* name() const override { return "round_robin"; }

private:
  uint64_t turn_ = 0;
};

/// The host with the least backlog per parallel server.
class least_loaded final : public placement_policy {
public:
  size_t choose(const actor_demand& demand, const std::vector<host_view>& eligible) override;
  const char* name() const override { return "least_loaded"; }
};

/// The host with the shortest round trip (the edge itself when eligible).
class lowest_latency final : public placement_policy {
public:
  size_t choose(const actor_demand& demand, const std::vector<host_view>& eligible) override;
  const char* name() const override { return "lowest_latency"; }
};

/// The host with the least expected completion time (expected_completion_s).
class cost_model_policy final : public placement_policy {
public:
  size_t choose(const actor_demand& demand, const std::vector<host_view>& eligible) override;
  const char* name() const override { return "cost_model"; }
};

/// The policy named as placement.yaml spells it: round_robin, least_loaded, lowest_latency or
/// cost_model; an error naming the valid ones otherwise.
caf::expected<std::unique_ptr<placement_policy>> make_policy(const std::string& name);

} // namespace kite::cloud
