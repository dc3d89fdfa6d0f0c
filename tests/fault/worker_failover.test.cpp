// Workers that die or hang under steady load from an edge with two workers: the logical actor
// moves to the survivor and starts there from its last snapshot, every request gets exactly one
// answer, and a hung worker that comes back does not answer for the actor that moved.
#include <catch2/catch.hpp>

#include <csignal>
#include <thread>

#include "../integration/loopback_cluster.hpp"
#include "edge_log.hpp"

using namespace std::chrono_literals;
using namespace kite::test;

namespace {

constexpr uint64_t samples = 300;
const std::string answer_prefix = "answered (kite.summary(\"robot-1\", ";

/// Two workers that snapshot every 10 requests, and an edge sending 100 requests per second to
/// ("kite.summarize", "robot-1").
struct two_workers {
  two_workers() {
    cluster.worker_settings = "snapshots: {every_messages: 10}";
    cluster.start_worker(0);
    cluster.start_worker(1);
    edge = cluster.start_edge({"robot-1", 100, samples, "300ms"});
    // Some answers first, so the failure hits a running actor with snapshots taken.
    REQUIRE(wait_for_text(edge->log_path(), "kite.summary(\"robot-1\", 25,", 10s));
    host = first_host(read_file(edge->log_path()), "kite.summarize", "robot-1",
                      {cluster.endpoint(0), cluster.endpoint(1)});
    REQUIRE(host >= 0);
    survivor = 1 - host;
  }

  /// Waits for the first answer after the actor moved; returns how long that took and the
  /// summary count it carried.
  std::pair<std::chrono::milliseconds, long long> await_first_answer_elsewhere() {
    auto start = std::chrono::steady_clock::now();
    auto deadline = start + 10s;
    for (;;) {
      auto log = read_file(edge->log_path());
      auto moved = log.find("moved (kite.summarize, robot-1)");
      auto answer = moved == std::string::npos ? moved : log.find(answer_prefix, moved);
      if (answer != std::string::npos && log.find('\n', answer) != std::string::npos) {
        auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
            std::chrono::steady_clock::now() - start);
        return {elapsed, std::atoll(log.c_str() + answer + answer_prefix.size())};
      }
      REQUIRE(std::chrono::steady_clock::now() < deadline);
      std::this_thread::sleep_for(5ms);
    }
  }

  /// The edge finishes its run; every sample got exactly one answer and none failed.
  void check_each_answered_once() {
    auto log = await_each_answered_once(*edge, samples);
    INFO(log);
    // Both workers answered part of the run.
    CHECK(counter_in(log, cluster.endpoint(0) + " answers") > 0);
    CHECK(counter_in(log, cluster.endpoint(1) + " answers") > 0);
  }

  loopback_cluster cluster;
  std::unique_ptr<child_process> edge;
  int host = -1;
  int survivor = -1;
};

} // namespace

TEST_CASE("a worker killed under load: its actor moves and every request is answered once") {
  two_workers f;
  f.cluster.worker(f.host).kill_now();
  auto [failover, count] = f.await_first_answer_elsewhere();
  WARN("kill -9 to the first answer from the other worker: " << failover.count() << " ms");
  // The new instance started from a snapshot, not from nothing: at most the requests since the
  // last snapshot (10) and those in flight are missing from its count.
  CHECK(count > 10);
  CHECK(wait_for_text(f.cluster.worker_log(f.survivor), "from its last snapshot", 1s));
  f.check_each_answered_once();
  auto log = read_file(f.edge->log_path());
  CHECK(log.find(f.cluster.endpoint(f.host) + " down") != std::string::npos);
  f.cluster.worker(f.survivor).signal(SIGTERM);
  CHECK(f.cluster.worker(f.survivor).wait_for(10s) == 0);
}

TEST_CASE("a hung worker is declared down, and after SIGCONT does not answer for what moved") {
  two_workers f;
  auto& hung = f.cluster.worker(f.host);
  hung.signal(SIGSTOP);
  auto [failover, count] = f.await_first_answer_elsewhere();
  WARN("SIGSTOP to the first answer from the other worker: " << failover.count() << " ms");
  CHECK(count > 10);
  REQUIRE(wait_for_text(f.edge->log_path(), "no heartbeat answered in time", 1s));
  hung.signal(SIGCONT);
  // Back, it sees it was silent past the edge's lease and fences what the edge placed there.
  REQUIRE(wait_for_text(f.cluster.worker_log(f.host), "fenced off", 10s));
  f.check_each_answered_once();
  // Requests sent into the hang were resent to the other worker when the edge noticed.
  CHECK(counter_in(read_file(f.edge->log_path()), "moved") > 0);
  hung.signal(SIGTERM);
  REQUIRE(hung.wait_for(10s) == 0);
  auto worker_log = read_file(f.cluster.worker_log(f.host));
  INFO(worker_log);
  CHECK(counter_in(worker_log, "lapses") == 1);
  // The requests that queued up while it hung were refused unhandled (the edge must say hello
  // again first), so none of them ran on the worker the actor moved away from.
  CHECK(counter_in(worker_log, "no_hello") > 0);
  f.cluster.worker(f.survivor).signal(SIGTERM);
  CHECK(f.cluster.worker(f.survivor).wait_for(10s) == 0);
}
