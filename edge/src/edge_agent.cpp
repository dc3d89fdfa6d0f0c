#include "kite/edge/edge_agent.hpp"

#include <atomic>
#include <csignal>
#include <thread>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/scoped_actor.hpp>
#include <spdlog/spdlog.h>

#include "kite/actors/synthetic_source.hpp"
#include "kite/actors/window_mean.hpp"
#include "kite/edge/offload_router.hpp"
#include "kite/edge/offload_sink.hpp"
#include "kite/runtime/error.hpp"
#include "kite/runtime/node.hpp"
#include "kite/runtime/protocol.hpp"

namespace kite::edge {

namespace {

using counters = std::map<std::string, uint64_t>;

counters ask_stats(caf::scoped_actor& self, const caf::actor& whom) {
  counters out;
  self->request(whom, std::chrono::seconds(5), stats_atom::value)
      .receive([&](counters& x) { out = std::move(x); },
               [&](caf::error& err) { spdlog::warn("stats: {}", describe(err)); });
  return out;
}

/// Returns true once a SIGINT or SIGTERM is pending, without waiting.
bool stop_requested() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  timespec zero{0, 0};
  return sigtimedwait(&set, nullptr, &zero) > 0;
}

} // namespace

int run_edge(const edge_config& cfg, const registry& types) {
  caf::actor_system_config sys_cfg;
  auto keys = prepare_node(cfg.node, types, sys_cfg);
  if (!keys) {
    spdlog::error("{}", describe(keys.error()));
    return 1;
  }
  caf::actor_system sys{sys_cfg};

  auto settings = make_link_settings(cfg.node, std::move(*keys), types.actor_names(runs_on::edge));
  settings.endpoint = cfg.upstream.endpoint;
  settings.server_key = cfg.upstream.server_key;
  auto uplink = link::connect(sys, std::move(settings), types.messages());
  if (!uplink) {
    spdlog::error("{}", describe(uplink.error()));
    return 1;
  }
  auto router = offload_router::start(sys, *uplink, cfg.offload);
  auto sink = sys.spawn(offload_sink, router->handle(), cfg.pipeline.target);
  auto stage = sys.spawn(actors::window_mean, cfg.pipeline.stage.window, sink);
  auto source = sys.spawn(actors::synthetic_source, cfg.pipeline.source, stage);
  spdlog::info("edge '{}' started: {} Hz source -> window_mean({}) -> ({}, {}) via {}",
               cfg.node.node_id, cfg.pipeline.source.rate_hz, cfg.pipeline.stage.window,
               cfg.pipeline.target.type, cfg.pipeline.target.key, cfg.upstream.endpoint);

  caf::scoped_actor self{sys};
  const auto expected = cfg.pipeline.source.count;
  counters sink_stats;
  // Poll rather than block on signals: a bounded run also ends when every sample is answered.
  while (!stop_requested()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    if (expected == 0) continue;
    sink_stats = ask_stats(self, sink);
    if (sink_stats["answered"] + sink_stats["failed"] >= expected) break;
  }
  auto router_stats = router->stats();
  sink_stats = ask_stats(self, sink);
  for (const auto& actor : {source, stage, sink})
    self->send_exit(actor, caf::exit_reason::user_shutdown);
  router->stop();
  const auto& link_stats = (*uplink)->stats();
  spdlog::info("edge '{}' stopped: answered={} failed={} sent={} retries={} refused={} "
               "rtt_ewma_us={:.1f}",
               cfg.node.node_id, sink_stats["answered"], sink_stats["failed"], router_stats.sent,
               router_stats.retries, router_stats.refused,
               static_cast<double>(link_stats.rtt_ewma_ns.load()) / 1000.0);
  return sink_stats["failed"] == 0 ? 0 : 3;
}

} // namespace kite::edge
