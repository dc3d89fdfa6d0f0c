#include "kite/runtime/registry.hpp"

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/scoped_actor.hpp>
#include <catch2/catch.hpp>

#include "kite/actors/builtin.hpp"
#include "kite/actors/messages.hpp"
#include "kite/actors/summarize.hpp"
#include "kite/runtime/error.hpp"

using namespace kite;

TEST_CASE("registry: a stateful actor answers its state and a new instance starts from it") {
  registry types;
  actors::register_builtin(types);
  caf::actor_system_config cfg;
  types.install(cfg);
  caf::actor_system sys{cfg};
  caf::scoped_actor self{sys};
  const auto* summarize = types.find_actor("kite.summarize");
  REQUIRE(summarize != nullptr);
  CHECK(summarize->snapshots);
  CHECK_FALSE(types.find_actor("kite.echo")->snapshots);

  auto first = summarize->spawn(sys, "k", caf::message{});
  actors::feature f;
  f.sequence = 1;
  f.mean = 2;
  self->request(first, caf::infinite, f).receive([](const actors::summary&) {}, [](caf::error&) {});
  caf::message snapshot;
  self->request(first, caf::infinite, snapshot_atom::value)
      .receive([&](const actors::summarize_state& state) { snapshot = caf::make_message(state); },
               [](caf::error& err) { FAIL(to_string(err)); });
  REQUIRE(snapshot.match_elements<actors::summarize_state>());
  CHECK(snapshot.get_as<actors::summarize_state>(0).current.count == 1);

  auto second = summarize->spawn(sys, "k", snapshot);
  f.sequence = 2;
  f.mean = 4;
  self->request(second, caf::infinite, f)
      .receive(
          [](const actors::summary& s) {
            CHECK(s.count == 2);
            CHECK(s.mean == 3);
            CHECK(s.last_sequence == 2);
          },
          [](caf::error& err) { FAIL(to_string(err)); });
  self->send_exit(first, caf::exit_reason::user_shutdown);
  self->send_exit(second, caf::exit_reason::user_shutdown);
}

TEST_CASE("registry: a factory that throws or gives no actor is a start_failed error naming it") {
  registry types;
  types.add_actor("test.throws", runs_on::both,
                  [](caf::actor_system&, const std::string&) -> caf::actor {
                    throw std::runtime_error("constructor bug");
                  });
  types.add_actor("test.nothing", runs_on::both,
                  [](caf::actor_system&, const std::string&) { return caf::actor{}; });
  caf::actor_system_config cfg;
  types.install(cfg);
  caf::actor_system sys{cfg};
  auto threw = start_logical_actor(*types.find_actor("test.throws"), sys, "k", {});
  REQUIRE_FALSE(threw);
  CHECK(matches(threw.error(), errc::start_failed));
  CHECK_THAT(describe(threw.error()),
             Catch::Contains("(test.throws, k)") && Catch::Contains("constructor bug"));
  auto nothing = start_logical_actor(*types.find_actor("test.nothing"), sys, "k", {});
  REQUIRE_FALSE(nothing);
  CHECK(matches(nothing.error(), errc::start_failed));
  CHECK_THAT(describe(nothing.error()), Catch::Contains("returned no actor"));
}
