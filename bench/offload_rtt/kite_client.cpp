#include "kite_client.hpp"

#include <chrono>
#include <memory>
#include <stdexcept>
#include <thread>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/scoped_actor.hpp>
#include <caf/stateful_actor.hpp>
#include <spdlog/spdlog.h>

#include "kite/actors/builtin.hpp"
#include "kite/actors/messages.hpp"
#include "kite/edge/offload_router.hpp"
#include "kite/runtime/error.hpp"
#include "kite/runtime/link.hpp"
#include "kite/runtime/node.hpp"
#include "kite/runtime/protocol.hpp"

namespace kite::bench {

namespace {

using clock_type = std::chrono::steady_clock;
using done_atom = caf::atom_constant<caf::atom("done")>;

/// What a driver measured; written by the driver, read after its done message arrives.
struct driver_result {
  std::vector<double> round_trips_us;
  /// When the warm-up's last answer arrived: from here on, `count` answers are timed.
  clock_type::time_point measuring_since;
  clock_type::time_point last_answered;
  std::string error;
};

/// State of a driver: the user's side of the benchmark, an event-based actor that offloads
/// through the router exactly like the edge's offload sink does.
struct driver_state {
  static constexpr const char* name = "bench.offload_driver";
  caf::actor router;
  actors::blob payload;
  size_t warmup = 0;
  size_t total = 0;
  size_t window = 1;
  size_t sent = 0;
  size_t answered = 0;
  std::shared_ptr<driver_result> result;
  caf::actor report;
};

using driver_actor = caf::stateful_actor<driver_state>;

void finish(driver_actor* self, std::string error = {}) {
  auto& s = self->state;
  s.result->error = std::move(error);
  s.result->last_answered = clock_type::now();
  self->send(s.report, done_atom::value);
  self->quit();
}

void send_one(driver_actor* self) {
  auto& s = self->state;
  auto index = s.sent++;
  auto start = clock_type::now();
  self->request(s.router, caf::infinite, offload_atom::value, std::string{"kite.echo"},
                std::string{"bench"}, caf::make_message(s.payload))
      .then(
          [self, index, start](const actors::blob& answer) {
            auto& s = self->state;
            if (answer.bytes.size() != s.payload.bytes.size()) {
              finish(self, "echo answered a payload of the wrong size");
              return;
            }
            if (index >= s.warmup)
              s.result->round_trips_us.push_back(
                  std::chrono::duration<double, std::micro>(clock_type::now() - start).count());
            if (++s.answered == s.warmup) s.result->measuring_since = clock_type::now();
            if (s.answered == s.total) {
              finish(self);
              return;
            }
            if (s.sent < s.total) send_one(self);
          },
          [self](caf::error& err) { finish(self, "echo failed: " + describe(err)); });
}

/// Keeps `window` requests in flight until `warmup + count` are answered, timing each one
/// after the warm-up.
caf::behavior offload_driver(driver_actor* self, caf::actor router, actors::blob payload,
                             size_t warmup, size_t count, size_t window,
                             std::shared_ptr<driver_result> result, caf::actor report) {
  auto& s = self->state;
  s.router = std::move(router);
  s.payload = std::move(payload);
  s.warmup = warmup;
  s.total = warmup + count;
  s.window = window;
  s.result = std::move(result);
  s.report = std::move(report);
  s.result->round_trips_us.reserve(count);
  s.result->measuring_since = clock_type::now();
  for (size_t i = 0; i < std::max<size_t>(1, std::min(window, s.total)); ++i)
    send_one(self);
  return {[](done_atom) {}};
}

/// Runs one driver to completion and returns what it measured.
driver_result drive(caf::actor_system& sys, caf::scoped_actor& self, const caf::actor& router,
                    const actors::blob& payload, size_t warmup, size_t count, size_t window) {
  auto result = std::make_shared<driver_result>();
  sys.spawn(offload_driver, router, payload, warmup, count, window, result,
            caf::actor_cast<caf::actor>(self));
  bool done = false;
  self->receive([&](done_atom) { done = true; }, caf::after(std::chrono::seconds(120)) >> [] {});
  if (!done) throw std::runtime_error("kite: no answer from the worker within 120 s");
  if (!result->error.empty()) throw std::runtime_error("kite: " + result->error);
  return std::move(*result);
}

} // namespace

measurement measure_kite(const std::string& endpoint, const keypair* client,
                         const std::string& server_key, size_t size, const workload& work) {
  registry types;
  actors::register_builtin(types);
  caf::actor_system_config cfg;
  configure_scheduler(cfg, work.threads);
  types.install(cfg);
  caf::actor_system sys{cfg};

  link_settings settings;
  settings.node_id = "bench-edge";
  settings.endpoint = endpoint;
  settings.curve = client != nullptr;
  if (client != nullptr) settings.own_keys = *client;
  settings.server_key = server_key;
  auto uplink = link::connect(sys, settings, types.messages());
  if (!uplink) throw std::runtime_error(describe(uplink.error()));
  offload_config offload;
  offload.retry_interval = std::chrono::seconds(30); // no retries inside a measurement
  auto offload_router = edge::offload_router::start(sys, {*uplink}, offload);
  auto router = offload_router->handle();
  auto deadline = clock_type::now() + std::chrono::seconds(10);
  while (!(*uplink)->up()) {
    if (clock_type::now() > deadline)
      throw std::runtime_error("no link to the worker at " + endpoint);
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }

  actors::blob payload{std::string(size, 'k')};
  caf::scoped_actor self{sys};
  measurement out;
  out.transport = "kite";
  out.curve = client != nullptr;
  out.size = size;
  // Round trip: one request in flight.
  auto single = drive(sys, self, router, payload, work.warmup, work.round_trips, 1);
  out.p50_us = quantile(single.round_trips_us, 0.5);
  out.p99_us = quantile(single.round_trips_us, 0.99);
  // Throughput: `window` requests in flight, timed over the answers after the warm-up.
  auto piped = drive(sys, self, router, payload, work.warmup, work.pipelined, work.window);
  out.round_trips_per_s =
      static_cast<double>(work.pipelined) /
      std::chrono::duration<double>(piped.last_answered - piped.measuring_since).count();

  offload_router->stop();
  return out;
}

} // namespace kite::bench
