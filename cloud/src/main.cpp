// kite-cloud: the cloud side's processes. `worker` hosts logical actors; `placement` decides
// where each of them runs.
#include <cstdio>
#include <string>

#include <spdlog/spdlog.h>

#include "kite/actors/builtin.hpp"
#include "kite/cloud/placement_service.hpp"
#include "kite/cloud/worker.hpp"
#include "kite/runtime/cli_args.hpp"
#include "kite/runtime/config.hpp"
#include "kite/runtime/error.hpp"
#include "kite/runtime/log.hpp"
#include "kite/runtime/plugin.hpp"

namespace {

constexpr const char* usage =
    "usage: kite-cloud worker --config FILE [--node-id ID] [--log-level LEVEL] [--ready-file "
    "FILE]\n"
    "       kite-cloud placement --config FILE [--log-level LEVEL] [--ready-file FILE]\n"
    "--node-id replaces the config's node_id, so replicas that share one config (a Kubernetes\n"
    "Deployment's pods) each have their own.\n";

/// Sets up logging for node `node_id`; false (after saying why) when --log-level is bad.
bool start_logging(const kite::cli_args& args, const kite::node_config& node) {
  if (auto err = kite::setup_logging(node.node_id, args.get("log-level", node.log.level))) {
    std::fprintf(stderr, "kite-cloud: --log-level: %s\n", kite::describe(err).c_str());
    return false;
  }
  return true;
}

} // namespace

int main(int argc, char** argv) {
  std::string command = argc >= 2 ? argv[1] : "";
  if (command != "worker" && command != "placement") {
    std::fputs(usage, stderr);
    return 2;
  }
  auto args = kite::parse_cli(argc, argv, 2, {"config", "node-id", "log-level", "ready-file"});
  if (!args || args->get("config").empty() || !args->positional.empty()) {
    std::fprintf(stderr, "kite-cloud: %s\n%s",
                 args ? "expected --config FILE and nothing else"
                      : kite::describe(args.error()).c_str(),
                 usage);
    return 2;
  }
  if (command == "placement") {
    auto cfg = kite::load_placement_config(args->get("config"));
    if (!cfg) {
      std::fprintf(stderr, "%s\n", kite::describe(cfg.error()).c_str());
      return 1;
    }
    if (args->options.count("node-id") > 0) {
      std::fputs("kite-cloud: --node-id is for workers; the placement service has one id\n",
                 stderr);
      return 2;
    }
    if (!start_logging(*args, cfg->node)) return 2;
    return kite::cloud::run_placement(*cfg, args->get("ready-file"));
  }
  auto cfg = kite::load_worker_config(args->get("config"));
  if (!cfg) {
    std::fprintf(stderr, "%s\n", kite::describe(cfg.error()).c_str());
    return 1;
  }
  if (args->options.count("node-id") > 0) {
    auto id = args->get("node-id");
    if (auto err = kite::check_node_id("node-id", id)) {
      std::fprintf(stderr, "kite-cloud: %s\n", kite::describe(err).c_str());
      return 2;
    }
    cfg->node.node_id = id;
  }
  if (!start_logging(*args, cfg->node)) return 2;
  kite::registry types;
  kite::actors::register_builtin(types);
  if (auto err = kite::load_plugins(cfg->node.plugins, types)) {
    std::fprintf(stderr, "kite-cloud: %s\n", kite::describe(err).c_str());
    return 1;
  }
  return kite::cloud::run_worker(*cfg, types, args->get("ready-file"));
}
