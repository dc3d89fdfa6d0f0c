#include "kite/edge/edge_agent.hpp"

#include <csignal>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/detail/scope_guard.hpp>
#include <caf/scoped_actor.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "kite/edge/offload_router.hpp"
#include "kite/edge/pipeline.hpp"
#include "kite/runtime/error.hpp"
#include "kite/runtime/link_metrics.hpp"
#include "kite/runtime/node.hpp"
#include "kite/runtime/process_metrics.hpp"
#include "kite/runtime/service_manager.hpp"
#include "kite/runtime/supervisor.hpp"

namespace kite::edge {

namespace {

/// Ready while one upstream at least is up (requests have somewhere to go) and, when the edge
/// has a placement service, it reaches it.
readiness_probe edge_readiness(const std::vector<std::shared_ptr<link>>& uplinks,
                               const placement_client* placement,
                               const std::string& placement_endpoint) {
  return [&uplinks, placement, placement_endpoint] {
    std::vector<readiness_check> out;
    if (!uplinks.empty()) {
      size_t up = 0;
      for (const auto& uplink : uplinks)
        up += uplink->up() ? 1 : 0;
      out.push_back({"upstreams", up > 0, fmt::format("{} of {} up", up, uplinks.size())});
    }
    if (placement != nullptr) {
      bool up = placement->up(); // once: the line must not contradict itself
      out.push_back({"placement " + placement_endpoint, up, up ? "up" : "down"});
    }
    return out;
  };
}

} // namespace

int run_edge(const edge_config& cfg, const registry& types) {
  // A file size limit (or RLIMIT_FSIZE in a unit) then fails a spool write with an error the
  // sink reports and survives, instead of killing the agent.
  std::signal(SIGXFSZ, SIG_IGN);
  caf::actor_system_config sys_cfg;
  auto keys = prepare_node(cfg.node, types, sys_cfg);
  if (!keys) {
    spdlog::error("{}", describe(keys.error()));
    return 1;
  }
  placement_protocol().install(sys_cfg);
  // Before the actor system, so the exit hooks of its actors can still count.
  metrics counts;
  counts.add(std::make_shared<process_metrics>("edge"));
  // Serves before anything starts, so a port already taken stops the agent before its pipeline
  // takes samples; /readyz says "starting" until the probe below is set.
  ops_endpoint ops{counts};
  if (auto err = serve_ops(cfg.node, ops)) {
    spdlog::error("{}", describe(err));
    return 1;
  }
  caf::actor_system sys{sys_cfg};

  std::vector<std::shared_ptr<link>> uplinks;
  for (const auto& upstream : cfg.upstreams) {
    auto settings = make_link_settings(cfg.node, *keys, types.actor_names(runs_on::edge));
    settings.endpoint = upstream.endpoint;
    settings.server_key = upstream.server_key;
    auto uplink = link::connect(sys, std::move(settings), types.messages());
    if (!uplink) {
      spdlog::error("{}", describe(uplink.error()));
      return 1;
    }
    uplinks.push_back(std::move(*uplink));
  }
  auto link_counts = std::make_shared<link_metrics>();
  for (const auto& uplink : uplinks)
    link_counts->add(uplink->endpoint(), uplink, link_role::client);
  counts.add(link_counts);
  auto router = offload_router::start(sys, uplinks, cfg.offload, &types, cfg.supervision, &counts);
  std::shared_ptr<placement_client> placement;
  if (!cfg.placement.endpoint.empty()) {
    auto client = placement_client::connect(sys, cfg.node, *keys, cfg.placement, true);
    if (!client) {
      spdlog::error("{}", describe(client.error()));
      router->stop();
      return 1;
    }
    placement = std::move(*client);
    link_counts->add(cfg.placement.endpoint, placement->service_link(), link_role::client);
    // Paths are waited for as long as a request waits for a worker, plus the time a silent
    // upstream takes to be declared down (a far one needs several round trips to connect).
    router->follow(placement, cfg.offload.retry_interval + cfg.node.link.heartbeat_interval *
                                                               cfg.node.link.heartbeat_misses);
    placement->start({[r = router.get(), id = cfg.node.node_id, threads = cfg.node.threads] {
                        auto report = r->placement_report(id);
                        report.capacity = threads; // requests it can run at once
                        return caf::make_message(std::move(report));
                      },
                      [r = router.get()](const placement_decision& d) { r->on_placement(d); },
                      [r = router.get()] { r->on_reported(); }});
  }
  // The client's handlers hold the router raw: they stop first, whichever way this returns.
  auto stop_placement = caf::detail::make_scope_guard([&] {
    if (placement) placement->stop();
  });
  auto pipeline = start_pipeline(sys, cfg, types, router->handle(), &counts);
  if (!pipeline) {
    spdlog::error("{}", describe(pipeline.error()));
    router->stop();
    return 2;
  }
  ops.ready_when(edge_readiness(uplinks, placement.get(), cfg.placement.endpoint));
  // First thing at exit: no probe reads the links or the client after they stopped.
  auto stop_ops = caf::detail::make_scope_guard([&] { ops.stop(); });
  spdlog::info("edge '{}' started: a pipeline of {} nodes, offloading to {} workers",
               cfg.node.node_id, cfg.pipeline.nodes.size(), uplinks.size());

  caf::scoped_actor self{sys};
  caf::error pipeline_failure;
  self->monitor(pipeline->nodes.supervisor);
  notify_service_manager(fmt::format("READY=1\nSTATUS=edge {} runs a pipeline of {} nodes",
                                     cfg.node.node_id, cfg.pipeline.nodes.size()));
  auto watchdog = watchdog_interval();
  auto watchdog_due = std::chrono::steady_clock::now();
  // Poll rather than block on signals: a run of bounded sources also ends once its sinks have
  // handled everything.
  while (wait_for_stop_signal(std::chrono::milliseconds(0)) == 0) {
    if (watchdog && std::chrono::steady_clock::now() >= watchdog_due) {
      // Alive means the scheduler still runs actors: the pipeline's supervisor answers.
      watchdog_due = std::chrono::steady_clock::now() + *watchdog / 2;
      self->request(pipeline->nodes.supervisor, *watchdog / 4, report_atom::value)
          .receive([](const supervisor_report&) { notify_service_manager("WATCHDOG=1"); },
                   [&](const caf::error& err) {
                     spdlog::warn("edge '{}': the pipeline did not answer the watchdog: {}",
                                  cfg.node.node_id, describe(err));
                   });
    }
    self->receive([&](caf::down_msg& down) { pipeline_failure = std::move(down.reason); },
                  // A watchdog answer that came after its timeout.
                  [](const supervisor_report&) {},
                  caf::after(std::chrono::milliseconds(50)) >> [] {});
    if (pipeline_failure) {
      // Past its restart intensity: exit, so the service manager restarts the whole agent.
      spdlog::error("edge '{}': the pipeline failed: {}", cfg.node.node_id,
                    describe(pipeline_failure));
      router->stop();
      return 4;
    }
    for (const auto& uplink : uplinks) {
      if (auto failure = uplink->failure()) {
        spdlog::error("edge '{}' stops: {}", cfg.node.node_id, describe(failure));
        router->stop();
        return 5;
      }
    }
    if (pipeline->finished()) break;
  }
  notify_service_manager("STOPPING=1");
  // The supervisor stops sources, stages and sinks in that order, each within its timeout.
  self->send_exit(pipeline->nodes.supervisor, caf::exit_reason::user_shutdown);
  self->wait_for(pipeline->nodes.supervisor);
  router->stop();
  auto router_stats = router->stats();
  std::string by_worker;
  for (size_t i = 0; i < uplinks.size(); ++i)
    by_worker += fmt::format(" {} answers={} rtt_ewma_us={:.1f};", uplinks[i]->endpoint(),
                             router_stats.answered_by[i],
                             static_cast<double>(uplinks[i]->stats().rtt_ewma_ns.load()) / 1000.0);
  uint64_t dropped = 0;
  uint64_t waited = 0;
  for (const auto& [name, queue] : pipeline->queues) {
    dropped += queue->stats().dropped.load();
    waited += queue->stats().waits.load();
  }
  uint64_t spooled = 0;
  for (const auto& [name, store] : pipeline->spools)
    spooled += store->stats().records;
  spdlog::info(
      "edge '{}' stopped: answered={} failed={} sent={} retries={} refused={} moved={} "
      "stale={} fenced={} answered_on_edge={} handovers={} dropped={} waited={} spooled={};{}",
      cfg.node.node_id, router_stats.answered, router_stats.failed + router_stats.refused,
      router_stats.sent, router_stats.retries, router_stats.refused, router_stats.moved,
      router_stats.stale, router_stats.fenced, router_stats.answered_on_edge,
      router_stats.handovers, dropped, waited, spooled, by_worker);
  return router_stats.failed + router_stats.refused == 0 ? 0 : 3;
}

} // namespace kite::edge
