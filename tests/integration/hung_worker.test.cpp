// A worker that hangs (SIGSTOP) is declared down by heartbeats; requests sent into the hang are
// resent with their sequence numbers once it is back, and each is answered exactly once.
#include <catch2/catch.hpp>

#include <csignal>
#include <thread>

#include "loopback_cluster.hpp"

using namespace std::chrono_literals;
using namespace kite::test;

TEST_CASE("requests lost in a hung worker are resent after it resumes, each answered once") {
  loopback_cluster cluster;
  auto& worker = cluster.start_worker();
  auto edge = cluster.start_edge({"robot-1", 50, 100, "200ms"});
  REQUIRE(wait_for_text(edge->log_path(), "kite.summary(\"robot-1\", 10,", 10s));
  worker.signal(SIGSTOP);
  // Heartbeats stop: 5 misses of 100ms and the edge calls the link down.
  REQUIRE(wait_for_text(edge->log_path(), "no heartbeat answered in time", 5s));
  worker.signal(SIGCONT);
  auto code = edge->wait_for(30s);
  REQUIRE(code.has_value());
  auto log = read_file(edge->log_path());
  INFO(log);
  CHECK(*code == 0);
  CHECK(counter_in(log, "answered") == 100);
  CHECK(counter_in(log, "failed") == 0);
  // Requests sent while the worker hung, before the edge noticed, had to go out again.
  CHECK(counter_in(log, "retries") > 0);
  worker.signal(SIGTERM);
  CHECK(worker.wait_for(10s) == 0);
}
