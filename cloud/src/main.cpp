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
    "usage: kite-cloud worker --config FILE [--log-level LEVEL] [--ready-file FILE]\n"
    "       kite-cloud placement --config FILE [--log-level LEVEL] [--ready-file FILE]\n";

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
  auto args = kite::parse_cli(argc, argv, 2, {"config", "log-level", "ready-file"});
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
    if (!start_logging(*args, cfg->node)) return 2;
    return kite::cloud::run_placement(*cfg, args->get("ready-file"));
  }
  auto cfg = kite::load_worker_config(args->get("config"));
  if (!cfg) {
    std::fprintf(stderr, "%s\n", kite::describe(cfg.error()).c_str());
    return 1;
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
