// bench/placement_quality: one fixed scenario — heterogeneous round trips, skewed request
// rates, a worker slowing down midway — simulated once per placement policy, with the
// placement service's own directory deciding; prints p50/p99 request completion per policy
// against an oracle that knows the true costs. Further seeds redraw the same scenario's
// arrivals and service times, to show how much the ratios owe to one draw.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <vector>

#include <fmt/format.h>

#include "kite/runtime/cli_args.hpp"
#include "placers.hpp"

namespace {

using kite::bench::outcome;
using kite::bench::scenario;

double quantile(std::vector<double> values, double q) {
  if (values.empty()) return 0;
  auto i = static_cast<size_t>(q * static_cast<double>(values.size() - 1));
  std::nth_element(values.begin(), values.begin() + static_cast<long>(i), values.end());
  return values[i];
}

/// Completion times of the requests made at or after `from_s`, in milliseconds.
std::vector<double> since(const outcome& result, double from_s) {
  std::vector<double> out;
  for (size_t i = 0; i < result.completion_s.size(); ++i)
    if (result.arrived_s[i] >= from_s) out.push_back(result.completion_s[i] * 1000);
  return out;
}

struct row {
  std::string policy;
  double p50_ms;
  double p99_ms;
  double all_p99_ms; // warm-up included
  outcome result;
};

/// The scenario under every policy, the oracle first.
std::vector<row> run_policies(const scenario& sc, double warmup_s) {
  std::vector<std::unique_ptr<kite::bench::placer>> placers;
  placers.push_back(std::make_unique<kite::bench::oracle_placer>(sc));
  for (const char* name : {"cost_model", "least_loaded", "lowest_latency", "round_robin"})
    placers.push_back(std::make_unique<kite::bench::directory_placer>(
        sc, std::move(*kite::cloud::make_policy(name))));
  std::vector<row> rows;
  for (auto& p : placers) {
    auto result = kite::bench::simulate(sc, *p);
    auto measured = since(result, warmup_s);
    rows.push_back({p->name(), quantile(measured, 0.5), quantile(measured, 0.99),
                    quantile(since(result, 0), 0.99), std::move(result)});
  }
  return rows;
}

double p99_of(const std::vector<row>& rows, const std::string& policy) {
  return std::find_if(rows.begin(), rows.end(), [&](const row& r) { return r.policy == policy; })
      ->p99_ms;
}

void print_table(const scenario& sc, double warmup_s, const std::vector<row>& rows) {
  fmt::print("{} edges, {} workers x {} threads, {} actors (Zipf {} over {} req/s), worker-{} "
             "{}x slower from {} s of {} s; seed {}\n",
             sc.edges(), sc.workers, sc.worker_capacity, sc.actors(), sc.zipf_s, sc.total_rate,
             sc.slow_worker, sc.slowdown, sc.slow_at_s, sc.duration_s, sc.seed);
  fmt::print("completion times of the requests made after a {} s warm-up; the last column "
             "counts the warm-up too\n",
             warmup_s);
  fmt::print("{:<15} {:>9} {:>9} {:>9} {:>6} {:>8} {:>14}\n", "policy", "requests", "p50 ms",
             "p99 ms", "moves", "on edge", "p99 ms (all)");
  for (const auto& r : rows)
    fmt::print("{:<15} {:>9} {:>9.2f} {:>9.2f} {:>6} {:>7.1f}% {:>14.2f}\n", r.policy,
               r.result.completion_s.size(), r.p50_ms, r.p99_ms, r.result.moves,
               100.0 * static_cast<double>(r.result.on_edge) /
                   static_cast<double>(std::max<size_t>(r.result.completion_s.size(), 1)),
               r.all_p99_ms);
}

/// "median (min-max)" of `values`.
std::string spread(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return fmt::format("median {:.2f} ({:.2f}-{:.2f})", values[values.size() / 2], values.front(),
                     values.back());
}

} // namespace

int main(int argc, char** argv) {
  auto args = kite::parse_cli(argc, argv, 1, {"seed", "seeds", "duration", "warmup"});
  if (!args || !args->positional.empty()) {
    std::fprintf(stderr, "usage: placement_quality [--seed N] [--seeds COUNT] [--duration "
                         "SECONDS] [--warmup SECONDS]\n");
    return 2;
  }
  auto sc = scenario::standard();
  sc.seed = std::strtoull(args->get("seed", "42").c_str(), nullptr, 10);
  auto seeds = std::strtoul(args->get("seeds", "5").c_str(), nullptr, 10);
  sc.duration_s = std::strtod(args->get("duration", "60").c_str(), nullptr);
  double warmup_s = std::strtod(args->get("warmup", "10").c_str(), nullptr);
  if (seeds < 1 || sc.duration_s <= 0 || warmup_s < 0 || warmup_s >= sc.duration_s / 2) {
    std::fprintf(stderr, "placement_quality: --seeds must be at least 1, --duration positive, "
                         "and --warmup at least 0 and less than half the duration\n");
    return 2;
  }
  sc.slow_at_s = sc.duration_s / 2;

  std::vector<double> vs_oracle;
  std::vector<double> vs_round_robin;
  for (unsigned long s = 0; s < seeds; ++s) {
    auto redrawn = sc;
    redrawn.seed = sc.seed + s;
    auto rows = run_policies(redrawn, warmup_s);
    if (s == 0) print_table(redrawn, warmup_s, rows);
    vs_oracle.push_back(p99_of(rows, "cost_model") / p99_of(rows, "oracle"));
    vs_round_robin.push_back(p99_of(rows, "cost_model") / p99_of(rows, "round_robin"));
  }
  auto verdict = [](double ratio, double target) {
    return ratio <= target ? "target met" : "TARGET MISSED";
  };
  fmt::print("cost_model p99 / oracle p99:      {:.2f}  (target: <= 1.2)  {}\n", vs_oracle[0],
             verdict(vs_oracle[0], 1.2));
  fmt::print("cost_model p99 / round_robin p99: {:.2f}  (target: <= 0.5)  {}\n", vs_round_robin[0],
             verdict(vs_round_robin[0], 0.5));
  if (seeds > 1) {
    fmt::print("over seeds {}-{}: vs oracle {}; vs round_robin {}\n", sc.seed, sc.seed + seeds - 1,
               spread(vs_oracle), spread(vs_round_robin));
  }
  return 0;
}
