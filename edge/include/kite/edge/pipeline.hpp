// Builds the edge's pipeline from edge.yaml: a bounded queue in front of each stage and sink,
// one actor per node under the pipeline's supervisor (sinks started first, sources last), and
// a spool per upload sink. The queues and spools outlive the actors' restarts.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>
#include <caf/expected.hpp>

#include "kite/actors/udp_send.hpp"
#include "kite/actors/udp_source.hpp"
#include "kite/edge/spool.hpp"
#include "kite/runtime/config.hpp"
#include "kite/runtime/registry.hpp"
#include "kite/runtime/stream_queue.hpp"
#include "kite/runtime/supervisor.hpp"

namespace kite {
class metrics;
}

namespace kite::edge {

/// A started pipeline.
struct running_pipeline {
  supervised nodes;
  /// The queue in front of each stage and sink, by node name.
  std::map<std::string, std::shared_ptr<stream_queue>> queues;
  /// The sinks' queues among them.
  std::vector<std::shared_ptr<stream_queue>> sinks;
  /// Each UDP source's socket, by source name.
  std::map<std::string, std::shared_ptr<actors::udp_socket>> sockets;
  /// Each udp_send sink's connected socket, by sink name.
  std::map<std::string, std::shared_ptr<actors::udp_target>> targets;
  /// Each upload sink's spool, by sink name.
  std::map<std::string, std::shared_ptr<spool>> spools;

  /// Every sink handled all its inputs sent, up to their ends: only bounded sources end.
  bool finished() const;
};

/// Starts `cfg.pipeline`, whose offload sinks send through `router`. An error names what could
/// not be opened (a recording, a file sink's file, a spool, a UDP address) before anything
/// started.
caf::expected<running_pipeline> start_pipeline(caf::actor_system& sys, const edge_config& cfg,
                                               const registry& types, caf::actor router,
                                               metrics* counts);

} // namespace kite::edge
