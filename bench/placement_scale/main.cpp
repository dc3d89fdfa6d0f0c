// bench/placement_scale: the placement service's state alone, in-process, fed simulated reports
// from many edges and workers; measures placement decisions per second on one core and the
// memory each placed actor costs.
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <random>
#include <string>
#include <unistd.h>

#include <fmt/format.h>

#include "kite/cloud/placement_directory.hpp"
#include "kite/runtime/cli_args.hpp"

namespace {

using kite::cloud::placement_directory;
using clock_type = placement_directory::clock_type;

/// Resident memory of this process in bytes, from /proc/self/statm.
double resident_bytes() {
  std::ifstream statm{"/proc/self/statm"};
  double pages = 0;
  double resident = 0;
  statm >> pages >> resident;
  return resident * static_cast<double>(::sysconf(_SC_PAGESIZE));
}

} // namespace

int main(int argc, char** argv) {
  auto args = kite::parse_cli(argc, argv, 1, {"edges", "workers", "actors", "paths"});
  if (!args || !args->positional.empty()) {
    std::fprintf(stderr,
                 "usage: placement_scale [--edges N] [--workers N] [--actors N] [--paths N]\n");
    return 2;
  }
  auto edges = std::strtoul(args->get("edges", "10000").c_str(), nullptr, 10);
  auto workers = std::strtoul(args->get("workers", "1000").c_str(), nullptr, 10);
  auto actors = std::strtoul(args->get("actors", "100000").c_str(), nullptr, 10);
  auto paths = std::strtoul(args->get("paths", "8").c_str(), nullptr, 10);
  if (edges < 1 || workers < 1 || actors < 1) {
    std::fprintf(stderr, "placement_scale: --edges, --workers and --actors must be >= 1\n");
    return 2;
  }
  const std::string type = "robotics.mapper";
  std::mt19937_64 random{42};
  std::uniform_real_distribution<double> unit{0, 1};
  auto now = clock_type::now();
  placement_directory directory{std::make_unique<kite::cloud::cost_model_policy>(),
                                kite::hysteresis_config{}, std::chrono::hours(1)};
  for (unsigned long w = 0; w < workers; ++w) {
    kite::cloud::worker_report report;
    report.id = fmt::format("worker-{}", w);
    report.capacity = 16;
    report.types = {type};
    report.backlog = std::floor(unit(random) * 20);
    report.service_s[type] = 0.001 + unit(random) * 0.004;
    directory.report(report, now);
  }
  // Each edge measured a few workers; the rest count as unmeasured.
  for (unsigned long e = 0; e < edges; ++e) {
    kite::cloud::edge_report report;
    report.id = fmt::format("robot-{}", e);
    for (unsigned long p = 0; p < paths; ++p)
      report.paths[fmt::format("worker-{}", random() % workers)] = {0.002 + unit(random) * 0.1,
                                                                    10e6};
    directory.report(report, now);
  }
  auto before = resident_bytes();
  auto start = clock_type::now();
  for (unsigned long a = 0; a < actors; ++a) {
    auto edge = fmt::format("robot-{}", a % edges);
    if (!directory.place(edge, type, fmt::format("key-{}", a), now)) return 1;
  }
  auto seconds = std::chrono::duration<double>(clock_type::now() - start).count();
  auto grown = resident_bytes() - before;
  auto rate = static_cast<double>(actors) / seconds;
  fmt::print("placement decisions, cost_model over {} workers for {} edges ({} measured paths "
             "each), one thread\n",
             workers, edges, paths);
  fmt::print("  {} new actors placed in {:.2f} s: {:.0f} decisions/s  (target: >= 100000/s)  {}\n",
             actors, seconds, rate, rate >= 100000 ? "target met" : "TARGET MISSED");
  fmt::print("  memory per placed actor: {:.0f} bytes (resident growth over {} actors)\n",
             grown / static_cast<double>(actors), actors);
  return 0;
}
