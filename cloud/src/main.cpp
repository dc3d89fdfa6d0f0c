// kite-cloud: the cloud side's processes. `worker` hosts logical actors.
#include <cstdio>
#include <string>

#include <spdlog/spdlog.h>

#include "kite/actors/builtin.hpp"
#include "kite/cloud/worker.hpp"
#include "kite/runtime/cli_args.hpp"
#include "kite/runtime/config.hpp"
#include "kite/runtime/error.hpp"
#include "kite/runtime/log.hpp"

namespace {

constexpr const char* usage =
    "usage: kite-cloud worker --config FILE [--log-level LEVEL] [--ready-file FILE]\n";

} // namespace

int main(int argc, char** argv) {
  if (argc < 2 || std::string{argv[1]} != "worker") {
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
  auto cfg = kite::load_worker_config(args->get("config"));
  if (!cfg) {
    std::fprintf(stderr, "%s\n", kite::describe(cfg.error()).c_str());
    return 1;
  }
  if (auto err =
          kite::setup_logging(cfg->node.node_id, args->get("log-level", cfg->node.log.level))) {
    std::fprintf(stderr, "kite-cloud: --log-level: %s\n", kite::describe(err).c_str());
    return 2;
  }
  kite::registry types;
  kite::actors::register_builtin(types);
  return kite::cloud::run_worker(*cfg, types, args->get("ready-file"));
}
