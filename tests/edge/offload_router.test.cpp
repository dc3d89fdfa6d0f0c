#include "kite/edge/offload_router.hpp"

#include <chrono>
#include <functional>
#include <memory>

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

/// An edge whose only worker never comes up (nothing listens on port 1), with the builtin
/// types and `add_types` announced before its actor system starts.
struct edge_without_worker {
  explicit edge_without_worker(const std::function<void(registry&)>& add_types = {})
      : sys{configure(add_types)} {
    link_settings settings;
    settings.node_id = "test-edge";
    settings.endpoint = "tcp://127.0.0.1:1";
    settings.curve = false;
    uplink = std::move(*link::connect(sys, settings, types.messages()));
  }

  caf::actor_system_config& configure(const std::function<void(registry&)>& add_types) {
    actors::register_builtin(types);
    if (add_types) add_types(types);
    types.install(cfg);
    return cfg;
  }

  /// A router over the link that may run the edge's own types here, as `offload` says.
  std::shared_ptr<edge::offload_router> start(offload_config offload) {
    return edge::offload_router::start(sys, {uplink}, offload, &types);
  }

  registry types;
  caf::actor_system_config cfg;
  caf::actor_system sys;
  std::shared_ptr<link> uplink;
};

/// Fallback after 20 ms, retries every 40 ms: a test's requests reach the edge quickly.
offload_config quick_fallback() {
  offload_config out;
  out.retry_interval = std::chrono::milliseconds(40);
  out.local_after = std::chrono::milliseconds(20);
  return out;
}

} // namespace

TEST_CASE("offload router: refuses beyond max_pending, and fails requests after stop at once") {
  edge_without_worker f;
  offload_config offload;
  offload.max_pending = 1;
  offload.local_fallback = false; // requests stay pending
  auto router = f.start(offload);
  caf::scoped_actor self{f.sys};
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
  edge_without_worker f;
  auto router = f.start(quick_fallback());
  caf::scoped_actor self{f.sys};

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

TEST_CASE("offload router refuses on the edge what the type does not accept, starting nothing") {
  edge_without_worker f;
  auto router = f.start(quick_fallback());
  caf::scoped_actor self{f.sys};
  self->request(router->handle(), std::chrono::seconds(5), offload_atom::value,
                std::string{"kite.summarize"}, std::string{"k"},
                caf::make_message(actors::blob{"not a feature"}))
      .receive([](const actors::summary&) { FAIL("kite.summarize took a blob"); },
               [](caf::error& err) {
                 CHECK_THAT(describe(err),
                            Catch::Contains("'kite.summarize' does not accept a 'kite.blob'"));
               });
  CHECK(router->stats().edge_activations == 0);
  router->stop();
}

TEST_CASE("offload router fails a request, and goes on, when its edge instance has ended") {
  // An instance that has ended by the time the router gets it, as one failing in its
  // constructor: CAF answers a request to it at once, on the sending thread.
  edge_without_worker f{[](registry& types) {
    types.add(declare("test.gone", [](caf::actor_system& sys, const std::string&) {
                auto actor = sys.spawn([](caf::event_based_actor* self) -> caf::behavior {
                  self->quit(caf::make_error(caf::sec::runtime_error));
                  return {};
                });
                caf::scoped_actor waiter{sys};
                waiter->wait_for(actor);
                return actor;
              }).runs_on(runs_on::edge));
  }};
  auto router = f.start(quick_fallback());
  caf::scoped_actor self{f.sys};
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
