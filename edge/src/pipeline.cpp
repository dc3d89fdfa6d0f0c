#include "kite/edge/pipeline.hpp"

#include <algorithm>
#include <cstdio>

#include <fmt/format.h>

#include "kite/actors/replay_source.hpp"
#include "kite/actors/stage.hpp"
#include "kite/actors/stages.hpp"
#include "kite/actors/synthetic_source.hpp"
#include "kite/actors/udp_source.hpp"
#include "kite/edge/offload_sink.hpp"
#include "kite/runtime/error.hpp"
#include "kite/runtime/metrics.hpp"
#include "kite/runtime/outlet.hpp"

namespace kite::edge {

namespace {

using queue_map = std::map<std::string, std::shared_ptr<stream_queue>>;

outlet outlet_of(const pipeline_node& node, const queue_map& queues) {
  std::vector<std::shared_ptr<stream_queue>> targets;
  for (const auto& name : node.to)
    targets.push_back(queues.at(name));
  return outlet{node.name, std::move(targets)};
}

/// The logic of a stage or of a log, file or udp_send sink; nullptr for the other kinds.
std::shared_ptr<actors::stage_logic_factory> logic_of(const pipeline_node& node,
                                                      const running_pipeline& p) {
  return std::visit(
      [&node, &p](const auto& k) -> std::shared_ptr<actors::stage_logic_factory> {
        using kind = std::decay_t<decltype(k)>;
        actors::stage_logic_factory make;
        if constexpr (std::is_same_v<kind, filter_config>)
          make = [k] { return actors::make_filter(k); };
        else if constexpr (std::is_same_v<kind, downsample_config>)
          make = [k] { return actors::make_downsample(k); };
        else if constexpr (std::is_same_v<kind, window_config>)
          make = [k] { return actors::make_window(k); };
        else if constexpr (std::is_same_v<kind, threshold_config>)
          make = [k] { return actors::make_threshold(k); };
        else if constexpr (std::is_same_v<kind, batcher_config>)
          make = [k] { return actors::make_batcher(k); };
        else if constexpr (std::is_same_v<kind, log_sink_config>)
          make = [k, name = node.name] { return actors::make_log_sink(k, name); };
        else if constexpr (std::is_same_v<kind, file_sink_config>)
          make = [k] { return actors::make_file_sink(k); };
        else if constexpr (std::is_same_v<kind, udp_send_config>)
          make = [target = p.targets.at(node.name), name = node.name] {
            return actors::make_udp_send(target, name);
          };
        else
          return nullptr;
        return std::make_shared<actors::stage_logic_factory>(std::move(make));
      },
      node.kind);
}

/// Checks what a node will open, so a wrong path fails the start, not a restart loop.
caf::error check_files(const pipeline_node& node) {
  if (const auto* replay = std::get_if<replay_config>(&node.kind)) {
    if (auto reader = actors::sample_reader::open(replay->file, replay->encoding); !reader)
      return make_error(errc::config, fmt::format("pipeline.sources.{}: {}", node.name,
                                                  describe(reader.error())));
  }
  if (const auto* file = std::get_if<file_sink_config>(&node.kind)) {
    auto* out = std::fopen(file->path.c_str(), "a");
    if (out == nullptr)
      return make_error(
          errc::config,
          fmt::format("pipeline.sinks.{}: cannot open '{}' for appending", node.name, file->path));
    std::fclose(out);
  }
  return {};
}

child_start start_of(const pipeline_node& node, const edge_config& cfg, const registry& types,
                     const caf::actor& router, const running_pipeline& p, metrics* counts) {
  auto in = p.queues.count(node.name) != 0 ? p.queues.at(node.name) : nullptr;
  if (const auto* k = std::get_if<synthetic_config>(&node.kind))
    return [k = *k, out = outlet_of(node, p.queues)](caf::actor_system& sys, const child_handles&) {
      return sys.spawn(actors::synthetic_source, k, out);
    };
  if (const auto* k = std::get_if<replay_config>(&node.kind))
    return [k = *k, out = outlet_of(node, p.queues), name = node.name](caf::actor_system& sys,
                                                                       const child_handles&) {
      return sys.spawn(actors::replay_source, name, k, out);
    };
  if (std::holds_alternative<udp_config>(node.kind))
    return [socket = p.sockets.at(node.name), out = outlet_of(node, p.queues),
            name = node.name](caf::actor_system& sys, const child_handles&) {
      return sys.spawn(actors::udp_source, name, socket, out);
    };
  if (const auto* k = std::get_if<offload_sink_config>(&node.kind)) {
    auto setup = std::make_shared<offload_sink_setup>();
    setup->name = node.name;
    setup->cfg = *k;
    setup->in = in;
    setup->router = router;
    setup->types = &types.messages();
    if (node.part == pipeline_node::role::stage) setup->out = outlet_of(node, p.queues);
    if (k->upload) {
      setup->store = p.spools.at(node.name);
      // The spool's identity: a recreated spool's numbers are a new stream to workers.
      setup->stream =
          fmt::format("{}/{}#{}", cfg.node.node_id, node.name, p.spools.at(node.name)->identity());
      setup->drain_rate = cfg.spool.drain_rate;
      setup->retry_interval = cfg.offload.retry_interval;
      if (counts != nullptr) {
        prometheus::Labels sink{{"sink", node.name}};
        setup->spool_records =
            &counts->gauge("kite_spool_records", "Records an upload sink's spool holds", sink);
        setup->spool_bytes =
            &counts->gauge("kite_spool_bytes", "Payload bytes an upload sink's spool holds", sink);
        const char* dropped = "Records an upload sink's spool dropped: full, or past max_age";
        setup->spool_dropped_full = &counts->counter("kite_spool_dropped_total", dropped,
                                                     {{"sink", node.name}, {"reason", "full"}});
        setup->spool_dropped_age = &counts->counter("kite_spool_dropped_total", dropped,
                                                    {{"sink", node.name}, {"reason", "age"}});
      }
    }
    return [setup](caf::actor_system& sys, const child_handles&) {
      return sys.spawn(offload_sink, setup);
    };
  }
  auto out =
      node.part == pipeline_node::role::sink ? outlet{node.name, {}} : outlet_of(node, p.queues);
  return [in, out, make = logic_of(node, p)](caf::actor_system& sys, const child_handles&) {
    return sys.spawn(actors::stage, in, out, make);
  };
}

} // namespace

bool running_pipeline::finished() const {
  return std::all_of(sinks.begin(), sinks.end(), [](const auto& q) { return q->finished(); });
}

caf::expected<running_pipeline> start_pipeline(caf::actor_system& sys, const edge_config& cfg,
                                               const registry& types, caf::actor router,
                                               metrics* counts) {
  running_pipeline p;
  for (const auto& node : cfg.pipeline.nodes) {
    if (auto err = check_files(node)) return err;
    if (const auto* udp = std::get_if<udp_config>(&node.kind)) {
      auto socket = actors::udp_socket::bind(udp->listen);
      if (!socket)
        return make_error(errc::config, fmt::format("pipeline.sources.{}: {}", node.name,
                                                    describe(socket.error())));
      p.sockets.emplace(node.name, std::move(*socket));
    }
    if (const auto* udp = std::get_if<udp_send_config>(&node.kind)) {
      auto target = actors::udp_target::connect(udp->target);
      if (!target)
        return make_error(errc::config, fmt::format("pipeline.sinks.{}: {}", node.name,
                                                    describe(target.error())));
      p.targets.emplace(node.name, std::move(*target));
    }
    if (node.part != pipeline_node::role::source) {
      auto queue = std::make_shared<stream_queue>(node.name, node.queue,
                                                  cfg.pipeline.inputs_of(node.name), counts);
      p.queues.emplace(node.name, queue);
      if (node.part == pipeline_node::role::sink) p.sinks.push_back(queue);
    }
    const auto* offload = std::get_if<offload_sink_config>(&node.kind);
    if (offload == nullptr || !offload->upload) continue;
    auto spool_cfg = cfg.spool;
    spool_cfg.path = fmt::format("{}/{}.spool", cfg.spool.directory, node.name);
    auto opened = spool::open(spool_cfg);
    if (!opened)
      return make_error(errc::config,
                        fmt::format("pipeline.{}.{}: {}",
                                    node.part == pipeline_node::role::stage ? "stages" : "sinks",
                                    node.name, describe(opened.error())));
    p.spools.emplace(node.name, std::move(*opened));
  }
  // Sinks first, sources last: every node starts after the ones it feeds.
  std::vector<child_spec> children;
  for (auto part :
       {pipeline_node::role::sink, pipeline_node::role::stage, pipeline_node::role::source})
    for (const auto& node : cfg.pipeline.nodes)
      if (node.part == part)
        children.push_back({node.name, start_of(node, cfg, types, router, p, counts)});
  p.nodes = spawn_supervisor(sys, "pipeline", cfg.supervision, std::move(children), counts);
  return p;
}

} // namespace kite::edge
