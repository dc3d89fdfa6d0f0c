// bench/supervision: how fast a supervisor restarts a crashed child, what supervision costs a
// pipeline's throughput against the same pipeline unsupervised, in one run, and how long an
// edge takes to get answers from another worker when the one hosting its actor dies or hangs.
#include <csignal>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/scoped_actor.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "failover.hpp"
#include "kite/runtime/cli_args.hpp"
#include "kite/runtime/error.hpp"
#include "kite/runtime/node.hpp"
#include "kite/runtime/supervisor.hpp"

namespace {

using clock_type = std::chrono::steady_clock;
using crash_atom = caf::atom_constant<caf::atom("crash")>;
using started_atom = caf::atom_constant<caf::atom("started")>;
using done_atom = caf::atom_constant<caf::atom("done")>;

int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(clock_type::now().time_since_epoch())
      .count();
}

/// Tells `observer` when it started; on crash_atom, notes the time and ends abnormally.
caf::behavior crashing_child(caf::event_based_actor* self, caf::actor observer,
                             std::atomic<int64_t>* crashed_at) {
  self->send(observer, started_atom::value, now_ns());
  return {[self, crashed_at](crash_atom) {
    crashed_at->store(now_ns());
    self->quit(caf::make_error(caf::sec::runtime_error));
  }};
}

/// Restart latency: from the moment a child ends to the moment its next incarnation runs.
std::vector<double> restart_latencies_us(caf::actor_system& sys, size_t restarts) {
  caf::scoped_actor self{sys};
  std::atomic<int64_t> crashed_at{0};
  kite::supervisor_flags flags;
  flags.intensity = static_cast<uint32_t>(restarts + 1);
  flags.period = std::chrono::hours(1);
  flags.backoff.initial = std::chrono::milliseconds(0); // the machinery alone, no delay
  kite::child_spec child{"child", [&](caf::actor_system& s, const kite::child_handles&) {
                           return s.spawn(crashing_child, caf::actor{self}, &crashed_at);
                         }};
  auto sup = kite::spawn_supervisor(sys, "bench", flags, {child});
  self->receive([](started_atom, int64_t) {});
  std::vector<double> out;
  out.reserve(restarts);
  for (size_t i = 0; i < restarts; ++i) {
    self->send(sup.children["child"], crash_atom::value);
    self->receive([&](started_atom, int64_t started) {
      out.push_back(static_cast<double>(started - crashed_at.load()) / 1000.0);
    });
  }
  self->send_exit(sup.supervisor, caf::exit_reason::user_shutdown);
  self->wait_for(sup.supervisor);
  return out;
}

using go_atom = caf::atom_constant<caf::atom("go")>;

caf::behavior counting_sink(caf::event_based_actor* self, uint64_t expected, caf::actor observer) {
  auto seen = std::make_shared<uint64_t>(0);
  return {[=](uint64_t) {
    if (++*seen == expected) self->send(observer, done_atom::value);
  }};
}

caf::behavior forwarding_stage(caf::event_based_actor* self, caf::actor next) {
  return {[self, next](uint64_t x) { self->send(next, x * 2); }};
}

/// Sends `count` numbers to `next` when told to go.
caf::behavior counting_source(caf::event_based_actor* self, uint64_t count, caf::actor next) {
  return {[=](go_atom) {
    for (uint64_t i = 0; i < count; ++i)
      self->send(next, i);
  }};
}

/// How the pipeline's stages are started and wired.
enum class wiring {
  /// Spawned directly, no supervisor.
  unsupervised,
  /// Children of a one_for_one supervisor, each wired to the next one's stable handle.
  stable_handles,
  /// Children of a rest_for_one supervisor, each wired to the next one's incarnation.
  incarnations,
};

/// Messages per second through source -> stage -> sink.
double pipeline_rate(caf::actor_system& sys, uint64_t messages, wiring how) {
  caf::scoped_actor self{sys};
  caf::actor source;
  std::vector<caf::actor> to_stop;
  if (how == wiring::unsupervised) {
    auto sink = sys.spawn(counting_sink, messages, caf::actor{self});
    auto stage = sys.spawn(forwarding_stage, sink);
    source = sys.spawn(counting_source, messages, stage);
    to_stop = {source, stage, sink};
  } else {
    bool stable = how == wiring::stable_handles;
    auto next = [stable](const kite::child_handles& siblings, const std::string& id) {
      return stable ? siblings.at(id) : siblings.current(id);
    };
    kite::child_spec sink{"sink", [&](caf::actor_system& s, const kite::child_handles&) {
                            return s.spawn(counting_sink, messages, caf::actor{self});
                          }};
    kite::child_spec stage{"stage", [next](caf::actor_system& s, const kite::child_handles& h) {
                             return s.spawn(forwarding_stage, next(h, "sink"));
                           }};
    kite::child_spec src{"source",
                         [next, messages](caf::actor_system& s, const kite::child_handles& h) {
                           return s.spawn(counting_source, messages, next(h, "stage"));
                         }};
    kite::supervisor_flags flags;
    flags.strategy =
        stable ? kite::restart_strategy::one_for_one : kite::restart_strategy::rest_for_one;
    auto sup = kite::spawn_supervisor(sys, "bench", flags, {sink, stage, src});
    source = sup.children["source"];
    to_stop.push_back(sup.supervisor);
  }
  auto start = clock_type::now();
  self->send(source, go_atom::value);
  self->receive([](done_atom) {});
  auto seconds = std::chrono::duration<double>(clock_type::now() - start).count();
  for (auto& actor : to_stop) {
    self->send_exit(actor, caf::exit_reason::user_shutdown);
    self->wait_for(actor);
  }
  return static_cast<double>(messages) / seconds;
}

