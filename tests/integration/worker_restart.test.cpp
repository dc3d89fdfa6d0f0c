// A worker killed mid-run and restarted: the edge reconnects and retries; nothing is lost.
#include <catch2/catch.hpp>

#include <csignal>
#include <thread>

#include "loopback_cluster.hpp"

using namespace std::chrono_literals;
using namespace kite::test;

TEST_CASE("requests sent while the worker was down are retried after it restarts, none lost") {
  loopback_cluster cluster;
  cluster.start_worker();
  auto edge = cluster.start_edge({"robot-1", 40, 120, "300ms"});
  // Let some requests through, then kill the worker without warning.
  REQUIRE(wait_for_text(edge->log_path(), "kite.summary(\"robot-1\", 10,", 10s));
  cluster.worker().kill_now();
  REQUIRE(wait_for_text(edge->log_path(), "link to", 5s)); // the edge noticed: "link to ... down"
  // An outage of half a second: samples keep coming and wait as pending requests.
  std::this_thread::sleep_for(500ms);
  auto& restarted = cluster.start_worker();
  auto code = edge->wait_for(30s);
  REQUIRE(code.has_value());
  auto log = read_file(edge->log_path());
  INFO(log);
  CHECK(*code == 0);
  CHECK(counter_in(log, "answered") == 120);
  CHECK(counter_in(log, "failed") == 0);
  // What piled up during the outage went out after the reconnect.
  auto restart_at = log.rfind("connected to 'worker-1'");
  REQUIRE(restart_at != std::string::npos);
  auto resent_at = log.find("resending ", restart_at);
  REQUIRE(resent_at != std::string::npos);
  CHECK(std::stoi(log.substr(resent_at + 10)) > 0);
  restarted.signal(SIGTERM);
  CHECK(restarted.wait_for(10s) == 0);
}
