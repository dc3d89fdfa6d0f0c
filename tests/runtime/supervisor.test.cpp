#include "kite/runtime/supervisor.hpp"

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/scoped_actor.hpp>
#include <catch2/catch.hpp>

#include "kite/runtime/error.hpp"
#include "kite/runtime/metrics.hpp"

using namespace kite;
using std::chrono::milliseconds;

namespace {

using ping_atom = caf::atom_constant<caf::atom("ping")>;
using crash_atom = caf::atom_constant<caf::atom("crash")>;
using finish_atom = caf::atom_constant<caf::atom("finish")>;

/// What the test children did, in order, and how often each was started.
struct journal {
  std::mutex mutex;
  std::vector<std::string> events;
  std::map<std::string, int> starts;

  int started(const std::string& id) {
    std::lock_guard<std::mutex> guard{mutex};
    events.push_back("start " + id);
    return ++starts[id];
  }
  void add(std::string event) {
    std::lock_guard<std::mutex> guard{mutex};
    events.push_back(std::move(event));
  }
  int count(const std::string& id) {
    std::lock_guard<std::mutex> guard{mutex};
    return starts[id];
  }
  std::vector<std::string> take() {
    std::lock_guard<std::mutex> guard{mutex};
    return std::move(events);
  }
};

/// Answers ping with its incarnation number; crash ends it abnormally, finish normally.
caf::behavior test_child(caf::event_based_actor* self, std::shared_ptr<journal> log, std::string id,
                         int incarnation, bool stubborn) {
  self->attach_functor([log, id](const caf::error& reason) {
    log->add("stop " + id + (reason == caf::exit_reason::kill ? " (killed)" : ""));
  });
  // A stubborn child ignores the request to stop, so only its shutdown timeout ends it.
  if (stubborn) self->set_exit_handler([](caf::exit_msg&) {});
  return {
      [incarnation](ping_atom) { return incarnation; },
      [self](crash_atom) { self->quit(caf::make_error(caf::sec::runtime_error)); },
      [self](finish_atom) { self->quit(); },
  };
}

child_spec child(std::shared_ptr<journal> log, std::string id,
                 restart_type restart = restart_type::permanent, bool stubborn = false) {
  child_spec spec;
  spec.id = id;
  spec.restart = restart;
  spec.shutdown_timeout = milliseconds(50);
  spec.start = [log, id, stubborn](caf::actor_system& sys, const child_handles&) {
    return sys.spawn(test_child, log, id, log->started(id), stubborn);
  };
  return spec;
}

supervisor_flags flags(restart_strategy strategy) {
  supervisor_flags out;
  out.strategy = strategy;
  out.intensity = 5;
  out.period = milliseconds(10000);
  out.backoff = {milliseconds(1), milliseconds(10), 0.2};
  return out;
}

struct fixture {
  caf::actor_system_config cfg;
  std::unique_ptr<caf::actor_system> sys;
  std::shared_ptr<journal> log = std::make_shared<journal>();

  fixture() {
    cfg.set("scheduler.max-threads", size_t{2});
    sys = std::make_unique<caf::actor_system>(cfg);
  }

  supervisor_report report(const caf::actor& sup) {
    caf::scoped_actor self{*sys};
    supervisor_report out;
    self->request(sup, std::chrono::seconds(5), report_atom::value)
        .receive([&](supervisor_report& x) { out = std::move(x); },
                 [&](caf::error& err) { FAIL("no report: " << describe(err)); });
    return out;
  }

  const child_report& child_of(const supervisor_report& r, const std::string& id) {
    for (const auto& c : r.children)
      if (c.id == id) return c;
    throw std::runtime_error("no child " + id);
  }

  /// Waits, bounded, until child `id` is in `state`.
  void await_state(const caf::actor& sup, const std::string& id, const std::string& state) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (child_of(report(sup), id).state != state) {
      if (std::chrono::steady_clock::now() > deadline) FAIL("child " << id << " never " << state);
      std::this_thread::sleep_for(milliseconds(1));
    }
  }

