#include "kite/edge/offload_router.hpp"

#include <chrono>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/scoped_actor.hpp>
#include <catch2/catch.hpp>

#include "kite/actors/builtin.hpp"
#include "kite/actors/messages.hpp"
#include "kite/runtime/error.hpp"
#include "kite/runtime/protocol.hpp"

using namespace kite;

namespace {

/// Sends one offload request through `router` and returns the error it got, if any.
caf::error offload_error(caf::scoped_actor& self, const caf::actor& router, caf::message payload) {
  caf::error out;
  self->request(router, std::chrono::seconds(5), offload_atom::value, std::string{"kite.echo"},
                std::string{"k"}, std::move(payload))
      .receive([](const actors::blob&) {}, [&](caf::error& err) { out = std::move(err); });
  return out;
}

} // namespace

TEST_CASE("offload router: refuses beyond max_pending, and fails requests after stop at once") {
  registry types;
  actors::register_builtin(types);
  caf::actor_system_config cfg;
  types.install(cfg);
  caf::actor_system sys{cfg};
  link_settings settings;
  settings.node_id = "test-edge";
  // Nothing listens on port 1: the link never comes up, so requests stay pending.
  settings.endpoint = "tcp://127.0.0.1:1";
  settings.curve = false;
  auto uplink = link::connect(sys, settings, types.messages());
  REQUIRE(uplink);
  offload_config offload;
  offload.max_pending = 1;
  auto router = edge::offload_router::start(sys, {*uplink}, offload);
  caf::scoped_actor self{sys};
  auto payload = caf::make_message(actors::blob{std::string("x")});

  // The first request waits for the link; the second finds the table full.
  self->request(router->handle(), caf::infinite, offload_atom::value, std::string{"kite.echo"},
                std::string{"k"}, payload);
  auto refused = offload_error(self, router->handle(), payload);
  CHECK(refused.category() == caf::atom("kite"));
  CHECK(refused.code() == static_cast<uint8_t>(errc::overloaded));
  CHECK_THAT(describe(refused), Catch::Contains("offload.max_pending"));
  CHECK(router->stats().refused == 1);
  CHECK(router->stats().pending == 1);

  router->stop();
  auto start = std::chrono::steady_clock::now();
  auto after_stop = offload_error(self, router->handle(), payload);
  CHECK(after_stop == caf::sec::request_receiver_down);
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(5));
}

TEST_CASE("offload router runs a type the edge hosts on the edge while no worker is up") {
  registry types;
  actors::register_builtin(types);
  caf::actor_system_config cfg;
  types.install(cfg);
  caf::actor_system sys{cfg};
  link_settings settings;
  settings.node_id = "test-edge";
  settings.endpoint = "tcp://127.0.0.1:1"; // never up
  settings.curve = false;
  auto uplink = link::connect(sys, settings, types.messages());
  REQUIRE(uplink);
  offload_config offload;
  offload.retry_interval = std::chrono::milliseconds(40);
  offload.local_after = std::chrono::milliseconds(20);
  auto router = edge::offload_router::start(sys, {*uplink}, offload, &types);
  caf::scoped_actor self{sys};

  // One instance on the edge keeps the key's state across requests.
  for (uint64_t i = 1; i <= 3; ++i) {
    actors::feature x;
    x.sequence = i;
    x.mean = static_cast<double>(i);
    self->request(router->handle(), std::chrono::seconds(5), offload_atom::value,
                  std::string{"kite.summarize"}, std::string{"k"}, caf::make_message(x))
        .receive([&](const actors::summary& s) { CHECK(s.count == i); },
                 [&](caf::error& err) { FAIL(describe(err)); });
  }
  auto stats = router->stats();
  CHECK(stats.answered == 3);
  CHECK(stats.answered_on_edge == 3);
  CHECK(stats.edge_activations == 1);
  CHECK(stats.sent == 0);
  router->stop();
}

TEST_CASE("offload router fails a request, and goes on, when its edge instance has ended") {
  registry types;
  actors::register_builtin(types);
  // An instance that has ended by the time the router gets it, as one failing in its
  // constructor: CAF answers a request to it at once, on the sending thread.
  types.add_actor("test.gone", runs_on::edge, [](caf::actor_system& sys, const std::string&) {
    auto actor = sys.spawn([](caf::event_based_actor* self) -> caf::behavior {
      self->quit(caf::make_error(caf::sec::runtime_error));
      return {};
    });
    caf::scoped_actor {
      sys
      } -> wait_for(actor);
    return actor;
  });
  caf::actor_system_config cfg;
  types.install(cfg);
  caf::actor_system sys{cfg};
  link_settings settings;
  settings.node_id = "test-edge";
  settings.endpoint = "tcp://127.0.0.1:1"; // never up
  settings.curve = false;
  auto uplink = link::connect(sys, settings, types.messages());
  REQUIRE(uplink);
  offload_config offload;
  offload.retry_interval = std::chrono::milliseconds(40);
  offload.local_after = std::chrono::milliseconds(20);
  auto router = edge::offload_router::start(sys, {*uplink}, offload, &types);
  caf::scoped_actor self{sys};
  for (int i = 0; i < 2; ++i) {
    caf::error failure;
    self->request(router->handle(), std::chrono::seconds(5), offload_atom::value,
                  std::string{"test.gone"}, std::string{"k"},
                  caf::make_message(actors::blob{std::string("x")}))
        .receive([](const caf::message&) {}, [&](caf::error& err) { failure = std::move(err); });
    CHECK(failure);
    CHECK(failure != caf::sec::request_timeout);
  }
  CHECK(router->stats().failed == 2);
  router->stop();
}
