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
  (*uplink)->start([&host](inbound_request& req) { host.handle(req); });

  auto request = [&](uint64_t sequence) {
    inbound_request req{1, sequence, "test.quitter", "k",
                        caf::make_message(actors::blob{std::string("x")})};
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
