#include "kite/cloud/worker.hpp"

#include <sys/resource.h>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/detail/scope_guard.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "kite/cloud/actor_host.hpp"
#include "kite/runtime/error.hpp"
#include "kite/runtime/link_metrics.hpp"
#include "kite/runtime/node.hpp"
#include "kite/runtime/placement_client.hpp"
#include "kite/runtime/process_metrics.hpp"
#include "kite/runtime/scheduler_watchdog.hpp"
#include "kite/runtime/service_manager.hpp"

namespace kite::cloud {

namespace {

/// This process's CPU time in seconds.
double cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  auto seconds = [](const timeval& t) { return t.tv_sec + t.tv_usec / 1e6; };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

/// Connects to the placement service and reports this worker's load every interval.
caf::expected<std::shared_ptr<placement_client>>
report_to_placement(caf::actor_system& sys, const worker_config& cfg, const keypair& keys,
                    const registry& types, link& uplink, const actor_host& host) {
  auto client = placement_client::connect(sys, cfg.node, keys, cfg.placement, false);
  if (!client) return client;
  auto start = std::chrono::steady_clock::now();
  (*client)->start(
      {[&cfg, &types, &uplink, &host, cpu = cpu_seconds(), at = start]() mutable {
         worker_load_report out;
         out.worker = cfg.node.node_id;
         out.capacity = cfg.node.threads;
         out.types = types.actor_names(runs_on::cloud);
         out.labels = cfg.labels;
         auto load = uplink.load();
         out.backlog = load.backlog;
         out.service_s = std::move(load.service_s);
         // Until measured here, a type costs what its author declared.
         for (const auto& type : out.types)
           if (auto declared = types.find_actor(type)->service_time; declared.count() > 0)
             out.service_s.emplace(type, std::chrono::duration<double>(declared).count());
         auto now = std::chrono::steady_clock::now();
         auto used = cpu_seconds();
         double wall = std::chrono::duration<double>(now - at).count();
         if (wall > 0) out.cpu = (used - cpu) / wall / cfg.node.threads;
         cpu = used;
         at = now;
         out.hosted = static_cast<uint32_t>(host.active());
         return caf::make_message(std::move(out));
       },
       {},
       {}});
  return client;
}

/// Ready while the worker serves and, when it has a placement service, reaches it: one it
/// cannot reach places nothing here.
readiness_probe worker_readiness(const link& served, const placement_client* placement,
                                 const std::string& placement_endpoint) {
  return [&served, placement, placement_endpoint] {
    std::vector<readiness_check> out;
    auto failure = served.failure();
    out.push_back({"link " + served.endpoint(), !failure,
                   failure ? describe(failure) : std::string{"serving"}});
    if (placement != nullptr) {
      bool up = placement->up(); // once: the line must not contradict itself
      out.push_back({"placement " + placement_endpoint, up, up ? "up" : "down"});
    }
    return out;
  };
}

} // namespace

int run_worker(const worker_config& cfg, const registry& types, const std::string& ready_file) {
  caf::actor_system_config sys_cfg;
  auto keys = prepare_node(cfg.node, types, sys_cfg);
  if (!keys) {
    spdlog::error("{}", describe(keys.error()));
    return 1;
  }
  placement_protocol().install(sys_cfg);
  // Before the actor system, so the exit hooks of its actors can still count.
  metrics counts;
  counts.add(std::make_shared<process_metrics>("worker"));
  // Serves before anything starts, so a port already taken stops the worker before it joins the
  // cluster; /readyz says "starting" until the probe below is set.
  ops_endpoint ops{counts};
  if (auto err = serve_ops(cfg.node, ops)) {
    spdlog::error("{}", describe(err));
    return 1;
  }
  caf::actor_system sys{sys_cfg};

  auto settings = make_link_settings(cfg.node, *keys, types.actor_names(runs_on::cloud));
  settings.endpoint = cfg.bind;
  settings.request_timeout = cfg.request_timeout;
  settings.duplicate_window = cfg.duplicates.window;
  settings.duplicate_requests = cfg.duplicates.max_requests;
  auto uplink = link::serve(sys, std::move(settings), types.messages());
  if (!uplink) {
    spdlog::error("{}", describe(uplink.error()));
    return 1;
  }
  auto link_counts = std::make_shared<link_metrics>();
  link_counts->add((*uplink)->endpoint(), *uplink, link_role::actor_host);
  counts.add(link_counts);
  actor_host host{sys, types, **uplink, cfg.snapshots, cfg.supervision, &counts};
  (*uplink)->start(host.handlers());
  // However this function leaves, the link thread stops before `host` is gone.
  auto stop_link = caf::detail::make_scope_guard([&] { (*uplink)->stop(); });
  std::shared_ptr<placement_client> placement;
  if (!cfg.placement.endpoint.empty()) {
    auto client = report_to_placement(sys, cfg, *keys, types, **uplink, host);
    if (!client) {
      spdlog::error("{}", describe(client.error()));
      return 1;
    }
    placement = std::move(*client);
    link_counts->add(cfg.placement.endpoint, placement->service_link(), link_role::client);
  }
  // Stops reporting before the host and the link it reads are gone.
  auto stop_reports = caf::detail::make_scope_guard([&] {
    if (placement) placement->stop();
  });
  ops.ready_when(worker_readiness(**uplink, placement.get(), cfg.placement.endpoint));
  // First thing at exit: no probe reads the link or the client after they stopped.
  auto stop_ops = caf::detail::make_scope_guard([&] { ops.stop(); });
  spdlog::info("worker '{}' listening on {} ({} actor types, CURVE {})", cfg.node.node_id,
               (*uplink)->endpoint(), types.actor_names(runs_on::cloud).size(),
               cfg.node.security.curve ? "on" : "OFF");
  if (!ready_file.empty() && !write_ready_file(ready_file, (*uplink)->endpoint())) {
    spdlog::error("cannot write the ready file '{}'", ready_file);
    return 1;
  }
  notify_service_manager(fmt::format("READY=1\nSTATUS=worker {} listening on {}", cfg.node.node_id,
                                     (*uplink)->endpoint()));
  scheduler_watchdog watchdog{sys, cfg.node.node_id};
  int signal = 0;
  while ((signal = wait_for_stop_signal(std::chrono::milliseconds(100))) == 0) {
    watchdog.feed_if_due();
    if (auto failure = (*uplink)->failure()) {
      // Without its link a worker is useless: exit, so the service manager restarts it.
      spdlog::error("worker '{}' stops: {}", cfg.node.node_id, describe(failure));
      host.shutdown();
      return 5;
    }
  }
  spdlog::info("worker '{}' stopping on signal {}", cfg.node.node_id, signal);
  notify_service_manager("STOPPING=1");
  (*uplink)->stop();
  host.shutdown();
  const auto& stats = (*uplink)->stats();
  std::string by_reason;
  for (size_t i = 0; i < wire::frame_error_count; ++i)
    if (auto n = stats.frame_errors[i].load(); n > 0)
      by_reason += fmt::format(" {}={}", wire::to_string(static_cast<wire::frame_error>(i)), n);
  const auto& hosted = host.stats();
  spdlog::info("worker '{}' stopped: requests={} activations={} crashes={} duplicates={} "
               "upload_duplicates={} fenced={} lapses={} frames_in={} frames_out={} "
               "frame_errors={} refused_keys={} handler_failures={}{}",
               cfg.node.node_id, hosted.requests.load(), hosted.activations.load(), host.crashes(),
               stats.duplicates.load(), hosted.upload_duplicates.load(),
               stats.fenced.load() + hosted.fenced.load(), stats.lapses.load(),
               stats.frames_in.load(), stats.frames_out.load(), stats.total_frame_errors(),
               stats.refused_keys.load(), stats.handler_failures.load(), by_reason);
  return 0;
}

} // namespace kite::cloud
