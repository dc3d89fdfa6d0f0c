// An edge and a worker as real processes: requests cross a CURVE link and come back answered.
#include <catch2/catch.hpp>

#include <csignal>

#include "loopback_cluster.hpp"

using namespace std::chrono_literals;
using namespace kite::test;

TEST_CASE("every sample of the edge pipeline is answered by a logical actor on the worker") {
  loopback_cluster cluster;
  auto& worker = cluster.start_worker();
  auto edge = cluster.start_edge({"robot-1", 200, 30});
  auto code = edge->wait_for(20s);
  REQUIRE(code.has_value());
  auto log = read_file(edge->log_path());
  INFO(log);
  CHECK(*code == 0);
  CHECK(counter_in(log, "answered") == 30);
  CHECK(counter_in(log, "failed") == 0);
  // The logical actor keeps state per key: the last answer counts all 30 features.
  CHECK(log.find("kite.summary(\"robot-1\", 30, 29") != std::string::npos);
  worker.signal(SIGTERM);
  REQUIRE(worker.wait_for(10s) == 0);
  auto worker_log = read_file(cluster.worker_log());
  CHECK(worker_log.find("activated logical actor (kite.summarize, robot-1)") != std::string::npos);
  CHECK(counter_in(worker_log, "frame_errors") == 0);
}

TEST_CASE("two edges get separate logical actors keyed by their node id") {
  loopback_cluster cluster;
  cluster.start_worker();
  auto a = cluster.start_edge({"robot-a", 200, 10});
  auto b = cluster.start_edge({"robot-b", 200, 15});
  REQUIRE(a->wait_for(20s) == 0);
  REQUIRE(b->wait_for(20s) == 0);
  CHECK(read_file(a->log_path()).find("kite.summary(\"robot-a\", 10, 9") != std::string::npos);
  CHECK(read_file(b->log_path()).find("kite.summary(\"robot-b\", 15, 14") != std::string::npos);
}
