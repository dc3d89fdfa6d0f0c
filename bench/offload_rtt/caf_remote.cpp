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
  measurement out;
  out.transport = "caf basp";
  out.size = size;
  // An echo answers a plain send by sending its result back, so no request state piles up.
  auto send = [&] { self->send(*server, payload); };
  auto receive = [&] {
    self->receive(
        check,
        caf::after(timeout) >> [] { throw std::runtime_error("caf: no answer within 120 s"); });
  };
  time_exchange(send, receive, work, out);
  return out;
}

} // namespace kite::bench
