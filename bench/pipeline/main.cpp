// bench/pipeline: a local 3-stage pipeline (filter, downsample, a counting sink) as Kite runs it
// (bounded stream queues, outlets, stage actors) against the same three stage logics in bare CAF
// actors that send each item straight to the next, as a user of CAF alone would write it.
// Messages per second end to end, and heap allocations per message, in one run.
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <future>
#include <memory>
#include <new>
#include <string>
#include <vector>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/stateful_actor.hpp>

#include "../offload_rtt/measurement.hpp"
#include "kite/actors/messages.hpp"
#include "kite/actors/stage.hpp"
#include "kite/actors/stages.hpp"
#include "kite/runtime/cli_args.hpp"
#include "kite/runtime/node.hpp"
#include "kite/runtime/outlet.hpp"
#include "kite/runtime/protocol.hpp"
#include "kite/runtime/stream_queue.hpp"

namespace {

/// Every heap allocation in the process, counted by the operator new below.
std::atomic<uint64_t> allocations{0};

} // namespace

void* operator new(std::size_t size) {
  allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc{};
}

void operator delete(void* p) noexcept {
  std::free(p);
}

void operator delete(void* p, std::size_t) noexcept {
  std::free(p);
}

namespace {

using namespace kite;
using clock_type = std::chrono::steady_clock;
using go_atom = caf::atom_constant<caf::atom("go")>;

/// Items a source or bare stage handles before it yields its thread.
constexpr int batch = 64;

caf::message sample(uint64_t i) {
  return caf::make_message(actors::sensor_sample{i, 0, {1.0f, 2.0f, 3.0f, 4.0f}});
}

/// The sink's logic: counts, and says when the last item came.
class counting_sink final : public actors::stage_logic {
public:
  counting_sink(uint64_t expected, std::promise<void>* done) : expected_(expected), done_(done) {}
  void on_item(const caf::message&, clock_type::time_point, std::vector<caf::message>&) override {
    if (++seen_ == expected_) done_->set_value();
  }

private:
  uint64_t expected_;
  uint64_t seen_ = 0;
  std::promise<void>* done_;
};

/// The three logics, fresh: a filter every sample passes, a downsample by 1, the sink.
std::vector<std::unique_ptr<actors::stage_logic>> logics(uint64_t n, std::promise<void>* done) {
  filter_config pass_all;
  pass_all.value.channel = 0;
  pass_all.min = -1e9;
  downsample_config every;
  every.every = 1;
  std::vector<std::unique_ptr<actors::stage_logic>> out;
  out.push_back(actors::make_filter(pass_all));
  out.push_back(actors::make_downsample(every));
  out.push_back(std::make_unique<counting_sink>(n, done));
  return out;
}

struct source_state {
  outlet out;
  uint64_t next = 0;
  uint64_t count = 0;
};

/// Kite's side: pushes `count` samples through its outlet, waiting when a queue blocks.
caf::behavior kite_source(caf::stateful_actor<source_state>* self, outlet out, uint64_t count) {
  self->state.out = std::move(out);
  self->state.count = count;
  auto pump = [self] {
    auto& s = self->state;
    for (int i = 0; i < batch && s.next < s.count; ++i)
      if (!s.out.push(sample(s.next++), self)) return; // resume_atom comes when there is room
    if (s.next < s.count)
      self->send(self, go_atom::value);
    else
      s.out.end();
  };
  self->send(self, go_atom::value);
  return {
      [pump](go_atom) { pump(); },
      [self, pump](resume_atom) {
        if (self->state.out.flush(self)) pump();
      },
  };
}

/// Kite: source -> queue -> filter -> queue -> downsample -> queue -> sink; items per second.
double run_kite(caf::actor_system& sys, uint64_t n) {
  std::promise<void> done;
  auto stages = logics(n, &done);
  queue_config queue; // 1000, block: the default of every stage
  std::vector<std::shared_ptr<stream_queue>> queues;
  const char* names[] = {"filter", "downsample", "sink"};
  const char* feeders[] = {"source", "filter", "downsample"};
  for (int i = 0; i < 3; ++i)
    queues.push_back(
        std::make_shared<stream_queue>(names[i], queue, std::vector<std::string>{feeders[i]}));
  std::vector<caf::actor> actors;
  for (int i = 2; i >= 0; --i) {
    auto logic = std::make_shared<std::unique_ptr<actors::stage_logic>>(std::move(stages[i]));
    auto make = std::make_shared<actors::stage_logic_factory>(
        [logic] { return std::move(*logic); }); // one incarnation: nothing restarts here
    auto out = i == 2 ? outlet{names[i], {}} : outlet{names[i], {queues[i + 1]}};
    actors.push_back(sys.spawn(actors::stage, queues[i], out, make));
  }
  auto start = clock_type::now();
  actors.push_back(sys.spawn(kite_source, outlet{"source", {queues[0]}}, n));
  done.get_future().wait();
  double seconds = std::chrono::duration<double>(clock_type::now() - start).count();
  for (auto& a : actors)
    caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
  return static_cast<double>(n) / seconds;
}

struct bare_state {
  std::unique_ptr<actors::stage_logic> logic;
  std::vector<caf::message> produced;
};

/// Bare CAF: runs `logic` on each item and sends what it produces to `next`.
caf::behavior bare_stage(caf::stateful_actor<bare_state>* self,
                         std::shared_ptr<std::unique_ptr<actors::stage_logic>> logic,
                         caf::actor next) {
  self->state.logic = std::move(*logic);
  return {
      [self, next](const actors::sensor_sample&) {
        auto& s = self->state;
        // The item as the message it came in, as Kite's queues hold it: no copy.
        s.logic->on_item(self->current_mailbox_element()->move_content_to_message(),
                         clock_type::now(), s.produced);
        for (auto& item : s.produced)
          self->send(next, std::move(item));
        s.produced.clear();
      },
  };
}

/// Bare CAF: the source sends every sample at once, as CAF alone has no bound on a mailbox.
double run_bare(caf::actor_system& sys, uint64_t n) {
  std::promise<void> done;
  auto stages = logics(n, &done);
  caf::actor next;
  std::vector<caf::actor> actors;
  for (int i = 2; i >= 0; --i) {
    next = sys.spawn(bare_stage,
                     std::make_shared<std::unique_ptr<actors::stage_logic>>(std::move(stages[i])),
                     next);
    actors.push_back(next);
  }
  auto start = clock_type::now();
  actors.push_back(sys.spawn([first = next, n](caf::event_based_actor* self) {
    for (uint64_t i = 0; i < n; ++i)
      self->send(first, sample(i));
  }));
  done.get_future().wait();
  double seconds = std::chrono::duration<double>(clock_type::now() - start).count();
  for (auto& a : actors)
    caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
  return static_cast<double>(n) / seconds;
}

struct result {
  std::vector<double> rates;
  std::vector<double> allocations_per_message;
};

template <class Run> void measure(Run&& run, caf::actor_system& sys, uint64_t n, result& out) {
  auto before = allocations.load();
  out.rates.push_back(run(sys, n));
  out.allocations_per_message.push_back(static_cast<double>(allocations.load() - before) /
                                        static_cast<double>(n));
}

} // namespace

