#include "kite/cloud/actor_host.hpp"

#include <chrono>
#include <functional>
#include <thread>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/scoped_actor.hpp>
#include <catch2/catch.hpp>

#include "kite/actors/builtin.hpp"
#include "kite/actors/messages.hpp"
#include "kite/runtime/upload.hpp"

using namespace kite;

namespace {

caf::behavior quitter(caf::event_based_actor* self, const std::string&) {
  self->quit();
  return {};
}

caf::behavior crasher(caf::event_based_actor* self, const std::string&) {
  self->quit(caf::make_error(caf::sec::runtime_error));
  return {};
}

/// Registers `type` spawning `behavior`, returning only once the actor has ended, as a user
/// actor that fails in its constructor would.
void add_ending(registry& types, const std::string& type,
                caf::behavior (*behavior)(caf::event_based_actor*, const std::string&)) {
  types.add(declare(type, [behavior](caf::actor_system& sys, const std::string& key) {
              auto actor = sys.spawn(behavior, key);
              caf::scoped_actor waiter{sys};
              waiter->wait_for(actor);
              return actor;
            }).runs_on(runs_on::cloud));
}

} // namespace

namespace {

/// A worker's host and link, with no client: answers go nowhere, the host's decisions are
/// what the tests read.
struct host_fixture {
  explicit host_fixture(const std::function<void(registry&)>& add_types = {},
                        supervisor_flags supervision = {})
      : sys{configure(add_types)} {
    link_settings settings;
    settings.node_id = "test-worker";
    settings.endpoint = "tcp://127.0.0.1:*";
    settings.curve = false;
    uplink = std::move(*link::serve(sys, settings, types.messages()));
    host =
        std::make_unique<cloud::actor_host>(sys, types, *uplink, snapshots_config{}, supervision);
    uplink->start(host->handlers());
  }

  ~host_fixture() {
    uplink->stop();
    host->shutdown();
  }

  /// The builtin types and `add_types`, announced before the actor system starts.
  caf::actor_system_config& configure(const std::function<void(registry&)>& add_types) {
    actors::register_builtin(types);
    if (add_types) add_types(types);
    types.install(cfg);
    return cfg;
  }

  void request(uint64_t peer, uint64_t sequence, uint64_t epoch, const std::string& key = "k",
               const std::string& type = "kite.echo") {
    inbound_request req{peer,  sequence, epoch,
                        type,  key,      caf::make_message(actors::blob{std::string("x")}),
                        "edge"};
    host->handle(req);
  }

  void release(uint64_t peer, uint64_t sequence, uint64_t epoch, const std::string& key = "k") {
    inbound_request req{peer, sequence, epoch, "kite.echo", key, {}, "edge"};
    host->on_release(req);
  }

  registry types;
  caf::actor_system_config cfg;
  caf::actor_system sys;
  std::shared_ptr<link> uplink;
  std::unique_ptr<cloud::actor_host> host;
};

} // namespace

TEST_CASE("actor host: a logical actor that ended is activated afresh by the next request") {
  host_fixture f{[](registry& types) { add_ending(types, "test.quitter", quitter); }};
  f.request(1, 1, 1, "k", "test.quitter");
  CHECK(f.host->stats().activations == 1);
  // The exit hook removes the ended actor from the table; wait for it, bounded.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (f.host->active() != 0 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  REQUIRE(f.host->active() == 0);
  f.request(1, 2, 1, "k", "test.quitter");
  CHECK(f.host->stats().activations == 2);
}

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

TEST_CASE("actor host: a release ends the placing peer's activation at its epoch, and only that") {
  host_fixture f;
  f.request(1, 1, 5);
  f.release(1, 2, 4); // an older epoch: not the running activation
  f.release(2, 3, 5); // another peer
  CHECK(f.host->stats().released == 0);
  CHECK(f.host->active() == 1);
  f.release(1, 4, 5);
  CHECK(f.host->stats().released == 1);
  CHECK(f.host->active() == 0);
  f.request(1, 5, 6); // its next placement here starts afresh
  CHECK(f.host->stats().activations == 2);
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

TEST_CASE("actor host: a logical actor that crashes in a loop is held back, not re-activated") {
  supervisor_flags supervision;
  supervision.intensity = 2;
  supervision.period = std::chrono::seconds(60);
  supervision.backoff = {std::chrono::seconds(60), std::chrono::seconds(60), 0.0};
  host_fixture f{[](registry& types) { add_ending(types, "test.crasher", crasher); }, supervision};
  // Two crashes are within the intensity; the third holds the actor back for the backoff.
  for (uint64_t sequence = 1; sequence <= 3; ++sequence)
    f.request(1, sequence, 1, "k", "test.crasher");
  CHECK(f.host->stats().activations == 3);
  CHECK(f.host->crashes() == 3);
  f.request(1, 4, 1, "k", "test.crasher");
  CHECK(f.host->stats().activations == 3);
  CHECK(f.host->stats().failures == 1);
  auto report = f.host->report();
  REQUIRE(report.children.size() == 1);
  CHECK(report.children[0].id == "(test.crasher, k)");
  CHECK(report.children[0].state == "held back");
  CHECK(report.children[0].restarts == 2);
  CHECK(report.children[0].last_exit == "runtime_error");
  // Other keys of the same type are supervised on their own.
  f.request(1, 5, 1, "other", "test.crasher");
  CHECK(f.host->stats().activations == 4);
}

TEST_CASE("actor host: a factory that throws fails its request and counts as a crash") {
  host_fixture f{[](registry& types) {
    types.add(declare("test.throws", [](caf::actor_system&, const std::string&) -> caf::actor {
                throw std::runtime_error("constructor bug");
              }).runs_on(runs_on::cloud));
  }};
  f.request(1, 1, 1, "k", "test.throws");
  CHECK(f.host->stats().failures == 1);
  CHECK(f.host->stats().activations == 0);
  CHECK(f.host->crashes() == 1);
  CHECK_THAT(f.host->report().children.at(0).last_exit, Catch::Contains("constructor bug"));
  f.request(1, 2, 1, "k", "kite.echo"); // the host goes on
  CHECK(f.host->stats().activations == 1);
}

TEST_CASE("actor host: an upload record reaches the actor once, and another node's stream is "
          "refused") {
  host_fixture f;
  auto upload = [&](const std::string& stream, uint64_t sequence, uint64_t request) {
    std::vector<char> bytes;
    REQUIRE(f.types.messages().encode(caf::make_message(actors::blob{"x"}), bytes));
    upload_record record{stream, sequence, "kite.blob", std::string(bytes.begin(), bytes.end())};
    inbound_request req{1, request, 1, "kite.echo", "k", caf::make_message(record), "edge"};
    f.host->handle(req);
  };
  upload("edge/cloud#1", 1, 1);
  upload("edge/cloud#1", 2, 2);
  upload("edge/cloud#1", 1, 3); // sent again after a lost answer
  CHECK(f.host->stats().upload_duplicates == 1);
  CHECK(f.host->stats().failures == 0);
  upload("robot-9/cloud#1", 3, 4); // this peer said it is "edge"
  CHECK(f.host->stats().failures == 1);
  CHECK(f.host->stats().upload_duplicates == 1);
}

TEST_CASE("actor host: a request its type does not accept fails without activating it") {
  host_fixture f;
  f.request(1, 1, 1, "k", "kite.summarize"); // a blob; kite.summarize accepts features
  CHECK(f.host->stats().failures == 1);
  CHECK(f.host->stats().activations == 0);
  f.request(1, 2, 1, "k", "kite.echo"); // echo accepts anything
  CHECK(f.host->stats().activations == 1);
}
