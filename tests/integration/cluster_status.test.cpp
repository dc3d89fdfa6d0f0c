// `kite status` and the placement service's status page against a running cluster: a placement
// service, two workers and an edge whose actors the test pins to one worker by its labels.
#include <catch2/catch.hpp>

#include <csignal>
#include <cstdlib>
#include <thread>

#include "../runtime/http_get.hpp"
#include "../runtime/json_value.hpp"
#include "loopback_cluster.hpp"
#include "ops_port.hpp"
#include "pinned_cluster.hpp"

using namespace std::chrono_literals;
using namespace kite::test;
using Catch::Contains;

namespace {

/// Runs `kite status` with `args` (and the placement's endpoint and key) and returns its exit
/// code and everything it printed.
std::pair<int, std::string> kite_status(loopback_cluster& cluster, const std::string& key_file,
                                        std::vector<std::string> args) {
  static int runs = 0;
  auto log = cluster.dir() + "/status." + std::to_string(runs++) + ".out";
  std::vector<std::string> argv{KITE_BIN,       "status",
                                "--placement",  cluster.placement_endpoint(),
                                "--server-key", cluster.dir() + "/placement.pub",
                                "--key",        key_file};
  argv.insert(argv.end(), args.begin(), args.end());
  child_process status{argv, log};
  auto code = status.wait_for(15s);
  return {code.value_or(-1), read_file(log)};
}

/// The actor `key` among status's actors; fails the test when it is not there.
const json_value& actor_with_key(const json_value& status, const std::string& key) {
  for (const auto& actor : status["actors"].items)
    if (actor["key"].text == key) return actor;
  FAIL("status shows no actor with key " << key);
  throw std::logic_error("unreachable");
}

} // namespace

TEST_CASE("kite status and the status page show the workers, the edge's paths and where the "
          "test placed each actor") {
  loopback_cluster cluster;
  // Only worker-2 may run kite.summarize: where its actors go is the test's choice. The edge
  // runs 20 s, alive while the test asks.
  auto edge = start_pinned_cluster(cluster, "rebalance_interval: 200ms\n", 20);

  auto [code, out] = kite_status(cluster, cluster.dir() + "/edge.key", {"--json"});
  INFO("kite status printed:\n" << out);
  REQUIRE(code == 0);
  auto status = parse_json(out);
  CHECK(status["service"].text == "placement-1");
  REQUIRE(status["workers"].items.size() == 2);
  CHECK(status["workers"][0]["id"].text == "worker-1");
  CHECK(status["workers"][1]["id"].text == "worker-2");
  for (const auto& worker : status["workers"].items) {
    CHECK(worker["capacity"].number >= 1);
    CHECK(worker["heard_s"].number < 5);
  }
  REQUIRE(status["edges"].items.size() == 1);
  const auto& robot = status["edges"][0];
  CHECK(robot["id"].text == "robot-1");
  REQUIRE(robot["paths"].items.size() == 2);
  for (const auto& path : robot["paths"].items) {
    CHECK(path["rtt_s"].number > 0);
    CHECK(path["rtt_s"].number < 1);
  }
  REQUIRE(status["actors"].items.size() == 2);
  for (auto key : {"robot-1-0", "robot-1-1"}) {
    const auto& actor = actor_with_key(status, key);
    CHECK(actor["type"].text == "kite.summarize");
    CHECK(actor["host"].text == "worker-2");
    CHECK_FALSE(actor["on_edge"].flag);
    CHECK(actor["edge"].text == "robot-1");
  }

  // The same cluster for a person to read.
  auto [text_code, text] = kite_status(cluster, cluster.dir() + "/edge.key", {});
  CHECK(text_code == 0);
  CHECK_THAT(text, Contains("workers (2)") && Contains("logical actors (2)") &&
                       Contains("kite.summarize/robot-1-0") && Contains("robot-1 "));

  // The status page, and the JSON it reads, on the service's metrics port.
  int port = logged_metrics_port(cluster.placement_log());
  auto page = http_get(port, "/status");
  CHECK_THAT(page, Contains("200 OK") && Contains("text/html") && Contains("/status.json"));
  // The page reads what the service published at its last rebalance (every 200 ms here).
  auto served = wait_for_answer(port, "/status.json", "robot-1-1", 5s);
  REQUIRE_THAT(served, Contains("200 OK"));
  auto from_page = parse_json(served.substr(served.find("\r\n\r\n") + 4));
  CHECK(from_page["actors"].items.size() == 2);
  CHECK(actor_with_key(from_page, "robot-1-0")["host"].text == "worker-2");
  // Its metrics count the same placements per worker from the next rebalance tick on.
  const std::string on_worker_2 =
      "kite_placement_placed_actors{host=\"worker\",worker=\"worker-2\"} 2";
  auto scraped = http_get(port, "/metrics");
  for (int i = 0; i < 50 && scraped.find(on_worker_2) == std::string::npos; ++i) {
    std::this_thread::sleep_for(100ms);
    scraped = http_get(port, "/metrics");
  }
  CHECK_THAT(scraped, Contains(on_worker_2));
  CHECK_THAT(scraped,
             Contains("kite_placement_placed_actors{host=\"worker\",worker=\"worker-1\"} 0"));
  CHECK_THAT(scraped, Contains("kite_build_info{kind=\"placement\","));

  edge->signal(SIGTERM);
  CHECK(edge->wait_for(10s) == 0);
}