  /// Waits, bounded, until child `id` has been restarted `restarts` times and runs again.
  void await_restarts(const caf::actor& sup, const std::string& id, uint32_t restarts) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    for (;;) {
      auto r = report(sup);
      const auto& c = child_of(r, id);
      if (c.restarts >= restarts && c.state == "running") return;
      if (std::chrono::steady_clock::now() > deadline)
        FAIL("child " << id << " is " << c.state << " after " << c.restarts << " restarts");
      std::this_thread::sleep_for(milliseconds(1));
    }
  }

  /// The incarnation number that answers a ping sent to `handle`; -1 for an error answer,
  /// -2 when none came within 5 s.
  int ping(const caf::actor& handle) {
    caf::scoped_actor self{*sys};
    int out = 0;
    self->request(handle, std::chrono::seconds(5), ping_atom::value)
        .receive([&](int x) { out = x; },
                 [&](caf::error& err) { out = err == caf::sec::request_timeout ? -2 : -1; });
    return out;
  }

  /// Stops `sup` and waits until it is gone; returns its exit reason.
  caf::error stop(const caf::actor& sup) {
    caf::scoped_actor self{*sys};
    caf::error reason;
    self->monitor(sup);
    self->send_exit(sup, caf::exit_reason::user_shutdown);
    self->receive([&](caf::down_msg& down) { reason = down.reason; });
    return reason;
  }
};

} // namespace

TEST_CASE("supervisor: children start in order and stop in reverse order") {
  fixture f;
  auto sup = spawn_supervisor(*f.sys, "t", flags(restart_strategy::one_for_one),
                              {child(f.log, "a"), child(f.log, "b"), child(f.log, "c")});
  CHECK(f.ping(sup.children["c"]) == 1);
  CHECK(f.stop(sup.supervisor) == caf::exit_reason::user_shutdown);
  CHECK(f.log->take() ==
        std::vector<std::string>{"start a", "start b", "start c", "stop c", "stop b", "stop a"});
}

TEST_CASE("supervisor: one_for_one restarts only the child that failed") {
  fixture f;
  auto sup = spawn_supervisor(*f.sys, "t", flags(restart_strategy::one_for_one),
                              {child(f.log, "a"), child(f.log, "b"), child(f.log, "c")});
  caf::anon_send(sup.children["b"], crash_atom::value);
  f.await_restarts(sup.supervisor, "b", 1);
  CHECK(f.ping(sup.children["a"]) == 1);
  CHECK(f.ping(sup.children["b"]) == 2);
  CHECK(f.ping(sup.children["c"]) == 1);
  auto r = f.report(sup.supervisor);
  CHECK(f.child_of(r, "b").last_exit.find("runtime_error") != std::string::npos);
  CHECK(r.recent_restarts == 1);
  f.stop(sup.supervisor);
}

TEST_CASE("supervisor: restarts, running children and give-ups are counted in metrics") {
  metrics counts; // outlives the actor system, as a node's does
  fixture f;
  auto once = flags(restart_strategy::one_for_one);
  once.intensity = 1;
  auto sup = spawn_supervisor(*f.sys, "t", once, {child(f.log, "a"), child(f.log, "b")}, &counts);
  caf::anon_send(sup.children["b"], crash_atom::value);
  f.await_restarts(sup.supervisor, "b", 1);
  auto text = counts.scrape();
  CHECK_THAT(text,
             Catch::Contains(R"(kite_supervisor_restarts_total{child="b",supervisor="t"} 1)"));
  CHECK_THAT(text, Catch::Contains(R"(kite_supervisor_child_running{child="a",supervisor="t"} 1)"));
  // A second crash is past the intensity: the supervisor stops its children and gives up.
  caf::scoped_actor self{*f.sys};
  self->monitor(sup.supervisor);
  caf::anon_send(sup.children["b"], crash_atom::value);
  self->receive([](caf::down_msg&) {},
                caf::after(std::chrono::seconds(5)) >> [] { FAIL("the supervisor did not end"); });
  text = counts.scrape();
  CHECK_THAT(text, Catch::Contains(R"(kite_supervisor_give_ups_total{supervisor="t"} 1)"));
  CHECK_THAT(text, Catch::Contains(R"(kite_supervisor_child_running{child="a",supervisor="t"} 0)"));
}

