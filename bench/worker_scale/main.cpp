// bench/worker_scale: one worker's throughput against its scheduler threads and against the
// number of connected edges (1 to 1,000 simulated DEALERs), the same requests in flight in all.
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "../cpu_time.hpp"
#include "../offload_rtt/raw_zmq.hpp"
#include "../report.hpp"
#include "../server_process.hpp"
#include "kite/runtime/cli_args.hpp"
#include "kite/runtime/error.hpp"
#include "simulated_edges.hpp"

namespace {

using kite::bench::server_process;
using kite::bench::spread_of;

std::string worker_config(const std::string& dir, uint32_t threads) {
  auto path = fmt::format("{}/worker-{}.yaml", dir, threads);
  std::ofstream out{path};
  // Plaintext: the cost measured is the worker's, not CURVE's (offload_rtt measures that).
  out << fmt::format("kind: worker\nnode_id: bench-worker\nthreads: {}\n", threads)
      << "bind: tcp://127.0.0.1:*\nlog: {level: warn}\nsecurity: {curve: false}\n"
      << fmt::format("plugins: [\"{}\"]\n", KITE_SPIN_PLUGIN);
  return path;
}

/// One measurement: answers per second and the CPU per answer of the server and the edges.
struct sample {
  double rate = 0;
  double server_cpu_us = 0;
  double client_cpu_us = 0;
};

/// What serves the edges: a Kite worker hosting `actor` on `threads` threads, or the raw echo.
struct server_kind {
  std::string actor; // empty: the raw echo
  uint32_t threads = 0;

  std::string name() const { return actor.empty() ? "raw zmq" : actor; }
};

sample measure(const std::string& dir, const server_kind& kind, const kite::bench::edge_load& load,
               int generation) {
  auto ready = fmt::format("{}/ready-{}", dir, generation);
  auto self = std::filesystem::canonical("/proc/self/exe").string();
  server_process server{kind.actor.empty()
                            ? std::vector<std::string>{self, "raw-server", "--ready-file", ready}
                            : std::vector<std::string>{KITE_CLOUD_BIN, "worker", "--config",
                                                       worker_config(dir, kind.threads),
                                                       "--ready-file", ready},
                        ready};
  double cpu_start = 0;
  double cpu = 0;
  auto result = kite::bench::drive_edges(server.endpoint(), load, [&](bool start) {
    if (start)
      cpu_start = kite::bench::cpu_seconds(server.pid());
    else
      cpu = kite::bench::cpu_seconds(server.pid()) - cpu_start;
  });
  return {result.answers_per_s, cpu * 1e6 / static_cast<double>(result.answers),
          result.client_cpu_us};
}

/// Lets this process and the worker it starts hold a descriptor per connection and more.
void raise_descriptor_limit() {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &limit);
  }
}

constexpr const char* usage =
    "usage: worker_scale [--reps N] [--threads 1,2] [--edges 1,10,100,1000] [--quick yes]\n"
    "                    [--json FILE]\n"
    "  --threads LIST  the worker's CAF scheduler threads, one row set each (default 1,2)\n"
    "  --edges LIST    connected edges, one DEALER each, in one client thread\n"
    "  --reps N        repetitions, each a fresh worker, edge counts alternating (default 3)\n"
    "  --quick yes     a short run, to check that it works\n";

/// The edge count every other is compared with (issue 7: 1,000 within 20% of 10).
constexpr size_t baseline_edges = 10;
constexpr double edges_target = 0.8;

