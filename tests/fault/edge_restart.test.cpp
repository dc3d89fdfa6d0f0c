// An edge agent killed (-9) and started again from the same config: its pipeline comes back,
// it reconnects as a new incarnation, and its logical actor, still alive on the worker, goes on
// from where it was.
#include <catch2/catch.hpp>

#include <csignal>
#include <thread>

#include "../integration/loopback_cluster.hpp"
#include "edge_log.hpp"

using namespace std::chrono_literals;
using namespace kite::test;

TEST_CASE("an edge killed and restarted resumes its pipeline and its actor's state") {
  loopback_cluster cluster;
  auto& worker = cluster.start_worker();
  edge_options options{"robot-1", 100, 0}; // runs until stopped
  auto edge = cluster.start_edge(options);
  REQUIRE(wait_for_text(edge->log_path(), "kite.summary(\"robot-1\", 20,", 10s));
  edge->kill_now();
  REQUIRE(edge->wait_for(5s).has_value());
  auto before = read_file(edge->log_path());
  auto last_count = summary_counts(before, "robot-1").back();

  // The same config again, as systemd's Restart=always would; the log continues in the file.
  auto restarted = cluster.start_edge(options);
  auto first_after = [&]() -> uint64_t {
    auto counts = summary_counts(read_file(restarted->log_path()).substr(before.size()), "robot-1");
    return counts.empty() ? 0 : counts.front();
  };
  auto deadline = std::chrono::steady_clock::now() + 10s;
  while (first_after() == 0 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(10ms);
  // The worker kept the actor: the count goes on past where the killed edge saw it.
  CHECK(first_after() > last_count);
  restarted->signal(SIGTERM);
  REQUIRE(restarted->wait_for(10s).has_value());
  auto after = read_file(restarted->log_path()).substr(before.size());
  INFO(after);
  CHECK(after.find("started: ") != std::string::npos);
  CHECK(counter_in(after, "answered") > 0);
  CHECK(counter_in(after, "failed") == 0);
  worker.signal(SIGTERM);
  REQUIRE(worker.wait_for(10s) == 0);
  CHECK(counter_in(read_file(cluster.worker_log()), "fenced") == 0);
}
