#include "kite/cloud/placement_directory.hpp"

#include <set>

#include <catch2/catch.hpp>

#include "kite/runtime/error.hpp"

using namespace std::chrono_literals;
using namespace kite::cloud;
using kite::hysteresis_config;
using kite::type_constraints;

namespace {

const std::string mapper = "robotics.mapper";

worker_report worker(const std::string& id, std::map<std::string, std::string> labels = {}) {
  worker_report out;
  out.id = id;
  out.capacity = 2;
  out.types = {mapper};
  out.labels = std::move(labels);
  out.service_s[mapper] = 0.001;
  return out;
}

/// robot-1 measures w-near at 2 ms and w-far at 20 ms, and can run the mapper in 50 ms.
edge_report robot(double near_rtt_s = 0.002) {
  edge_report out;
  out.id = "robot-1";
  out.paths["w-near"] = {near_rtt_s, 0};
  out.paths["w-far"] = {0.020, 0};
  out.service_s[mapper] = 0.050;
  return out;
}

struct two_workers {
  two_workers()
      : directory{std::make_unique<cost_model_policy>(), hysteresis(), std::chrono::seconds(2)} {
    directory.report(worker("w-near"), t);
    directory.report(worker("w-far"), t);
    directory.report(robot(), t);
  }

  static hysteresis_config hysteresis() {
    hysteresis_config out;
    out.sustain = 1000ms;
    return out;
  }

  placement_directory::clock_type::time_point t = placement_directory::clock_type::now();
  placement_directory directory;
};

} // namespace

TEST_CASE("placement directory: sticky while the worker reports, moved when it falls silent") {
  two_workers f;
  auto first = f.directory.place("robot-1", mapper, "robot-1", f.t);
  REQUIRE(first);
  CHECK(first->host == "w-near");
  CHECK_FALSE(first->on_edge);
  auto again = f.directory.place("robot-1", mapper, "robot-1", f.t + 1s);
  REQUIRE(again);
  CHECK(again->epoch == first->epoch);
  // w-near stops reporting; w-far goes on.
  f.directory.report(worker("w-far"), f.t + 2s);
  f.directory.report(worker("w-far"), f.t + 4s);
  auto moved = f.directory.place("robot-1", mapper, "robot-1", f.t + 4s);
  REQUIRE(moved);
  CHECK(moved->host == "w-far");
  CHECK(moved->epoch > first->epoch);
  CHECK(f.directory.workers() == 1);
}

TEST_CASE("placement directory: pins and labels decide where a type may run") {
  two_workers f;
  f.directory.report(worker("w-gpu", {{"gpu", "true"}}), f.t);
  auto view = robot();
  view.paths["w-gpu"] = {0.010, 0};
  f.directory.report(view, f.t);
  type_constraints gpu;
  gpu.labels = {{"gpu", "true"}};
  f.directory.constrain(mapper, gpu);
  CHECK(f.directory.place("robot-1", mapper, "a", f.t)->host == "w-gpu");
  type_constraints edge_only;
  edge_only.where = type_constraints::pin::edge;
  f.directory.constrain(mapper, edge_only);
  auto local = f.directory.place("robot-1", mapper, "b", f.t);
  REQUIRE(local);
  CHECK(local->on_edge);
  CHECK(local->host == "robot-1");
  // Another edge cannot reach an actor that runs on robot-1.
  CHECK_FALSE(f.directory.place("robot-2", mapper, "b", f.t));
}

TEST_CASE("placement directory: the edge runs a type itself when that is cheapest") {
  two_workers f;
  auto far = robot(0.300);
  far.paths["w-far"] = {0.300, 0};
  f.directory.report(far, f.t); // both workers 300 ms away, the edge takes 50 ms
  auto where = f.directory.place("robot-1", mapper, "k", f.t);
  REQUIRE(where);
  CHECK(where->on_edge);
  // Restarted without the type, the edge no longer offers it: the actor goes to a worker.
  far.service_s.clear();
  f.directory.report(far, f.t + 1s);
  auto moved = f.directory.place("robot-1", mapper, "k", f.t + 1s);
  REQUIRE(moved);
  CHECK_FALSE(moved->on_edge);
}

