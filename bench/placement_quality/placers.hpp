// The placers the benchmark compares: the placement service's own directory under each policy,
// and an oracle that knows the true costs.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "kite/cloud/placement_directory.hpp"
#include "simulation.hpp"

namespace kite::bench {

/// The placement service's state (cloud::placement_directory) with one policy and the default
/// hysteresis, fed the reports the simulation's hosts and edges make.
class directory_placer final : public placer {
public:
  directory_placer(const scenario& sc, std::unique_ptr<cloud::placement_policy> policy);

  std::string name() const override { return name_; }
  void report(const std::vector<host_load>& hosts, const path_report& paths,
              const std::vector<double>& actor_rates, double now) override;
  host_index place(size_t actor, double now) override;
  std::vector<std::pair<size_t, host_index>> rebalance(double now) override;

private:
  host_index index_of(const cloud::placement_answer& answer) const;

  const scenario& sc_;
  std::string name_;
  cloud::placement_directory directory_;
  std::map<std::string, size_t> actor_by_key_;
};

/// Knows every actor's request rate, every path and every host's current service time, and
/// places each actor where its expected completion time is least given the load already placed
/// there (Erlang C for a host's queueing). It places all actors up front, hottest first, and
/// re-places them the moment the truth changes. A strong reference, not a proven optimum.
class oracle_placer final : public placer {
public:
  explicit oracle_placer(const scenario& sc);

  std::string name() const override { return "oracle"; }
  void report(const std::vector<host_load>&, const path_report&, const std::vector<double>&,
              double) override {}
  host_index place(size_t actor, double now) override;
  std::vector<std::pair<size_t, host_index>> rebalance(double now) override;

private:
  /// Expected completion of one of `actor`'s requests on `host` at `now`, counting the
  /// actor's own load there.
  double cost(size_t actor, host_index host, double now) const;
  /// The host where `actor` (not placed anywhere) costs least.
  host_index best(size_t actor, double now) const;

  const scenario& sc_;
  std::vector<double> rates_;
  std::vector<size_t> hottest_; // actors by falling rate
  std::vector<host_index> where_;
  std::vector<double> offered_; // requests per second placed on each host
};

} // namespace kite::bench
