#include "caf_remote.hpp"

#include <chrono>
#include <cstdio>
#include <fstream>
#include <stdexcept>
#include <thread>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/io/middleman.hpp>
#include <caf/scoped_actor.hpp>

#include "kite/runtime/node.hpp"

namespace kite::bench {

namespace {

using clock_type = std::chrono::steady_clock;

double micros(clock_type::duration d) {
  return std::chrono::duration<double, std::micro>(d).count();
}

/// Answers every string with itself.
caf::behavior echo(caf::event_based_actor*) {
  return {[](std::string& payload) { return std::move(payload); }};
}

/// A node's scheduler, as Kite's own nodes configure it, with BASP loaded.
struct caf_node {
  explicit caf_node(uint32_t threads) : sys{configure(threads)} {}

  caf::actor_system_config& configure(uint32_t threads) {
    configure_scheduler(cfg, threads);
    cfg.load<caf::io::middleman>();
    return cfg;
  }

  caf::actor_system_config cfg;
  caf::actor_system sys;
};

} // namespace

int serve_caf_echo(const std::string& ready_file) {
  caf_node node{2};
  auto port = node.sys.middleman().publish(node.sys.spawn(echo), 0, "127.0.0.1");
  if (!port) {
    std::fprintf(stderr, "caf-server: %s\n", node.sys.render(port.error()).c_str());
    return 1;
  }
  {
    std::ofstream out{ready_file + ".tmp"};
    out << "127.0.0.1:" << *port << '\n';
  }
  std::rename((ready_file + ".tmp").c_str(), ready_file.c_str());
  for (;;)
    std::this_thread::sleep_for(std::chrono::hours{1}); // serves until killed
}

measurement measure_caf(const std::string& endpoint, size_t size, const workload& work) {
  caf_node node{work.threads};
  auto colon = endpoint.rfind(':');
  auto port = static_cast<uint16_t>(std::stoul(endpoint.substr(colon + 1)));
  auto server = node.sys.middleman().remote_actor(endpoint.substr(0, colon), port);
  if (!server) throw std::runtime_error("caf: " + node.sys.render(server.error()));
  caf::scoped_actor self{node.sys};
  std::string payload(size, 'k');
  // A dead server fails the run instead of hanging it.
  constexpr std::chrono::seconds timeout{120};
  auto check = [size](const std::string& answer) {
    if (answer.size() != size) throw std::runtime_error("caf: answer of the wrong size");
  };
  auto failed = [&node](caf::error& err) {
    throw std::runtime_error("caf: " + node.sys.render(err));
  };
  auto round_trip = [&] { self->request(*server, timeout, payload).receive(check, failed); };
  for (size_t i = 0; i < work.warmup; ++i)
    round_trip();
  std::vector<double> samples;
  samples.reserve(work.round_trips);
  for (size_t i = 0; i < work.round_trips; ++i) {
    auto start = clock_type::now();
    round_trip();
    samples.push_back(micros(clock_type::now() - start));
  }
  measurement out;
  out.transport = "caf basp";
  out.size = size;
  out.p50_us = quantile(samples, 0.5);
  out.p99_us = quantile(samples, 0.99);

  // Same rules as the other peers: `window` in flight, timed over the answers after warm-up.
  // An echo answers a plain send by sending its result back, so no request state piles up.
  size_t total = work.warmup + work.pipelined;
  size_t sent = 0;
  auto start = clock_type::now();
  for (; sent < work.window && sent < total; ++sent)
    self->send(*server, payload);
  for (size_t answered = 0; answered < total;) {
    self->receive(
        check,
        caf::after(timeout) >> [] { throw std::runtime_error("caf: no answer within 120 s"); });
    if (++answered == work.warmup) start = clock_type::now();
    if (sent < total) {
      self->send(*server, payload);
      ++sent;
    }
  }
  out.round_trips_per_s = static_cast<double>(work.pipelined) /
                          std::chrono::duration<double>(clock_type::now() - start).count();
  return out;
}

} // namespace kite::bench
