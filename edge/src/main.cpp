// kite-edge: the agent flashed onto a robot.
#include <cstdio>

#include "kite/actors/builtin.hpp"
#include "kite/edge/edge_agent.hpp"
#include "kite/runtime/cli_args.hpp"
#include "kite/runtime/config.hpp"
#include "kite/runtime/error.hpp"
#include "kite/runtime/log.hpp"
#include "kite/runtime/plugin.hpp"

namespace {

constexpr const char* usage = "usage: kite-edge --config FILE [--log-level LEVEL]\n";

} // namespace

int main(int argc, char** argv) {
  auto args = kite::parse_cli(argc, argv, 1, {"config", "log-level"});
  if (!args || args->get("config").empty() || !args->positional.empty()) {
    std::fprintf(stderr, "kite-edge: %s\n%s",
                 args ? "expected --config FILE and nothing else"
                      : kite::describe(args.error()).c_str(),
                 usage);
    return 2;
  }
  auto cfg = kite::load_edge_config(args->get("config"));
  if (!cfg) {
    std::fprintf(stderr, "%s\n", kite::describe(cfg.error()).c_str());
    return 1;
  }
  if (auto err =
          kite::setup_logging(cfg->node.node_id, args->get("log-level", cfg->node.log.level))) {
    std::fprintf(stderr, "kite-edge: --log-level: %s\n", kite::describe(err).c_str());
    return 2;
  }
  kite::registry types;
  kite::actors::register_builtin(types);
  if (auto err = kite::load_plugins(cfg->node.plugins, types)) {
    std::fprintf(stderr, "kite-edge: %s\n", kite::describe(err).c_str());
    return 1;
  }
  return kite::edge::run_edge(*cfg, types);
}
