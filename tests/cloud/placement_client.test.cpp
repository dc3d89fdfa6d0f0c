// placement_client against the real placement service actor behind a real server link, in one
// process: answers are cached under their lease and asked again once it runs out, the cache
// outlives the service, and a question pending while it is down is asked again on reconnect.
#include "kite/runtime/placement_client.hpp"

#include <chrono>
#include <memory>
#include <thread>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <catch2/catch.hpp>

#include "../runtime/eventually.hpp"
#include "kite/cloud/placement_service.hpp"
#include "kite/runtime/node.hpp"

using namespace kite;
using namespace std::chrono_literals;
using kite::test::eventually;

namespace {

node_config plaintext_node(const std::string& id) {
  node_config out;
  out.node_id = id;
  out.security.curve = false;
  out.link.heartbeat_interval = 50ms;
  out.link.reconnect_min = 20ms;
  out.link.reconnect_max = 100ms;
  return out;
}

/// The placement service actor behind a plaintext server link on `endpoint`.
struct service_process {
  service_process(caf::actor_system& sys, const std::string& endpoint) {
    placement_config cfg;
    cfg.node = plaintext_node("placement-1");
    cfg.lease = 100ms;
    cfg.rebalance_interval = 100ms;
    actor = sys.spawn(cloud::placement_service, cfg, nullptr, nullptr);
    auto settings = make_link_settings(cfg.node, {}, {placement_actor_type});
    settings.endpoint = endpoint;
    auto served = link::serve(sys, std::move(settings), placement_protocol().messages());
    REQUIRE(served);
    server = std::move(*served);
    server_handlers handlers;
    handlers.on_request = [this](inbound_request& req) { server->relay(actor, req); };
    server->start(std::move(handlers));
  }

  ~service_process() {
    server->stop();
    caf::anon_send_exit(actor, caf::exit_reason::user_shutdown);
  }

  caf::actor actor;
  std::shared_ptr<link> server;
};

std::shared_ptr<placement_client> start_client(caf::actor_system& sys, const std::string& id,
                                               const std::string& endpoint, bool watch,
                                               std::function<caf::message()> report) {
  placement_link_config service;
  service.endpoint = endpoint;
  service.report_interval = 100ms;
  auto client = placement_client::connect(sys, plaintext_node(id), {}, service, watch);
  REQUIRE(client);
  (*client)->start({std::move(report), {}, {}});
  return std::move(*client);
}

} // namespace

TEST_CASE("placement client: caches answers under their lease, asks again after it, and keeps "
          "them through a service restart") {
  caf::actor_system_config cfg;
  placement_protocol().install(cfg);
  caf::actor_system sys{cfg};
  auto service = std::make_unique<service_process>(sys, "tcp://127.0.0.1:*");
  auto endpoint = service->server->endpoint();
  auto report_worker = [] {
    worker_load_report out;
    out.worker = "worker-1";
    out.types = {"kite.summarize"};
    return caf::make_message(out);
  };
  auto worker = start_client(sys, "worker-1", endpoint, false, report_worker);
  auto edge = start_client(sys, "robot-1", endpoint, true, [] {
    edge_load_report out;
    out.edge = "robot-1";
    return caf::make_message(out);
  });

  // The first lookup has nothing and asks; the answer comes under a 100 ms lease.
  CHECK_FALSE(edge->lookup("kite.summarize", "k"));
  std::optional<cached_placement> first;
  REQUIRE(eventually([&] { return (first = edge->lookup("kite.summarize", "k")).has_value(); }));
  CHECK(first->decision.worker == "worker-1");
  CHECK(first->decision.lease_ms == 100);
  auto asked = edge->questions();
  // Within the lease, lookups are answered from the cache.
  CHECK(edge->lookup("kite.summarize", "k")->expires == first->expires);
  CHECK(edge->questions() == asked);

  // Past it, the old answer still routes while the service is asked again.
  REQUIRE(eventually([&] { return std::chrono::steady_clock::now() > first->expires; }));
  auto stale = edge->lookup("kite.summarize", "k");
  REQUIRE(stale);
  CHECK(stale->decision.worker == "worker-1");
  CHECK(edge->questions() == asked + 1);
  REQUIRE(
      eventually([&] { return edge->lookup("kite.summarize", "k")->expires > first->expires; }));

  // The service goes away: the cache keeps answering, and the question asked meanwhile waits.
  service.reset();
  REQUIRE(eventually([&] { return !edge->up(); }));
  std::optional<cached_placement> held;
  REQUIRE(eventually([&] {
    held = edge->lookup("kite.summarize", "k");
    return held && std::chrono::steady_clock::now() > held->expires;
  }));
  CHECK(held->decision.worker == "worker-1");
  CHECK(edge->lookup("kite.summarize", "k")); // asks, in vain for now

  // A new service on the same endpoint: both clients reconnect and report, and the pending
  // question is asked again and answered.
  service = std::make_unique<service_process>(sys, endpoint);
  CHECK(eventually([&] {
    auto now = edge->lookup("kite.summarize", "k");
    return now && now->expires > held->expires;
  }));
  CHECK(edge->lookup("kite.summarize", "k")->decision.worker == "worker-1");
  edge->stop();
  worker->stop();
}
