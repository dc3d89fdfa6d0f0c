#include "kite_client.hpp"

#include <chrono>
#include <stdexcept>
#include <thread>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/scoped_actor.hpp>
#include <caf/send.hpp>

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

/// Keeps `window` echo requests in flight until `total` are answered, then tells `report`.
caf::behavior pipeline_driver(caf::event_based_actor* self, caf::actor router, actors::blob payload,
                              size_t total, size_t window, caf::actor report) {
  auto sent = std::make_shared<size_t>(0);
  auto answered = std::make_shared<size_t>(0);
  auto send_one = std::make_shared<std::function<void()>>();
  *send_one = [=] {
    ++*sent;
    self->request(router, caf::infinite, offload_atom::value, std::string{"kite.echo"},
                  std::string{"bench"}, caf::make_message(payload))
        .then(
            [=](const actors::blob&) {
              if (++*answered == total) {
                self->send(report, done_atom::value);
                self->quit();
              } else if (*sent < total) {
                (*send_one)();
              }
            },
            [=](caf::error& err) { throw std::runtime_error("echo failed: " + describe(err)); });
  };
  for (size_t i = 0; i < window && i < total; ++i)
    (*send_one)();
  return {[](done_atom) {}};
}

} // namespace

measurement measure_kite(const std::string& endpoint, const keypair* client,
                         const std::string& server_key, size_t size, const workload& work) {
  registry types;
  actors::register_builtin(types);
  caf::actor_system_config cfg;
  configure_scheduler(cfg, 2);
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
  auto router = sys.spawn(edge::offload_router, *uplink, offload);
  (*uplink)->start(router);
  auto deadline = clock_type::now() + std::chrono::seconds(10);
  while (!(*uplink)->up()) {
    if (clock_type::now() > deadline)
      throw std::runtime_error("no link to the worker at " + endpoint);
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }

  actors::blob payload{std::string(size, 'k')};
  caf::scoped_actor self{sys};
  auto round_trip = [&] {
    self->request(router, caf::infinite, offload_atom::value, std::string{"kite.echo"},
                  std::string{"bench"}, caf::make_message(payload))
        .receive([](const actors::blob&) {},
                 [](caf::error& err) { throw std::runtime_error("echo: " + describe(err)); });
  };
  for (size_t i = 0; i < work.warmup; ++i)
    round_trip();
  std::vector<double> samples;
  samples.reserve(work.round_trips);
  for (size_t i = 0; i < work.round_trips; ++i) {
    auto start = clock_type::now();
    round_trip();
    samples.push_back(std::chrono::duration<double, std::micro>(clock_type::now() - start).count());
  }
  measurement out;
  out.transport = "kite";
  out.curve = client != nullptr;
  out.size = size;
  out.p50_us = quantile(samples, 0.5);
  out.p99_us = quantile(samples, 0.99);

  auto start = clock_type::now();
  sys.spawn(pipeline_driver, router, payload, work.pipelined, work.window,
            caf::actor_cast<caf::actor>(self));
  self->receive([](done_atom) {});
  out.round_trips_per_s = static_cast<double>(work.pipelined) /
                          std::chrono::duration<double>(clock_type::now() - start).count();

  self->send_exit(router, caf::exit_reason::user_shutdown);
  (*uplink)->stop();
  return out;
}

} // namespace kite::bench
