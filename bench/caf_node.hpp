// A CAF 0.17 actor system set up as Kite's own nodes set up theirs, with BASP (CAF's remote
// actors) loaded: the peer benchmarks measure CAF on the scheduler Kite runs on.
#pragma once

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <thread>

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/io/middleman.hpp>

#include "kite/runtime/node.hpp"
#include "server_process.hpp"

namespace kite::bench {

/// An actor system with `threads` scheduler threads and the middleman.
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

/// Publishes `actor` on 127.0.0.1 at a free port, writes "127.0.0.1:PORT" to `ready_file` and
/// serves until the process is killed; returns only when publishing failed.
inline int publish_and_serve(caf_node& node, const caf::actor& actor,
                             const std::string& ready_file) {
  auto port = node.sys.middleman().publish(actor, 0, "127.0.0.1");
  if (!port) {
    std::fprintf(stderr, "caf-server: %s\n", node.sys.render(port.error()).c_str());
    return 1;
  }
  write_ready_file(ready_file, "127.0.0.1:" + std::to_string(*port));
  for (;;)
    std::this_thread::sleep_for(std::chrono::hours{1});
}

/// The actor published at `endpoint` (host:port); throws when it cannot be reached.
inline caf::actor remote_actor(caf_node& node, const std::string& endpoint) {
  auto colon = endpoint.rfind(':');
  auto port = static_cast<uint16_t>(std::stoul(endpoint.substr(colon + 1)));
  auto server = node.sys.middleman().remote_actor(endpoint.substr(0, colon), port);
  if (!server) throw std::runtime_error("caf: " + node.sys.render(server.error()));
  return *server;
}

} // namespace kite::bench