TEST_CASE("placement directory: a sustained RTT rise moves the actor, a single report does not") {
  two_workers f;
  REQUIRE(f.directory.place("robot-1", mapper, "robot-1", f.t)->host == "w-near");
  f.directory.report(robot(0.200), f.t + 100ms); // w-near now 200 ms away
  CHECK(f.directory.rebalance(f.t + 100ms).empty());
  f.directory.report(robot(0.002), f.t + 200ms); // back to normal: the streak breaks
  CHECK(f.directory.rebalance(f.t + 200ms).empty());
  f.directory.report(robot(0.200), f.t + 300ms);
  CHECK(f.directory.rebalance(f.t + 300ms).empty());
  f.directory.report(worker("w-near"), f.t + 1300ms);
  f.directory.report(worker("w-far"), f.t + 1300ms);
  auto moves = f.directory.rebalance(f.t + 1300ms);
  REQUIRE(moves.size() == 1);
  CHECK(moves[0].from.host == "w-near");
  CHECK(moves[0].to.host == "w-far");
  CHECK(moves[0].to.epoch > moves[0].from.epoch);
  CHECK(f.directory.place("robot-1", mapper, "robot-1", f.t + 1300ms)->host == "w-far");
}

TEST_CASE("placement directory: with no eligible host the error names the type and the edge") {
  placement_directory directory{std::make_unique<round_robin>(), {}, std::chrono::seconds(2)};
  auto where = directory.place("robot-1", mapper, "k", placement_directory::clock_type::now());
  REQUIRE_FALSE(where);
  CHECK_THAT(kite::describe(where.error()),
             Catch::Contains("robotics.mapper") && Catch::Contains("robot-1"));
}

TEST_CASE("placement directory: a decision weighs the edge's measured workers and the least "
          "loaded others, not every worker") {
  auto t = placement_directory::clock_type::now();
  placement_directory directory{std::make_unique<round_robin>(), {}, std::chrono::seconds(2)};
  for (int i = 0; i < 10; ++i) {
    auto w = worker("w" + std::to_string(i));
    w.backlog = i; // w0 least loaded, w9 most
    directory.report(w, t);
  }
  edge_report edge;
  edge.id = "robot-1";
  edge.paths["w9"] = {0.002, 0}; // measured, though busy
  directory.report(edge, t);
  std::set<std::string> chosen;
  for (int k = 0; k < 50; ++k)
    chosen.insert(directory.place("robot-1", mapper, std::to_string(k), t)->host);
  CHECK(chosen == std::set<std::string>{"w9", "w0", "w1", "w2", "w3"});
  // An actor whose host left the shortlist is still compared against it, not moved as lost.
  auto busy = worker("w1");
  busy.backlog = 100;
  directory.report(busy, t + 200ms);
  for (int i = 0; i < 10; ++i)
    if (i != 1) directory.report(worker("w" + std::to_string(i)), t + 200ms);
  CHECK(directory.rebalance(t + 200ms).empty()); // the hysteresis' sustain window first
}

TEST_CASE("placement directory: a restarted directory learns placements back from edge reports") {
  two_workers restarted; // empty but for the reports of one round
  // The edge ran its actor on w-far before the restart; the directory takes that, not its policy.
  CHECK_FALSE(restarted.directory.adopt("robot-1", mapper, "robot-1", {"w-far", false, 0}));
  CHECK(restarted.directory.placed() == 1);
  auto where = restarted.directory.place("robot-1", mapper, "robot-1", restarted.t);
  REQUIRE(where);
  CHECK(where->host == "w-far");
}

TEST_CASE("placement directory: its own live decision stands against an edge that missed it, "
          "but an edge's failover from a gone worker is taken") {
  two_workers f;
  auto placed = f.directory.place("robot-1", mapper, "robot-1", f.t);
  REQUIRE(placed);
  REQUIRE(placed->host == "w-near");
  auto stands = f.directory.adopt("robot-1", mapper, "robot-1", {"w-far", false, 0});
  REQUIRE(stands);
  CHECK(stands->host == "w-near"); // the service tells the edge again
  // w-near falls silent; the edge failed over to w-far on its own.
  f.directory.report(worker("w-far"), f.t + 4s);
  f.directory.rebalance(f.t + 4s); // sweeps the silent worker
  CHECK_FALSE(f.directory.adopt("robot-1", mapper, "robot-1", {"w-far", false, 0}));
  auto where = f.directory.place("robot-1", mapper, "robot-1", f.t + 4s);
  REQUIRE(where);
  CHECK(where->host == "w-far");
}

namespace {

/// Single-threaded workers at 10 ms per request, so a few actors' rates fill one.
worker_report slow_worker(const std::string& id) {
  auto out = worker(id);
  out.capacity = 1;
  out.service_s[mapper] = 0.010;
  return out;
}

} // namespace

