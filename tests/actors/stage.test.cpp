// The stage actor under the pipeline's supervisor, in one process: a stage whose logic throws is
// restarted, and what was queued for it meanwhile reaches the sink; a full blocking queue makes
// the source wait instead of dropping.
#include "kite/actors/stage.hpp"

#include <chrono>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/scoped_actor.hpp>
#include <catch2/catch.hpp>

#include "../runtime/eventually.hpp"
#include "kite/actors/messages.hpp"
#include "kite/actors/synthetic_source.hpp"
#include "kite/runtime/supervisor.hpp"

using namespace kite;
using namespace std::chrono_literals;

namespace {

/// The sequences a test sink received, in order.
struct received {
  std::mutex mutex;
  std::vector<uint64_t> sequences;

  size_t size() {
    std::lock_guard<std::mutex> guard{mutex};
    return sequences.size();
  }
  std::vector<uint64_t> copy() {
    std::lock_guard<std::mutex> guard{mutex};
    return sequences;
  }
};

class recording_sink final : public actors::stage_logic {
public:
  explicit recording_sink(std::shared_ptr<received> out) : out_(std::move(out)) {}
  void on_item(const caf::message& in, clock_type::time_point,
               std::vector<caf::message>&) override {
    std::lock_guard<std::mutex> guard{out_->mutex};
    out_->sequences.push_back(in.get_as<actors::sensor_sample>(0).sequence);
  }

private:
  std::shared_ptr<received> out_;
};

/// Passes samples on, but throws on sequence `poison`, once per process.
class fragile_stage final : public actors::stage_logic {
public:
  fragile_stage(uint64_t poison, std::shared_ptr<std::atomic<int>> thrown)
      : poison_(poison), thrown_(std::move(thrown)) {}
  void on_item(const caf::message& in, clock_type::time_point,
               std::vector<caf::message>& out) override {
    if (in.get_as<actors::sensor_sample>(0).sequence == poison_ && thrown_->fetch_add(1) == 0)
      throw std::runtime_error("the fragile stage met its poison");
    out.push_back(in);
  }

private:
  uint64_t poison_;
  std::shared_ptr<std::atomic<int>> thrown_;
};

template <class Logic, class... Ts> std::shared_ptr<actors::stage_logic_factory> factory(Ts... xs) {
  return std::make_shared<actors::stage_logic_factory>(
      [xs...] { return std::make_unique<Logic>(xs...); });
}

} // namespace

TEST_CASE("a stage whose logic throws is restarted by its supervisor, and the items queued for "
          "it meanwhile reach the sink") {
  caf::actor_system_config cfg;
  caf::actor_system sys{cfg};
  auto got = std::make_shared<received>();
  auto thrown = std::make_shared<std::atomic<int>>(0);
  auto to_stage =
      std::make_shared<stream_queue>("fragile", queue_config{}, std::vector<std::string>{"source"});
  auto to_sink =
      std::make_shared<stream_queue>("sink", queue_config{}, std::vector<std::string>{"fragile"});
  synthetic_config source;
  source.rate_hz = 1000;
  source.count = 50;
  source.values = 1;
  supervisor_flags flags;
  flags.backoff.initial = 1ms;
  std::vector<child_spec> children{
      {"sink",
       [&](caf::actor_system& s, const child_handles&) {
         return s.spawn(actors::stage, to_sink, outlet{"sink", {}}, factory<recording_sink>(got));
       }},
      {"fragile",
       [&](caf::actor_system& s, const child_handles&) {
         return s.spawn(actors::stage, to_stage, outlet{"fragile", {to_sink}},
                        factory<fragile_stage>(uint64_t{10}, thrown));
       }},
      {"source", [&](caf::actor_system& s, const child_handles&) {
         return s.spawn(actors::synthetic_source, source, outlet{"source", {to_stage}});
       }}};
  auto pipeline = spawn_supervisor(sys, "pipeline", flags, children);
  REQUIRE(test::eventually([&] { return to_sink->finished(); }));
  CHECK(thrown->load() == 1);
  // The poisoned item went down with the stage; every other one arrived, in order.
  auto sequences = got->copy();
  REQUIRE(sequences.size() == 49);
  for (size_t i = 0; i < sequences.size(); ++i)
    CHECK(sequences[i] == (i < 10 ? i : i + 1));
  caf::scoped_actor self{sys};
  self->send_exit(pipeline.supervisor, caf::exit_reason::user_shutdown);
  self->wait_for(pipeline.supervisor);
}

TEST_CASE("a full blocking queue makes the source wait, and nothing is dropped") {
  caf::actor_system_config cfg;
  caf::actor_system sys{cfg};
  queue_config tiny{4, overflow_policy::block};
  auto to_sink = std::make_shared<stream_queue>("sink", tiny, std::vector<std::string>{"source"});
  synthetic_config source;
  source.rate_hz = 100'000; // far faster than the sink is allowed to take
  source.count = 200;
  source.values = 1;
  auto got = std::make_shared<received>();
  auto producer = sys.spawn(actors::synthetic_source, source, outlet{"source", {to_sink}});
  // No consumer yet: the source fills the queue and waits.
  REQUIRE(test::eventually([&] { return to_sink->stats().waits.load() > 0; }));
  CHECK(to_sink->depth() == 4);
  auto consumer =
      sys.spawn(actors::stage, to_sink, outlet{"sink", {}}, factory<recording_sink>(got));
  REQUIRE(test::eventually([&] { return to_sink->finished(); }));
  CHECK(to_sink->stats().dropped.load() == 0);
  auto sequences = got->copy();
  REQUIRE(sequences.size() == 200);
  for (size_t i = 0; i < sequences.size(); ++i)
    CHECK(sequences[i] == i);
  caf::anon_send_exit(producer, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(consumer, caf::exit_reason::user_shutdown);
}