TEST_CASE("supervisor: one_for_all stops the others in reverse order and restarts all in order") {
  fixture f;
  auto sup = spawn_supervisor(*f.sys, "t", flags(restart_strategy::one_for_all),
                              {child(f.log, "a"), child(f.log, "b"), child(f.log, "c")});
  CHECK(f.ping(sup.children["c"]) == 1);
  f.log->take();
  caf::anon_send(sup.children["b"], crash_atom::value);
  f.await_restarts(sup.supervisor, "a", 1);
  f.await_restarts(sup.supervisor, "c", 1);
  CHECK(f.ping(sup.children["a"]) == 2);
  CHECK(f.ping(sup.children["b"]) == 2);
  CHECK(f.ping(sup.children["c"]) == 2);
  CHECK(f.log->take() ==
        std::vector<std::string>{"stop b", "stop c", "stop a", "start a", "start b", "start c"});
  f.stop(sup.supervisor);
}

TEST_CASE("supervisor: rest_for_one restarts the failed child and those started after it") {
  fixture f;
  auto sup = spawn_supervisor(*f.sys, "t", flags(restart_strategy::rest_for_one),
                              {child(f.log, "a"), child(f.log, "b"), child(f.log, "c")});
  CHECK(f.ping(sup.children["c"]) == 1);
  f.log->take();
  caf::anon_send(sup.children["b"], crash_atom::value);
  f.await_restarts(sup.supervisor, "c", 1);
  CHECK(f.ping(sup.children["a"]) == 1);
  CHECK(f.ping(sup.children["b"]) == 2);
  CHECK(f.ping(sup.children["c"]) == 2);
  CHECK(f.log->take() == std::vector<std::string>{"stop b", "stop c", "start b", "start c"});
  f.stop(sup.supervisor);
}