TEST_CASE("placement directory: the rates edges report load a host, and new actors go elsewhere") {
  two_workers f;
  f.directory.report(slow_worker("w-near"), f.t);
  f.directory.report(slow_worker("w-far"), f.t);
  auto hot = f.directory.place("robot-1", mapper, "hot", f.t);
  REQUIRE(hot);
  CHECK(hot->host == "w-near");
  // 80 requests/s × 10 ms keep w-near 80% busy: waiting there (40 ms) costs more than the far
  // worker's 18 ms extra round trip.
  f.directory.record_rate("robot-1", mapper, "hot", 80);
  auto next = f.directory.place("robot-1", mapper, "next", f.t);
  REQUIRE(next);
  CHECK(next->host == "w-far");
}

TEST_CASE("placement directory: rebalancing keeps the hottest actor near and moves a cold one") {
  two_workers f;
  f.directory.report(slow_worker("w-near"), f.t);
  f.directory.report(slow_worker("w-far"), f.t);
  // Both placed before their rates were known: on the near worker, which they overload together.
  // "a-hot" sorts first, so weighing actors by key would move the hot one out.
  REQUIRE(f.directory.place("robot-1", mapper, "a-hot", f.t));
  REQUIRE(f.directory.place("robot-1", mapper, "b-cold", f.t));
  f.directory.record_rate("robot-1", mapper, "a-hot", 70);
  f.directory.record_rate("robot-1", mapper, "b-cold", 30);
  // An overloaded host's actors move without waiting out the sustain window.
  auto moves = f.directory.rebalance(f.t + 100ms);
  REQUIRE(moves.size() == 1);
  CHECK(moves[0].key == "b-cold");
  CHECK(moves[0].to.host == "w-far");
  // Then it is settled: nothing moves however long the same load lasts.
  for (auto at : {f.t + 1s, f.t + 2s, f.t + 3s}) {
    f.directory.report(slow_worker("w-near"), at);
    f.directory.report(slow_worker("w-far"), at);
    f.directory.report(robot(), at);
    CHECK(f.directory.rebalance(at).empty());
  }
}

TEST_CASE("placement directory: rates from several edges add up, and a silent edge's lapse") {
  two_workers f;
  f.directory.report(slow_worker("w-near"), f.t);
  f.directory.report(slow_worker("w-far"), f.t);
  auto other = robot();
  other.id = "robot-2";
  f.directory.report(other, f.t);
  REQUIRE(f.directory.place("robot-1", mapper, "shared", f.t));
  // Each edge alone keeps w-near 40% busy; together 80%, so the next actor goes far.
  f.directory.record_rate("robot-1", mapper, "shared", 40);
  f.directory.record_rate("robot-2", mapper, "shared", 40);
  auto next = f.directory.place("robot-1", mapper, "next", f.t);
  REQUIRE(next);
  CHECK(next->host == "w-far");
  // robot-2 falls silent past the timeout: only robot-1's 40% counts, and w-near wins again.
  auto later = f.t + 3s;
  f.directory.report(slow_worker("w-near"), later);
  f.directory.report(slow_worker("w-far"), later);
  f.directory.report(robot(), later);
  auto third = f.directory.place("robot-1", mapper, "third", later);
  REQUIRE(third);
  CHECK(third->host == "w-near");
}

TEST_CASE("placement directory: status shows workers, live edges and placed actors, and names "
          "a silent worker with the actors placed there") {
  two_workers f;
  auto placed = f.directory.place("robot-1", mapper, "robot-7", f.t);
  REQUIRE(placed);
  auto now = f.directory.status(f.t + 500ms);
  REQUIRE(now.workers.size() == 2);
  CHECK(now.workers[0].id == "w-far");
  CHECK(now.workers[0].heard_s == Approx(0.5));
  REQUIRE(now.edges.size() == 1);
  CHECK(now.edges[0].paths.size() == 2);
  REQUIRE(now.actors.size() == 1);
  CHECK(now.actors[0].key == "robot-7");
  CHECK(now.actors[0].host == placed->host);
  CHECK(now.events.empty());

  // Only the other worker and the edge keep reporting; the placed-on one falls silent.
  auto other = placed->host == "w-near" ? "w-far" : "w-near";
  f.directory.report(worker(other), f.t + 2500ms);
  f.directory.report(robot(), f.t + 2500ms);
  REQUIRE(f.directory.place("robot-1", mapper, "robot-8", f.t + 3s));
  auto later = f.directory.status(f.t + 3s);
  CHECK(later.workers.size() == 1);
  REQUIRE(later.events.size() == 1);
  CHECK(later.events[0].kind == "worker_lost");
  CHECK(later.events[0].subject == placed->host);
  CHECK(later.events[0].detail == "silent for 2 s, 1 actors placed there");
  CHECK(later.events[0].at_ms > 0);
}