TEST_CASE("kite status with a key the placement service does not allow says what to check") {
  loopback_cluster cluster;
  cluster.start_placement(0);
  auto [code, out] = kite_status(cluster, cluster.dir() + "/stranger.key", {"--timeout", "1500"});
  CHECK(code == 1);
  CHECK_THAT(out,
             Contains("no hello from a placement service at " + cluster.placement_endpoint()) &&
                 Contains("security.allow"));
}

TEST_CASE("a worker paused past its lease is lost to the placement service, then heard again "
          "once it resumes") {
  loopback_cluster cluster;
  cluster.start_placement(1, "worker_timeout: 1s\nrebalance_interval: 100ms");
  auto& worker = cluster.start_worker(0);
  auto workers_heard = [&]() -> std::pair<size_t, std::string> {
    auto [code, out] = kite_status(cluster, cluster.dir() + "/edge.key", {"--json"});
    if (code != 0) return {0, out};
    auto status = parse_json(out);
    size_t fresh = 0;
    for (const auto& w : status["workers"].items)
      fresh += w["id"].text == "worker-1" && w["heard_s"].number < 0.5 ? 1 : 0;
    return {fresh, out};
  };
  REQUIRE(workers_heard().first == 1);

  // Past the service's worker_timeout and the link's dead window: both sides give up on it.
  worker.signal(SIGSTOP);
  std::this_thread::sleep_for(2500ms);
  worker.signal(SIGCONT);
  auto deadline = std::chrono::steady_clock::now() + 10s;
  auto [fresh, out] = workers_heard();
  while (fresh == 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(200ms);
    std::tie(fresh, out) = workers_heard();
  }
  INFO("kite status printed:\n"
       << out << "\nplacement log:\n"
       << read_file(cluster.placement_log()));
  CHECK(fresh == 1);
  auto status = parse_json(out);
  REQUIRE(status["events"].items.size() >= 1);
  CHECK(status["events"][0]["kind"].text == "worker_lost");
  CHECK(status["events"][0]["subject"].text == "worker-1");
  worker.signal(SIGTERM);
  CHECK(worker.wait_for(10s) == 0);
}

TEST_CASE("kite status shows an actor's failover when its worker is killed") {
  loopback_cluster cluster;
  cluster.start_placement(2, "worker_timeout: 1s\nrebalance_interval: 100ms");
  cluster.start_worker(0);
  cluster.start_worker(1);
  edge_options options;
  options.rate_hz = 20;
  options.count = 400; // 20 s: alive through the failover
  auto edge = cluster.start_edge(options);
  REQUIRE(wait_for_text(edge->log_path(), ", robot-1) answered", 15s));
  auto [code, out] = kite_status(cluster, cluster.dir() + "/edge.key", {"--json"});
  REQUIRE(code == 0);
  auto first = parse_json(out)["actors"][0]["host"].text;
  REQUIRE((first == "worker-1" || first == "worker-2"));
  auto other = first == "worker-1" ? "worker-2" : "worker-1";

  cluster.worker(first == "worker-1" ? 0 : 1).kill_now();
  auto deadline = std::chrono::steady_clock::now() + 15s;
  std::string failover;
  while (failover.empty() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(200ms);
    std::tie(code, out) = kite_status(cluster, cluster.dir() + "/edge.key", {"--json"});
    if (code != 0) continue;
    auto status = parse_json(out);
    for (const auto& event : status["events"].items)
      if (event["kind"].text == "failover") failover = event["detail"].text;
  }
  INFO("kite status printed:\n"
       << out << "\nplacement log:\n"
       << read_file(cluster.placement_log()));
  CHECK(failover == std::string{"for robot-1: "} + first + " -> " + other);
  CHECK(parse_json(out)["actors"][0]["host"].text == other);
  edge->signal(SIGTERM);
  CHECK(edge->wait_for(10s) == 0);
}
