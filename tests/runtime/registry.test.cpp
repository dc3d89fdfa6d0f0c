#include "kite/runtime/registry.hpp"

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/scoped_actor.hpp>
#include <catch2/catch.hpp>

#include "kite/actors/builtin.hpp"
#include "kite/actors/busy.hpp"
#include "kite/actors/echo.hpp"
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
  types.add(declare("test.throws", [](caf::actor_system&, const std::string&) -> caf::actor {
    throw std::runtime_error("constructor bug");
  }));
  types.add(
      declare("test.nothing", [](caf::actor_system&, const std::string&) { return caf::actor{}; }));
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

namespace {

struct unannounced {};

template <class Inspector> typename Inspector::result_type inspect(Inspector& f, unannounced&) {
  return f(caf::meta::type_name("test.unannounced"));
}

struct unannounced_state {
  static constexpr const char* name = "test.stateful";
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, unannounced_state&) {
  return f(caf::meta::type_name("test.unannounced_state"));
}

caf::behavior stateful(caf::stateful_actor<unannounced_state>*, std::string) {
  return {[](const actors::blob& x) { return x; }};
}

} // namespace

TEST_CASE("registry: a declaration of a type never announced is a programming error naming it") {
  registry types;
  actors::register_builtin(types);
  CHECK_THROWS_WITH(types.add(declare("test.picky", actors::echo).accepts<unannounced>()),
                    Catch::Contains("'test.picky' accepts a type that was not announced"));
  CHECK_THROWS_WITH(
      types.add(declare("test.stateful", stateful)),
      Catch::Contains("'test.stateful' snapshots a state type that was not announced"));
  CHECK_THROWS_WITH(types.add(declare("kite.echo", actors::echo)),
                    Catch::Contains("'kite.echo' registered twice"));
  CHECK(types.find_actor("test.picky") == nullptr);
}

TEST_CASE("registry: a declaration carries where its type runs, what it accepts and costs") {
  registry types;
  actors::register_builtin(types);
  const auto* busy = types.find_actor("kite.busy");
  REQUIRE(busy != nullptr);
  CHECK(busy->where == runs_on::cloud);
  CHECK(busy->accepts == std::vector<std::string>{"kite.feature"});
  CHECK(busy->service_time == actors::busy_cpu_per_request);
  CHECK(types.actor_names(runs_on::edge) ==
        std::vector<std::string>{"kite.echo", "kite.summarize"});
  CHECK(types.find_actor("kite.echo")->accepts.empty());
  CHECK_FALSE(check_accepts(*types.find_actor("kite.echo"), "kite.blob"));
  CHECK_THAT(describe(check_accepts(*busy, "")),
             Catch::Contains("'kite.busy' does not accept a value of an unannounced type"));
}
