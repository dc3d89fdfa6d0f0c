#include "kite/cloud/actor_host.hpp"

#include <chrono>
#include <thread>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/scoped_actor.hpp>
#include <catch2/catch.hpp>

#include "kite/actors/builtin.hpp"
#include "kite/actors/messages.hpp"

using namespace kite;

namespace {

caf::behavior quitter(caf::event_based_actor* self, const std::string&) {
  self->quit();
  return {};
}

} // namespace

TEST_CASE("actor host: a logical actor that ended is activated afresh by the next request") {
  registry types;
  actors::register_builtin(types);
  // An actor that has ended by the time the host gets its handle, as a user actor that fails
  // in its constructor would.
  types.add_actor("test.quitter", runs_on::cloud,
                  [](caf::actor_system& sys, const std::string& key) {
                    auto actor = sys.spawn(quitter, key);
                    caf::scoped_actor {
                      sys
                      } -> wait_for(actor);
                    return actor;
                  });
  caf::actor_system_config cfg;
  types.install(cfg);
  caf::actor_system sys{cfg};
  link_settings settings;
  settings.node_id = "test-worker";
  settings.endpoint = "tcp://127.0.0.1:*";
  settings.curve = false;
  auto uplink = link::serve(sys, settings, types.messages());
  REQUIRE(uplink);
  cloud::actor_host host{sys, types, **uplink};
  (*uplink)->start(host.handlers());

  auto request = [&](uint64_t sequence) {
    inbound_request req{
        1, sequence, 1, "test.quitter", "k", caf::make_message(actors::blob{std::string("x")})};
    host.handle(req);
  };
  request(1);
  CHECK(host.stats().activations == 1);
  // The exit hook removes the ended actor from the table; wait for it, bounded.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (host.active() != 0 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  REQUIRE(host.active() == 0);
  request(2);
  CHECK(host.stats().activations == 2);
  (*uplink)->stop();
  host.shutdown();
}

namespace {

/// A worker's host and link, with no client: answers go nowhere, the host's decisions are
/// what the tests read.
struct host_fixture {
  host_fixture() {
    actors::register_builtin(types);
    types.install(cfg);
    link_settings settings;
    settings.node_id = "test-worker";
    settings.endpoint = "tcp://127.0.0.1:*";
    settings.curve = false;
    uplink = std::move(*link::serve(sys, settings, types.messages()));
    host = std::make_unique<cloud::actor_host>(sys, types, *uplink);
    uplink->start(host->handlers());
  }

  ~host_fixture() {
    uplink->stop();
    host->shutdown();
  }

  void request(uint64_t peer, uint64_t sequence, uint64_t epoch, const std::string& key = "k") {
    inbound_request req{peer,        sequence, epoch,
                        "kite.echo", key,      caf::make_message(actors::blob{std::string("x")})};
    host->handle(req);
  }

  registry types;
  caf::actor_system_config cfg;
  caf::actor_system sys{cfg};
  std::shared_ptr<link> uplink;
  std::unique_ptr<cloud::actor_host> host;
};

} // namespace

TEST_CASE("actor host: an older epoch from the placing peer is refused as fenced") {
  host_fixture f;
  f.request(1, 1, 5);
  f.request(1, 2, 4);
  CHECK(f.host->stats().fenced == 1);
  CHECK(f.host->stats().activations == 1);
  f.request(1, 3, 5);
  CHECK(f.host->stats().fenced == 1);
}

TEST_CASE("actor host: a newer epoch from the placing peer starts a fresh instance") {
  host_fixture f;
  f.request(1, 1, 5);
  f.request(1, 2, 7);
  CHECK(f.host->stats().activations == 2);
  CHECK(f.host->stats().moved == 1);
  CHECK(f.host->active() == 1);
}

TEST_CASE("actor host: another peer takes an actor over as it is, whatever its epoch") {
  host_fixture f;
  f.request(1, 1, 5);
  f.request(2, 1, 1);
  CHECK(f.host->stats().activations == 1);
  CHECK(f.host->stats().fenced == 0);
}

TEST_CASE("actor host: a lapsed peer's actors end, other peers' stay") {
  host_fixture f;
  f.request(1, 1, 5, "a");
  f.request(1, 2, 6, "b");
  f.request(2, 1, 1, "c");
  REQUIRE(f.host->active() == 3);
  f.host->on_lapse(1);
  CHECK(f.host->active() == 1);
  CHECK(f.host->stats().moved == 2);
  // Placed here again later, the actor starts afresh.
  f.request(1, 3, 9, "a");
  CHECK(f.host->stats().activations == 4);
}