double quantile(std::vector<double> v, double q) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[static_cast<size_t>(q * static_cast<double>(v.size() - 1) + 0.5)];
}

} // namespace

int main(int argc, char** argv) {
  auto args = kite::parse_cli(argc, argv, 1,
                              {"reps", "restarts", "messages", "threads", "tries", "worker-bin"});
  if (!args || !args->positional.empty()) {
    std::fprintf(stderr, "usage: supervision [--reps N] [--restarts N] [--messages N] "
                         "[--threads N] [--tries N] [--worker-bin PATH]\n");
    return 2;
  }
  int reps = std::atoi(args->get("reps", "5").c_str());
  size_t restarts = std::strtoul(args->get("restarts", "1000").c_str(), nullptr, 10);
  uint64_t messages = std::strtoull(args->get("messages", "2000000").c_str(), nullptr, 10);
  auto threads = static_cast<uint32_t>(std::atoi(args->get("threads", "2").c_str()));
  int tries = std::atoi(args->get("tries", "3").c_str());
  if (reps < 1 || restarts < 1 || messages < 1 || threads < 1 || tries < 1) {
    std::fprintf(stderr,
                 "supervision: --reps, --restarts, --messages, --threads, --tries must be >= 1\n");
    return 2;
  }
  spdlog::set_level(spdlog::level::off); // every restart logs a warning
  caf::actor_system_config cfg;
  kite::configure_scheduler(cfg, threads);
  caf::actor_system sys{cfg};

  std::vector<double> latencies;
  std::vector<double> plain;
  std::vector<double> stable;
  std::vector<double> direct;
  std::vector<double> stable_ratio;
  std::vector<double> direct_ratio;
  for (int rep = 0; rep < reps; ++rep) {
    auto l = restart_latencies_us(sys, restarts);
    latencies.insert(latencies.end(), l.begin(), l.end());
    // Interleaved, so machine noise hits all three; each the best of `tries` runs, which
    // drops the runs a neighbour on this shared machine slowed down.
    auto best = [&](wiring w) {
      double out = 0;
      for (int i = 0; i < tries; ++i)
        out = std::max(out, pipeline_rate(sys, messages, w));
      return out;
    };
    plain.push_back(best(wiring::unsupervised));
    stable.push_back(best(wiring::stable_handles));
    direct.push_back(best(wiring::incarnations));
    stable_ratio.push_back(stable.back() / plain.back());
    direct_ratio.push_back(direct.back() / plain.back());
  }
  auto med = [](std::vector<double> v) { return quantile(std::move(v), 0.5); };
  auto lo = [](const std::vector<double>& v) { return *std::min_element(v.begin(), v.end()); };
  auto hi = [](const std::vector<double>& v) { return *std::max_element(v.begin(), v.end()); };
  fmt::print("restart latency of a crashed child (backoff 0): {} restarts over {} reps\n",
             latencies.size(), reps);
  fmt::print("  median {:.1f} us, p99 {:.1f} us, max {:.1f} us  (target: median < 100 us)  {}\n",
             med(latencies), quantile(latencies, 0.99), hi(latencies),
             med(latencies) < 100.0 ? "target met" : "TARGET MISSED");
  fmt::print("pipeline source -> stage -> sink, {} messages, {} scheduler threads, {} reps, "
             "each rate the best of {} runs\n",
             messages, threads, reps, tries);
  fmt::print("  {:<50} {:>10} {:>21} {:>7} {}\n", "", "msg/s", "range", "ratio", "(range)");
  auto row = [&](const char* name, const std::vector<double>& rate,
                 const std::vector<double>* ratio) {
    fmt::print("  {:<50} {:>10.0f} {:>10.0f}-{:<10.0f}", name, med(rate), lo(rate), hi(rate));
    if (ratio != nullptr)
      fmt::print(" {:>7.3f} ({:.3f}-{:.3f}) {}", med(*ratio), lo(*ratio), hi(*ratio),
                 med(*ratio) >= 0.95 ? "target met" : "TARGET MISSED");
    fmt::print("\n");
  };
  row("unsupervised", plain, nullptr);
  row("supervised, rest_for_one, wired to incarnations", direct, &direct_ratio);
  row("supervised, one_for_one, wired to stable handles", stable, &stable_ratio);
  fmt::print("  (target: ratio >= 0.95 of unsupervised)\n");

  auto worker_bin = args->get("worker-bin", KITE_CLOUD_BIN);
  fmt::print("failover: fault of the worker hosting the actor -> first answer from the other one\n"
             "  2 worker processes, default heartbeats (200 ms, down after 4 misses), loopback, "
             "one request always in flight, {} reps\n",
             reps);
  for (auto [name, sig] : {std::pair{"kill -9", SIGKILL}, std::pair{"SIGSTOP (hang)", SIGSTOP}}) {
    auto times = kite::bench::failover_ms(worker_bin, sig, reps);
    fmt::print("  {:<16} median {:7.1f} ms, range {:.1f}-{:.1f} ms  (target: < 1500 ms)  {}\n",
               name, med(times), lo(times), hi(times),
               hi(times) < 1500.0 ? "target met" : "TARGET MISSED");
  }
  return 0;
}
