#include "kite/robotics/mapper.hpp"

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/scoped_actor.hpp>
#include <catch2/catch.hpp>

#include <cmath>

#include "kite/actors/builtin.hpp"
#include "kite/actors/messages.hpp"
#include "kite/robotics/robot.hpp"
#include "kite/robotics/scan_sample.hpp"
#include "kite/runtime/error.hpp"
#include "kite/runtime/protocol.hpp"
#include "kite/runtime/registry.hpp"

using namespace kite;
using namespace kite::robotics;

namespace {

/// A node's registry with the mapper, as the robotics plugin registers it.
registry mapper_types() {
  registry types;
  actors::register_builtin(types);
  types.add_message<mapper_state>("robotics.mapper_state");
  types.add(declare("robotics.mapper", mapper).accepts<actors::sensor_sample>());
  return types;
}

/// An actor system that knows the mapper's types.
struct mapper_node {
  mapper_node() : types{mapper_types()}, sys{configure()}, self{sys} {}

  caf::actor_system_config& configure() {
    types.install(cfg);
    return cfg;
  }

  /// A mapper for "robot-1", from `snapshot` unless it is empty.
  caf::actor start(const caf::message& snapshot = {}) {
    auto m = start_logical_actor(*types.find_actor("robotics.mapper"), sys, "robot-1", snapshot);
    REQUIRE(m);
    started.push_back(*m);
    return *m;
  }

  ~mapper_node() {
    for (const auto& m : started)
      self->send_exit(m, caf::exit_reason::user_shutdown);
  }

  registry types;
  caf::actor_system_config cfg;
  caf::actor_system sys;
  caf::scoped_actor self;
  std::vector<caf::actor> started;
};

/// A wandering robot's scans, as the simulator sends them: every 5th step of 20 ms.
std::vector<actors::sensor_sample> scans_of(const world& room, robot& bot, int count,
                                            uint64_t first_id) {
  std::mt19937_64 noise{first_id + 7};
  std::vector<actors::sensor_sample> out;
  for (int tick = 1; static_cast<int>(out.size()) < count; ++tick) {
    bot.step(0.02);
    if (tick % 5 != 0) continue;
    stamped_scan scan{first_id + out.size(), bot.odometry(),
                      room.sense(bot.truth(), lidar_settings{}, noise)};
    out.push_back({scan.id, 0, pack_scan(scan)});
  }
  return out;
}

corrected_pose ask(caf::scoped_actor& self, const caf::actor& mapper,
                   const actors::sensor_sample& scan) {
  corrected_pose out;
  self->request(mapper, caf::infinite, scan)
      .receive(
          [&](const actors::sensor_sample& answer) {
            auto pose = unpack_pose(answer.values);
            REQUIRE(pose);
            out = *pose;
          },
          [](caf::error& err) { FAIL(describe(err)); });
  return out;
}

} // namespace

TEST_CASE("mapper: corrects a robot's odometry scan by scan, and its snapshot crosses the wire "
          "whole") {
  mapper_node node;
  auto room = world::generate(3);
  robot bot{room, robot_settings{}, 4};
  auto first = node.start();
  corrected_pose last;
  for (const auto& scan : scans_of(room, bot, 60, 1))
    last = ask(node.self, first, scan);
  CHECK(last.scan_id == 60);
  CHECK(std::hypot(last.at.x - bot.truth().x, last.at.y - bot.truth().y) <
        std::hypot(bot.odometry().x - bot.truth().x, bot.odometry().y - bot.truth().y));
  CHECK(last.known_cells > 1000);

  // The snapshot, encoded and decoded as it travels to the edge and on to the next worker.
  caf::message snapshot;
  node.self->request(first, caf::infinite, snapshot_atom::value)
      .receive([&](const mapper_state& state) { snapshot = caf::make_message(state); },
               [](caf::error& err) { FAIL(describe(err)); });
  const auto& codec = node.types.messages();
  std::vector<char> bytes;
  auto index = codec.encode(snapshot, bytes);
  REQUIRE(index);
  caf::message restored;
  REQUIRE(codec.decode(*index, bytes.data(), bytes.size(), restored));
  auto second = node.start(restored);
  // Both instances, the original and the restored one, answer the next scans alike.
  for (const auto& scan : scans_of(room, bot, 5, 61)) {
    auto a = ask(node.self, first, scan);
    auto b = ask(node.self, second, scan);
    CHECK(a.at.x == Approx(b.at.x).margin(1e-9));
    CHECK(a.at.theta == Approx(b.at.theta).margin(1e-9));
    CHECK(a.known_cells == b.known_cells);
  }
}

TEST_CASE("mapper: a sample too short to be a scan is an error naming the layout") {
  mapper_node node;
  node.self->request(node.start(), caf::infinite, actors::sensor_sample{1, 0, {1, 2, 3}})
      .receive([](const actors::sensor_sample&) { FAIL("a malformed scan was answered"); },
               [](caf::error& err) {
                 CHECK_THAT(describe(err),
                            Catch::Contains("at least 5 finite channels; got 3 channels"));
               });
}

TEST_CASE("mapper: absurd ranges count as misses and an absurd pose is refused, without delay") {
  mapper_node node;
  auto m = node.start();
  // Ranges a driver may send for "no return", or a lying peer: each a miss at full reach (a
  // walk of 1e30 m through the grid would never end).
  std::vector<float> ranges{1e30f, -1, 0, std::nanf(""), 65535, 2.5f};
  std::vector<float> values{1, 0, 0, 0};
  values.insert(values.end(), ranges.begin(), ranges.end());
  auto answer = ask(node.self, m, actors::sensor_sample{1, 0, values});
  CHECK(answer.scan_id == 1);
  CHECK(answer.known_cells > 0);
  for (float coordinate : {1e30f, std::nanf(""), 20000.0f}) {
    node.self->request(m, caf::infinite, actors::sensor_sample{2, 0, {2, coordinate, 0, 0, 1}})
        .receive([](const actors::sensor_sample&) { FAIL("an absurd pose was answered"); },
                 [](caf::error& err) {
                   CHECK_THAT(describe(err), Catch::Contains("odometry pose within 10000 m"));
                 });
  }
}
