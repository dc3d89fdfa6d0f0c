#include "kite_edge.hpp"

#include <fstream>
#include <stdexcept>
#include <thread>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/scoped_actor.hpp>
#include <caf/stateful_actor.hpp>
#include <fmt/format.h>

#include "kite/actors/builtin.hpp"
#include "kite/edge/offload_router.hpp"
#include "kite/runtime/error.hpp"
#include "kite/runtime/link.hpp"
#include "kite/runtime/node.hpp"
#include "kite/runtime/protocol.hpp"
#include "kite/runtime/registry.hpp"

namespace kite::bench {

namespace {

using clock_type = std::chrono::steady_clock;
using done_atom = caf::atom_constant<caf::atom("done")>;

/// What a driver measured; written by the driver, read after its done message arrives.
struct driver_result {
  offload_run run;
  std::string error;
};

/// What a driver is told to do.
struct drive_plan {
  std::string type;
  actors::blob payload;
  size_t answer_size = 0;
  size_t warmup = 0;
  size_t count = 0;
  size_t window = 1;
};

/// State of a driver: the user's side of the benchmark, an event-based actor that offloads
/// through the router exactly like the edge's offload sink does.
struct driver_state {
  static constexpr const char* name = "bench.offload_driver";
  caf::actor router;
  drive_plan plan;
  size_t total = 0;
  size_t sent = 0;
  size_t answered = 0;
  std::shared_ptr<driver_result> result;
  caf::actor report;
};

using driver_actor = caf::stateful_actor<driver_state>;

void finish(driver_actor* self, std::string error = {}) {
  auto& s = self->state;
  s.result->error = std::move(error);
  s.result->run.last_answered = clock_type::now();
  self->send(s.report, done_atom::value);
  self->quit();
}

void send_one(driver_actor* self) {
  auto& s = self->state;
  auto index = s.sent++;
  auto start = clock_type::now();
  self->request(s.router, caf::infinite, offload_atom::value, s.plan.type, std::string{"bench"},
                caf::make_message(s.plan.payload))
      .then(
          [self, index, start](const actors::blob& answer) {
            auto& s = self->state;
            if (answer.bytes.size() != s.plan.answer_size) {
              finish(self, s.plan.type + " answered a payload of the wrong size");
              return;
            }
            auto& run = s.result->run;
            if (index >= s.plan.warmup)
              run.round_trips_us.push_back(
                  std::chrono::duration<double, std::micro>(clock_type::now() - start).count());
            if (++s.answered == s.plan.warmup) run.measuring_since = clock_type::now();
            if (s.answered == s.total) {
              finish(self);
              return;
            }
            if (s.sent < s.total) send_one(self);
          },
          [self](caf::error& err) {
            finish(self, self->state.plan.type + " failed: " + describe(err));
          });
}

/// Keeps `plan.window` requests in flight until `warmup + count` are answered, timing each one
/// after the warm-up.
caf::behavior offload_driver(driver_actor* self, caf::actor router, drive_plan plan,
                             std::shared_ptr<driver_result> result, caf::actor report) {
  auto& s = self->state;
  s.router = std::move(router);
  s.plan = std::move(plan);
  s.total = s.plan.warmup + s.plan.count;
  s.result = std::move(result);
  s.report = std::move(report);
  s.result->run.round_trips_us.reserve(s.plan.count);
  s.result->run.measuring_since = clock_type::now();
  for (size_t i = 0; i < std::max<size_t>(1, std::min(s.plan.window, s.total)); ++i)
    send_one(self);
  return {[](done_atom) {}};
}

} // namespace

keypair make_keys(const std::string& prefix) {
  auto keys = generate_keypair();
  if (!keys || write_keypair(*keys, prefix))
    throw std::runtime_error("cannot write keys to " + prefix);
  return *keys;
}

std::string worker_config(const std::string& dir, bool curve, const keypair& edge, uint32_t threads,
                          const std::vector<std::string>& plugins) {
  auto path = fmt::format("{}/worker-{}.yaml", dir, curve ? "curve" : "plain");
  std::ofstream out{path};
  out << fmt::format("kind: worker\nnode_id: bench-worker\nthreads: {}\n", threads)
      << "bind: tcp://127.0.0.1:*\nlog: {level: warn}\n";
  if (!plugins.empty()) out << fmt::format("plugins: [\"{}\"]\n", fmt::join(plugins, "\", \""));
  if (curve)
    out << fmt::format("security:\n  secret_key_file: {}/worker.key\n  allow: [\"{}\"]\n", dir,
                       edge.public_key);
  else
    out << "security: {curve: false}\n";
  return path;
}

/// The edge's parts, in the order they must be built and torn down.
struct bench_edge::node {
  registry types;
  caf::actor_system_config cfg;
  std::unique_ptr<caf::actor_system> sys;
  std::shared_ptr<edge::offload_router> router;
};

bench_edge::bench_edge(const std::string& endpoint, const keypair* client,
                       const std::string& server_key, uint32_t threads)
    : node_(std::make_unique<node>()) {
  actors::register_builtin(node_->types);
  configure_scheduler(node_->cfg, threads);
  node_->types.install(node_->cfg);
  node_->sys = std::make_unique<caf::actor_system>(node_->cfg);

  link_settings settings;
  settings.node_id = "bench-edge";
  settings.endpoint = endpoint;
  settings.curve = client != nullptr;
  if (client != nullptr) settings.own_keys = *client;
  settings.server_key = server_key;
  auto uplink = link::connect(*node_->sys, settings, node_->types.messages());
  if (!uplink) throw std::runtime_error(describe(uplink.error()));
  offload_config offload;
  offload.retry_interval = std::chrono::seconds(30); // no retries inside a measurement
  node_->router = edge::offload_router::start(*node_->sys, {*uplink}, offload);
  auto deadline = clock_type::now() + std::chrono::seconds(10);
  while (!(*uplink)->up()) {
    if (clock_type::now() > deadline)
      throw std::runtime_error("no link to the worker at " + endpoint);
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

bench_edge::~bench_edge() {
  node_->router->stop();
}

offload_run bench_edge::drive(const std::string& type, const actors::blob& payload,
                              size_t answer_size, size_t warmup, size_t count, size_t window) {
  auto& sys = *node_->sys;
  caf::scoped_actor self{sys};
  auto result = std::make_shared<driver_result>();
  sys.spawn(offload_driver, node_->router->handle(),
            drive_plan{type, payload, answer_size, warmup, count, window}, result,
            caf::actor_cast<caf::actor>(self));
  bool done = false;
  self->receive([&](done_atom) { done = true; }, caf::after(std::chrono::seconds(120)) >> [] {});
  if (!done) throw std::runtime_error("kite: no answer from the worker within 120 s");
  if (!result->error.empty()) throw std::runtime_error("kite: " + result->error);
  return std::move(result->run);
}

} // namespace kite::bench
