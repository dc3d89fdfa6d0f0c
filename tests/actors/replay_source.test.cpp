// The replay source in one process, against a real file: a looping replay whose file lost its
// samples ends instead of spinning, and a gap in a recording's clock is not waited out.
#include "kite/actors/replay_source.hpp"

#include <fstream>
#include <memory>
#include <mutex>
#include <vector>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/send.hpp>
#include <catch2/catch.hpp>

#include "../runtime/eventually.hpp"
#include "../runtime/temp_dir.hpp"
#include "kite/actors/messages.hpp"
#include "kite/actors/stage.hpp"

using namespace kite;

namespace {

/// Counts what reaches it.
class counting_sink final : public actors::stage_logic {
public:
  explicit counting_sink(std::shared_ptr<std::atomic<int>> count) : count_(std::move(count)) {}
  void on_item(const caf::message&, clock_type::time_point, std::vector<caf::message>&) override {
    ++*count_;
  }

private:
  std::shared_ptr<std::atomic<int>> count_;
};

std::shared_ptr<actors::stage_logic_factory> counting(std::shared_ptr<std::atomic<int>> count) {
  return std::make_shared<actors::stage_logic_factory>(
      [count] { return std::make_unique<counting_sink>(count); });
}

} // namespace

TEST_CASE("a looping replay whose file lost its samples ends instead of spinning") {
  caf::actor_system_config cfg;
  caf::actor_system sys{cfg};
  test::temp_dir dir;
  auto file = dir.write("loop.csv", "1,1\n2,2\n3,3\n");
  auto queue = std::make_shared<stream_queue>("sink", queue_config{4, overflow_policy::block},
                                              std::vector<std::string>{"replay"});
  replay_config replay;
  replay.file = file;
  replay.speed = 0;
  replay.loop = true;
  auto source =
      sys.spawn(actors::replay_source, std::string{"replay"}, replay, outlet{"replay", {queue}});
  // Nobody takes from the queue yet: the source loops until it fills it, then waits.
  REQUIRE(test::eventually([&] { return queue->stats().waits.load() > 0; }));
  std::ofstream{file, std::ios::trunc} << "not a sample\n";
  auto count = std::make_shared<std::atomic<int>>(0);
  auto sink = sys.spawn(actors::stage, queue, outlet{"sink", {}}, counting(count));
  CHECK(test::eventually([&] { return queue->finished(); }));
  CHECK(count->load() >= 4);
  caf::anon_send_exit(source, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(sink, caf::exit_reason::user_shutdown);
}

TEST_CASE("a gap in a recording's clock is replayed at once, not waited out") {
  caf::actor_system_config cfg;
  caf::actor_system sys{cfg};
  test::temp_dir dir;
  // The second timestamp is about 127 years on: a corrupt field, or a clock set meanwhile.
  auto file = dir.write("gap.csv", "0,1\n4000000000000000000,2\n4000000000001000000,3\n");
  auto queue =
      std::make_shared<stream_queue>("sink", queue_config{}, std::vector<std::string>{"replay"});
  auto count = std::make_shared<std::atomic<int>>(0);
  auto sink = sys.spawn(actors::stage, queue, outlet{"sink", {}}, counting(count));
  replay_config replay;
  replay.file = file;
  auto source =
      sys.spawn(actors::replay_source, std::string{"replay"}, replay, outlet{"replay", {queue}});
  CHECK(test::eventually([&] { return queue->finished(); }));
  CHECK(count->load() == 3);
  caf::anon_send_exit(source, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(sink, caf::exit_reason::user_shutdown);
}