TEST_CASE("supervisor: restart types decide which exits are restarted") {
  fixture f;
  auto sup = spawn_supervisor(*f.sys, "t", flags(restart_strategy::one_for_one),
                              {child(f.log, "perm", restart_type::permanent),
                               child(f.log, "trans", restart_type::transient),
                               child(f.log, "temp", restart_type::temporary)});
  SECTION("permanent: restarted even after a normal exit") {
    caf::anon_send(sup.children["perm"], finish_atom::value);
    f.await_restarts(sup.supervisor, "perm", 1);
    CHECK(f.ping(sup.children["perm"]) == 2);
  }
  SECTION("transient: restarted after a crash, not after a normal exit") {
    caf::anon_send(sup.children["trans"], crash_atom::value);
    f.await_restarts(sup.supervisor, "trans", 1);
    CHECK(f.ping(sup.children["trans"]) == 2);
    caf::anon_send(sup.children["trans"], finish_atom::value);
    // A ping after the exit fails rather than waiting for a restart that never comes.
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (f.child_of(f.report(sup.supervisor), "trans").state != "stopped" &&
           std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(milliseconds(1));
    CHECK(f.child_of(f.report(sup.supervisor), "trans").state == "stopped");
    CHECK(f.ping(sup.children["trans"]) == -1);
    CHECK(f.log->count("trans") == 2);
  }
  SECTION("temporary: never restarted") {
    caf::anon_send(sup.children["temp"], crash_atom::value);
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (f.child_of(f.report(sup.supervisor), "temp").state != "stopped" &&
           std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(milliseconds(1));
    CHECK(f.child_of(f.report(sup.supervisor), "temp").state == "stopped");
    CHECK(f.ping(sup.children["temp"]) == -1);
    CHECK(f.log->count("temp") == 1);
  }
  f.stop(sup.supervisor);
}

TEST_CASE("supervisor: past its intensity it stops every child and fails to its parent") {
  fixture f;
  auto opts = flags(restart_strategy::one_for_one);
  opts.intensity = 2;
  auto sup = spawn_supervisor(*f.sys, "t", opts, {child(f.log, "a"), child(f.log, "b")});
  caf::scoped_actor self{*f.sys};
  self->monitor(sup.supervisor);
  for (uint32_t i = 1; i <= 2; ++i) {
    caf::anon_send(sup.children["b"], crash_atom::value);
    f.await_restarts(sup.supervisor, "b", i);
  }
  caf::anon_send(sup.children["b"], crash_atom::value);
  caf::error reason;
  self->receive([&](caf::down_msg& down) { reason = down.reason; },
                caf::after(std::chrono::seconds(5)) >> [] {});
  REQUIRE(reason);
  CHECK(reason.category() == caf::atom("kite"));
  CHECK(reason.code() == static_cast<uint8_t>(errc::restart_limit));
  CHECK(f.log->count("b") == 3);
  auto events = f.log->take();
  CHECK(events.back() == "stop a");
}

TEST_CASE("supervisor: a child that crashes at once escalates instead of spinning") {
  fixture f;
  auto opts = flags(restart_strategy::one_for_one);
  opts.intensity = 3;
  child_spec crasher;
  crasher.id = "crasher";
  crasher.start = [log = f.log](caf::actor_system& sys, const child_handles&) {
    log->started("crasher");
    return sys.spawn(
        [](caf::event_based_actor* self, int) -> caf::behavior {
          self->quit(caf::make_error(caf::sec::runtime_error));
          return {};
        },
        0);
  };
  auto sup = spawn_supervisor(*f.sys, "t", opts, {crasher});
  caf::scoped_actor self{*f.sys};
  self->monitor(sup.supervisor);
  caf::error reason;
  self->receive([&](caf::down_msg& down) { reason = down.reason; },
                caf::after(std::chrono::seconds(5)) >> [] {});
  REQUIRE(reason);
  CHECK(reason.code() == static_cast<uint8_t>(errc::restart_limit));
  // The first start and the three restarts the intensity allows; no more.
  CHECK(f.log->count("crasher") == 4);
}

TEST_CASE("supervisor: a child that ignores the stop request is killed after its timeout") {
  fixture f;
  auto sup = spawn_supervisor(
      *f.sys, "t", flags(restart_strategy::one_for_one),
      {child(f.log, "a"), child(f.log, "stubborn", restart_type::permanent, true)});
  CHECK(f.ping(sup.children["stubborn"]) == 1);
  f.log->take();
  f.stop(sup.supervisor);
  CHECK(f.log->take() == std::vector<std::string>{"stop stubborn (killed)", "stop a"});
}

TEST_CASE("supervisor: a nested supervisor that gives up is restarted by its parent") {
  fixture f;
  auto inner_flags = flags(restart_strategy::one_for_one);
  inner_flags.intensity = 0;
  auto inner_handles = std::make_shared<std::map<std::string, caf::actor>>();
  child_spec inner;
  inner.id = "inner";
  inner.start = [&, inner_flags, inner_handles](caf::actor_system& sys, const child_handles&) {
    f.log->started("inner");
    auto s = spawn_supervisor(sys, "inner", inner_flags, {child(f.log, "leaf")});
    *inner_handles = s.children;
    return s.supervisor;
  };
  auto outer = spawn_supervisor(*f.sys, "outer", flags(restart_strategy::one_for_one), {inner});
  // The outer supervisor starts its children before it answers anything.
  CHECK(f.child_of(f.report(outer.supervisor), "inner").state == "running");
  CHECK(f.ping((*inner_handles)["leaf"]) == 1);
  caf::anon_send((*inner_handles)["leaf"], crash_atom::value);
  f.await_restarts(outer.supervisor, "inner", 1);
  auto r = f.report(outer.supervisor);
  CHECK_THAT(f.child_of(r, "inner").last_exit, Catch::Contains("more than 0 restarts"));
  CHECK(f.log->count("inner") == 2);
  // The new inner supervisor's leaf answers through the handle its start published.
  CHECK(f.ping((*inner_handles)["leaf"]) == 2);
  f.stop(outer.supervisor);
}

TEST_CASE("supervisor: with a handle_set, a nested supervisor's children keep their handles") {
  fixture f;
  auto inner_flags = flags(restart_strategy::one_for_one);
  inner_flags.intensity = 0;
  auto keep = std::make_shared<handle_set>(*f.sys);
  // Each incarnation's handle for the leaf, written on the outer supervisor's thread.
  auto published = std::make_shared<std::vector<caf::actor>>();
  auto inner_supervisors = std::make_shared<std::vector<caf::actor>>();
  child_spec inner;
  inner.id = "inner";
  inner.start = [&, inner_flags, keep, published, inner_supervisors](caf::actor_system& sys,
                                                                     const child_handles&) {
    auto s = spawn_supervisor(sys, "inner", inner_flags, {child(f.log, "leaf")}, nullptr, keep);
    published->push_back(s.children["leaf"]);
    inner_supervisors->push_back(s.supervisor);
    return s.supervisor;
  };
  // A restart waits 200 ms, long enough to send into the gap.
  auto outer_flags = flags(restart_strategy::one_for_one);
  outer_flags.backoff = {milliseconds(200), milliseconds(200), 0.0};
  auto outer = spawn_supervisor(*f.sys, "outer", outer_flags, {inner});
  // The outer supervisor starts its children before it answers anything.
  REQUIRE(f.child_of(f.report(outer.supervisor), "inner").state == "running");
  auto leaf = published->front(); // taken once, from the first incarnation only
  CHECK(f.ping(leaf) == 1);
  // The leaf's crash is past the inner supervisor's intensity: the outer one restarts it.
  caf::anon_send(leaf, crash_atom::value);
  f.await_restarts(outer.supervisor, "inner", 1);
  CHECK(f.ping(leaf) == 2);
  REQUIRE(published->size() == 2);
  CHECK(published->back() == leaf);
  // Killed outright (as after its shutdown timeout), it cannot stop its children in order;
  // while it restarts, the handle holds a message for the next incarnation instead of
  // forwarding it into the dead one.
  caf::anon_send_exit(inner_supervisors->back(), caf::exit_reason::kill);
  f.await_state(outer.supervisor, "inner", "restarting");
  CHECK(f.ping(leaf) == 3);
  f.stop(outer.supervisor);
}

TEST_CASE("supervisor: siblings wired by handle keep working across a restart") {
  fixture f;
  child_spec relay;
  relay.id = "relay";
  relay.start = [](caf::actor_system& sys, const child_handles& siblings) {
    return sys.spawn(
        [](caf::event_based_actor* self, caf::actor target) -> caf::behavior {
          return {[self, target](ping_atom) { return self->delegate(target, ping_atom::value); }};
        },
        siblings.at("a"));
  };
  auto sup = spawn_supervisor(*f.sys, "t", flags(restart_strategy::one_for_one),
                              {child(f.log, "a"), relay});
  CHECK(f.ping(sup.children["relay"]) == 1);
  caf::anon_send(sup.children["a"], crash_atom::value);
  f.await_restarts(sup.supervisor, "a", 1);
  // The relay still holds the handle it was started with, and reaches the new incarnation.
  CHECK(f.ping(sup.children["relay"]) == 2);
  f.stop(sup.supervisor);
}

TEST_CASE("supervisor: under rest_for_one a child wired to a sibling's incarnation restarts "
          "with it") {
  fixture f;
  child_spec relay;
  relay.id = "relay";
  relay.start = [log = f.log](caf::actor_system& sys, const child_handles& siblings) {
    log->started("relay");
    return sys.spawn(
        [](caf::event_based_actor* self, caf::actor target) -> caf::behavior {
          return {[self, target](ping_atom) { return self->delegate(target, ping_atom::value); }};
        },
        siblings.current("a"));
  };
  auto sup = spawn_supervisor(*f.sys, "t", flags(restart_strategy::rest_for_one),
                              {child(f.log, "a"), relay});
  CHECK(f.ping(sup.children["relay"]) == 1);
  caf::anon_send(sup.children["a"], crash_atom::value);
  f.await_restarts(sup.supervisor, "relay", 1);
  CHECK(f.log->count("relay") == 2);
  CHECK(f.ping(sup.children["relay"]) == 2);
  f.stop(sup.supervisor);
}

TEST_CASE("supervisor: a child killed outright is restarted; the supervisor survives") {
  fixture f;
  auto sup = spawn_supervisor(*f.sys, "t", flags(restart_strategy::one_for_one),
                              {child(f.log, "a"), child(f.log, "b")});
  CHECK(f.ping(sup.children["b"]) == 1);
  caf::anon_send_exit(sup.children["b"], caf::exit_reason::kill);
  f.await_restarts(sup.supervisor, "b", 1);
  CHECK(f.ping(sup.children["a"]) == 1);
  CHECK(f.ping(sup.children["b"]) == 2);
  CHECK(f.stop(sup.supervisor) == caf::exit_reason::user_shutdown);
}

TEST_CASE("supervisor: one_for_all stops a temporary sibling and does not restart it") {
  fixture f;
  auto sup = spawn_supervisor(*f.sys, "t", flags(restart_strategy::one_for_all),
                              {child(f.log, "temp", restart_type::temporary), child(f.log, "b")});
  CHECK(f.ping(sup.children["b"]) == 1);
  caf::anon_send(sup.children["b"], crash_atom::value);
  f.await_restarts(sup.supervisor, "b", 1);
  CHECK(f.child_of(f.report(sup.supervisor), "temp").state == "stopped");
  CHECK(f.log->count("temp") == 1);
  CHECK(f.ping(sup.children["temp"]) == -1);
  f.stop(sup.supervisor);
}

TEST_CASE("supervisor: rest_for_one takes a pending restart of a later child into its order") {
  fixture f;
  auto opts = flags(restart_strategy::rest_for_one);
  opts.backoff = {milliseconds(300), milliseconds(300), 0.0};
  auto sup = spawn_supervisor(*f.sys, "t", opts,
                              {child(f.log, "a"), child(f.log, "b"), child(f.log, "c")});
  CHECK(f.ping(sup.children["c"]) == 1);
  f.log->take();
  caf::anon_send(sup.children["c"], crash_atom::value);
  f.await_state(sup.supervisor, "c", "restarting");
  caf::anon_send(sup.children["a"], crash_atom::value);
  f.await_restarts(sup.supervisor, "a", 1);
  f.await_restarts(sup.supervisor, "c", 1);
  CHECK(f.log->take() ==
        std::vector<std::string>{"stop c", "stop a", "stop b", "start a", "start b", "start c"});
  CHECK(f.ping(sup.children["c"]) == 2);
  f.stop(sup.supervisor);
}

TEST_CASE("supervisor: failures during a stop sequence are each handled after it") {
  fixture f;
  auto e = child(f.log, "e", restart_type::permanent, true);
  e.shutdown_timeout = milliseconds(200);
  auto sup = spawn_supervisor(
      *f.sys, "t", flags(restart_strategy::rest_for_one),
      {child(f.log, "a"), child(f.log, "b"), child(f.log, "c"), child(f.log, "d"), e});
  CHECK(f.ping(sup.children["e"]) == 1);
  caf::anon_send(sup.children["d"], crash_atom::value);
  // e ignores the stop request, so the sequence waits for its timeout meanwhile.
  f.await_state(sup.supervisor, "e", "stopping");
  caf::anon_send(sup.children["a"], crash_atom::value);
  caf::anon_send(sup.children["b"], crash_atom::value);
  for (auto id : {"a", "b", "c", "d", "e"})
    f.await_restarts(sup.supervisor, id, 1);
  CHECK(f.ping(sup.children["a"]) == 2);
  CHECK(f.ping(sup.children["e"]) >= 2);
  f.stop(sup.supervisor);
}

TEST_CASE("supervisor: a restart whose start fails counts as a failure and says why") {
  fixture f;
  auto opts = flags(restart_strategy::one_for_one);
  opts.intensity = 2;
  child_spec flaky;
  flaky.id = "flaky";
  flaky.start = [log = f.log](caf::actor_system& sys, const child_handles&) -> caf::actor {
    auto incarnation = log->started("flaky");
    if (incarnation >= 2) return caf::actor{};
    return sys.spawn(test_child, log, std::string{"flaky"}, incarnation, false);
  };
  auto sup = spawn_supervisor(*f.sys, "t", opts, {flaky});
  caf::scoped_actor self{*f.sys};
  self->monitor(sup.supervisor);
  caf::anon_send(sup.children["flaky"], crash_atom::value);
  caf::error reason;
  self->receive([&](caf::down_msg& down) { reason = down.reason; },
                caf::after(std::chrono::seconds(5)) >> [] {});
  REQUIRE(reason);
  CHECK(reason.code() == static_cast<uint8_t>(errc::restart_limit));
  CHECK_THAT(describe(reason), Catch::Contains("start returned no actor"));
  // The crash and one failed start use up the intensity of 2; the next failed start gives up.
  CHECK(f.log->count("flaky") == 3);
}