int main(int argc, char** argv) {
  auto args = kite::parse_cli(argc, argv, 1, {"reps", "messages", "threads", "json"});
  if (!args || !args->positional.empty()) {
    std::fprintf(stderr, "usage: pipeline [--reps N] [--messages N] [--threads N] [--json FILE]\n");
    return 2;
  }
  int reps = std::atoi(args->get("reps", "5").c_str());
  uint64_t n = std::strtoull(args->get("messages", "200000").c_str(), nullptr, 10);
  auto threads = static_cast<uint32_t>(std::atoi(args->get("threads", "2").c_str()));
  if (reps < 1 || n < 1000 || threads < 1) {
    std::fprintf(stderr, "pipeline: --reps >= 1, --messages >= 1000, --threads >= 1\n");
    return 2;
  }
  kite::configure_allocator();
  caf::actor_system_config cfg;
  kite::configure_scheduler(cfg, threads);
  caf::actor_system sys{cfg};
  // A warm-up of each, then repetitions alternating, so drift in the machine hits both alike.
  result kite_side;
  result bare_side;
  run_kite(sys, n / 10);
  run_bare(sys, n / 10);
  for (int rep = 0; rep < reps; ++rep) {
    measure(run_kite, sys, n, kite_side);
    measure(run_bare, sys, n, bare_side);
  }
  std::vector<double> ratios;
  for (int rep = 0; rep < reps; ++rep)
    ratios.push_back(kite_side.rates[rep] / bare_side.rates[rep]);
  auto median = [](std::vector<double> xs) { return kite::bench::quantile(xs, 0.5); };
  auto range = [](std::vector<double> xs) {
    kite::bench::quantile(xs, 0.5); // sorts
    return std::pair{xs.front(), xs.back()};
  };
  std::printf("%-9s %12s %11s   %s\n", "pipeline", "messages/s", "allocs/msg",
              "ranges over reps: messages/s; allocs/msg");
  std::FILE* json =
      args->get("json").empty() ? nullptr : std::fopen(args->get("json").c_str(), "w");
  for (auto [name, side] : {std::pair{"kite", &kite_side}, std::pair{"bare caf", &bare_side}}) {
    auto [rate_min, rate_max] = range(side->rates);
    auto [alloc_min, alloc_max] = range(side->allocations_per_message);
    std::printf("%-9s %12.0f %11.2f   %.0f-%.0f; %.2f-%.2f\n", name, median(side->rates),
                median(side->allocations_per_message), rate_min, rate_max, alloc_min, alloc_max);
    if (json != nullptr)
      std::fprintf(json,
                   "{\"bench\":\"pipeline\",\"side\":\"%s\",\"threads\":%u,\"messages\":%llu,"
                   "\"reps\":%d,\"messages_per_s\":%.0f,\"allocations_per_message\":%.3f}\n",
                   name, threads, static_cast<unsigned long long>(n), reps, median(side->rates),
                   median(side->allocations_per_message));
  }
  auto [ratio_min, ratio_max] = range(ratios);
  bool met = median(ratios) >= 0.9;
  std::printf("kite / bare caf throughput: %.2f (%.2f-%.2f); target >= 0.9: %s\n", median(ratios),
              ratio_min, ratio_max, met ? "met" : "MISSED");
  if (json != nullptr) std::fclose(json);
  return 0;
}
