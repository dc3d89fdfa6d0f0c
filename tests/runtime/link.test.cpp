#include "kite/runtime/link.hpp"

#include <atomic>
#include <chrono>
#include <stdexcept>
#include <thread>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <catch2/catch.hpp>

#include "eventually.hpp"
#include "kite/actors/builtin.hpp"
#include "kite/actors/messages.hpp"
#include "kite/runtime/error.hpp"

using namespace kite;
using namespace std::chrono_literals;
using kite::test::eventually;

namespace {

/// A plaintext server link on a free loopback port that hosts kite.echo, not started yet.
std::shared_ptr<link> echo_server(caf::actor_system& sys, const registry& types) {
  link_settings settings;
  settings.node_id = "worker";
  settings.endpoint = "tcp://127.0.0.1:*";
  settings.curve = false;
  settings.actor_types = {"kite.echo"};
  auto server = link::serve(sys, settings, types.messages());
  REQUIRE(server);
  return *server;
}

/// A plaintext client link to `server`, started with `handlers`.
std::shared_ptr<link> client_of(caf::actor_system& sys, const registry& types, const link& server,
                                client_handlers handlers) {
  link_settings settings;
  settings.node_id = "edge";
  settings.endpoint = server.endpoint();
  settings.curve = false;
  auto client = link::connect(sys, settings, types.messages());
  REQUIRE(client);
  (*client)->start(std::move(handlers));
  return *client;
}

} // namespace

TEST_CASE("link: its thread survives handlers that throw, and gives up past 10 in 10 s") {
  registry types;
  actors::register_builtin(types);
  caf::actor_system_config cfg;
  types.install(cfg);
  caf::actor_system sys{cfg};
  // Before the links, which call the handlers that use them until they stop.
  std::atomic<int> calls{0};
  std::atomic<bool> up{false};
  std::atomic<int> errors{0};

  auto server = echo_server(sys, types);
  server->start(server_handlers{[&](inbound_request&) {
                                  ++calls;
                                  throw std::runtime_error("handler bug");
                                },
                                {},
                                {},
                                {},
                                {}});
  auto client =
      client_of(sys, types, *server,
                client_handlers{[&](uint64_t, uint64_t, caf::expected<caf::message> answer) {
                                  if (!answer && describe(answer.error()).find("handler bug") !=
                                                     std::string::npos)
                                    ++errors;
                                },
                                [&](const std::vector<std::string>&) { up = true; },
                                [] {},
                                {}});
  REQUIRE(eventually([&] { return up.load(); }));

  // Each request reaches the handler, which throws; the link goes on to the next one.
  auto payload = caf::make_message(actors::blob{std::string("x")});
  for (uint64_t sequence = 1; sequence <= 10; ++sequence)
    REQUIRE_FALSE(client->send_request(sequence, 1, "kite.echo", "k", payload));
  REQUIRE(eventually([&] { return calls.load() == 10; }));
  // Each requester learns why at once.
  REQUIRE(eventually([&] { return errors.load() == 10; }));
  CHECK_FALSE(server->failure());
  CHECK(server->stats().handler_failures == 10);

  // One more within the 10 s is past the link thread's intensity: it gives up and says why.
  REQUIRE_FALSE(client->send_request(11, 1, "kite.echo", "k", payload));
  REQUIRE(eventually([&] { return static_cast<bool>(server->failure()); }));
  CHECK(matches(server->failure(), errc::restart_limit));
  CHECK_THAT(describe(server->failure()), Catch::Contains("handler bug"));
  client->stop();
  server->stop();
}

TEST_CASE("link: a tick handler that throws stops the link with a reason, not the process") {
  registry types;
  actors::register_builtin(types);
  caf::actor_system_config cfg;
  types.install(cfg);
  caf::actor_system sys{cfg};
  link_settings settings;
  settings.node_id = "worker";
  settings.endpoint = "tcp://127.0.0.1:*";
  settings.curve = false;
  auto server = link::serve(sys, settings, types.messages());
  REQUIRE(server);
  (*server)->start(server_handlers{
      [](inbound_request&) {}, {}, {}, [] { throw std::runtime_error("tick bug"); }, {}});
  REQUIRE(eventually([&] { return static_cast<bool>((*server)->failure()); }));
  CHECK_THAT(describe((*server)->failure()), Catch::Contains("the tick handler failed: tick bug"));
  (*server)->stop();
}

TEST_CASE("link: a burst past ZeroMQ's high-water mark is held and sent as the socket drains, "
          "none dropped") {
  registry types;
  actors::register_builtin(types);
  caf::actor_system_config cfg;
  types.install(cfg);
  caf::actor_system sys{cfg};
  std::atomic<int> answered{0};
  std::atomic<bool> up{false};

  auto server = echo_server(sys, types);
  auto* serving = server.get();
  server->start(server_handlers{
      [serving](inbound_request& req) { serving->respond(req, req.payload); }, {}, {}, {}, {}});
  auto client =
      client_of(sys, types, *server,
                client_handlers{[&](uint64_t, uint64_t, caf::expected<caf::message> answer) {
                                  if (answer) ++answered;
                                },
                                [&](const std::vector<std::string>&) { up = true; },
                                [] {},
                                {}});
  REQUIRE(eventually([&] { return up.load(); }));

  // Many times ZeroMQ's queue of 1,000 messages a socket, at once, both ways.
  constexpr int burst = 10000;
  auto payload = caf::make_message(actors::blob{std::string(64, 'x')});
  for (uint64_t sequence = 1; sequence <= burst; ++sequence)
    REQUIRE_FALSE(client->send_request(sequence, 1, "kite.echo", "k", payload));
  CHECK(eventually([&] { return answered.load() == burst; }));
  // Nothing resends here: a frame dropped at the mark would never be answered. (A heartbeat
  // that meets it may be dropped, so send_failures is not checked.)
  CHECK(answered.load() == burst);
  client->stop();
  server->stop();
}
