// CURVE with a ZAP allowlist: a device whose key the worker does not know gets nothing through.
#include <catch2/catch.hpp>

#include <csignal>

#include "loopback_cluster.hpp"

using namespace std::chrono_literals;
using namespace kite::test;

TEST_CASE("a client key not on the worker's allowlist is refused, logged and counted") {
  loopback_cluster cluster;
  auto& worker = cluster.start_worker();
  edge_options options{"intruder", 50, 10};
  options.unknown_key = true;
  auto edge = cluster.start_edge(options);
  // The edge sees the refusal through its socket monitor and says so.
  REQUIRE(wait_for_text(edge->log_path(), "refused this node's key", 10s));
  REQUIRE(wait_for_text(cluster.worker_log(), "refused client key", 10s));
  edge->signal(SIGTERM);
  REQUIRE(edge->wait_for(10s).has_value());
  auto edge_log = read_file(edge->log_path());
  INFO(edge_log);
  CHECK(counter_in(edge_log, "answered") == 0);
  worker.signal(SIGTERM);
  REQUIRE(worker.wait_for(10s) == 0);
  auto worker_log = read_file(cluster.worker_log());
  INFO(worker_log);
  CHECK(counter_in(worker_log, "refused_keys") >= 1);
  CHECK(worker_log.find("peer 'intruder' joined") == std::string::npos);
  // The log names the refused key by its fingerprint so an operator can find the device.
  auto stranger = kite::load_secret_key(cluster.dir() + "/stranger.key");
  REQUIRE(stranger);
  CHECK(worker_log.find(kite::fingerprint(stranger->public_key)) != std::string::npos);
}