int run(int argc, char** argv) {
  auto args = kite::parse_cli(argc, argv, 1, {"reps", "threads", "edges", "quick", "json"});
  if (!args || !args->positional.empty()) {
    std::fprintf(stderr, "worker_scale: %s\n%s",
                 args ? "unexpected argument" : kite::describe(args.error()).c_str(), usage);
    return 2;
  }
  int reps = std::atoi(args->get("reps", "3").c_str());
  // Positive numbers, or empty.
  auto thread_counts = kite::bench::parse_sizes(args->get("threads", "1,2"));
  auto edge_counts = kite::bench::parse_sizes(args->get("edges", "1,10,100,1000"));
  bool quick = args->get("quick") == "yes";
  bool counts_ok = !thread_counts.empty() && !edge_counts.empty();
  for (auto n : edge_counts)
    counts_ok = counts_ok && n <= 10000;
  if (reps < 1 || !counts_ok) {
    std::fprintf(stderr, "worker_scale: bad --reps, --threads or --edges\n%s", usage);
    return 2;
  }
  raise_descriptor_limit();
  std::FILE* json = nullptr;
  if (auto path = args->get("json"); !path.empty()) {
    json = std::fopen(path.c_str(), "w");
    if (json == nullptr) throw std::runtime_error("cannot write " + path);
  }
  std::string dir = std::filesystem::temp_directory_path() / "kite-scale.XXXXXX";
  if (::mkdtemp(dir.data()) == nullptr) throw std::runtime_error("cannot create a temp dir");

  std::vector<server_kind> kinds{{}};
  for (const char* actor : {"kite.echo", "bench.spin"})
    for (auto threads : thread_counts)
      kinds.push_back({actor, static_cast<uint32_t>(threads)});
  // samples[kind][edges][rep]; every kind and edge count in turn within a repetition, so that
  // drift in the machine's load hits them alike.
  std::vector<std::map<size_t, std::vector<sample>>> samples(kinds.size());
  int generation = 0;
  for (int rep = 0; rep < reps; ++rep)
    for (auto edges : edge_counts)
      for (size_t k = 0; k < kinds.size(); ++k) {
        kite::bench::edge_load load;
        load.edges = edges;
        load.kite_protocol = !kinds[k].actor.empty();
        if (load.kite_protocol) load.actor_type = kinds[k].actor;
        load.warmup = std::max<size_t>(quick ? 500 : 2000, 2 * edges);
        load.timed = kinds[k].actor == "bench.spin" ? 20000 : 50000;
        if (quick) load.timed /= 10;
        samples[k][edges].push_back(measure(dir, kinds[k], load, generation++));
      }

  std::printf("%-10s %7s %6s %11s %10s %10s %7s %7s   %s\n", "server", "threads", "edges",
              "answers/s", "server us", "edges us", "vs 10", "vs raw",
              "ranges over reps: answers/s; server us/answer");
  bool all_met = true;
  for (size_t k = 0; k < kinds.size(); ++k)
    for (auto edges : edge_counts) {
      const auto& here = samples[k][edges];
      std::vector<double> rate, server_cpu, client_cpu, vs_baseline, vs_raw;
      for (int rep = 0; rep < reps; ++rep) {
        rate.push_back(here[rep].rate);
        server_cpu.push_back(here[rep].server_cpu_us);
        client_cpu.push_back(here[rep].client_cpu_us);
        if (samples[k].count(baseline_edges))
          vs_baseline.push_back(here[rep].rate / samples[k][baseline_edges][rep].rate);
        if (kinds[k].actor == "kite.echo")
          vs_raw.push_back(here[rep].rate / samples[0][edges][rep].rate);
      }
      auto r = spread_of(rate);
      auto w = spread_of(server_cpu);
      auto c = spread_of(client_cpu);
      auto ratio = [](const std::vector<double>& v) {
        return v.empty() ? std::string{} : fmt::format("{:.2f}", spread_of(v).median);
      };
      std::string verdict;
      // The target is Kite's; the raw echo's own ratio says what ZeroMQ itself loses.
      if (edges >= 1000 && !vs_baseline.empty() && !kinds[k].actor.empty()) {
        bool met = spread_of(vs_baseline).median >= edges_target;
        all_met = all_met && met;
        verdict = met ? "  target met" : "  TARGET MISSED";
      }
      std::printf("%-10s %7s %6zu %11.0f %10.1f %10.1f %7s %7s   %.0f-%.0f; %.1f-%.1f%s\n",
                  kinds[k].name().c_str(),
                  kinds[k].threads ? std::to_string(kinds[k].threads).c_str() : "", edges, r.median,
                  w.median, c.median, ratio(vs_baseline).c_str(), ratio(vs_raw).c_str(), r.min,
                  r.max, w.min, w.max, verdict.c_str());
      if (json != nullptr)
        std::fprintf(json,
                     "{\"bench\":\"worker_scale\",\"server\":\"%s\",\"threads\":%u,"
                     "\"edges\":%zu,\"reps\":%d,\"answers_per_s\":%.0f,"
                     "\"answers_per_s_min\":%.0f,\"answers_per_s_max\":%.0f,"
                     "\"server_cpu_us\":%.2f,\"edges_cpu_us\":%.2f%s%s}\n",
                     kinds[k].name().c_str(), kinds[k].threads, edges, reps, r.median, r.min, r.max,
                     w.median, c.median,
                     vs_baseline.empty()
                         ? ""
                         : fmt::format(",\"vs_10_edges\":{}", ratio(vs_baseline)).c_str(),
                     vs_raw.empty() ? "" : fmt::format(",\"vs_raw\":{}", ratio(vs_raw)).c_str());
    }
  if (json != nullptr) std::fclose(json);
  std::filesystem::remove_all(dir);
  std::printf("%s\n", all_met ? "all targets met" : "some targets missed");
  return 0;
}

} // namespace

int run_raw_server(int argc, char** argv) {
  auto args = kite::parse_cli(argc, argv, 2, {"ready-file"});
  if (!args) return 2;
  return kite::bench::serve_raw_echo("tcp://127.0.0.1:*", {}, args->get("ready-file"));
}

int main(int argc, char** argv) {
  try {
    if (argc >= 2 && std::string{argv[1]} == "raw-server") return run_raw_server(argc, argv);
    return run(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "worker_scale: %s\n", e.what());
    return 1;
  }
}
