// A cloud worker process: binds its link, hosts logical actors, runs until SIGINT or SIGTERM.
#pragma once

#include <string>

#include "kite/runtime/config.hpp"
#include "kite/runtime/registry.hpp"

namespace kite::cloud {

/// Runs a worker until a stop signal; writes the bound endpoint to `ready_file` (if not empty)
/// once it accepts connections. Returns the process exit code.
int run_worker(const worker_config& cfg, const registry& types, const std::string& ready_file);

} // namespace kite::cloud
