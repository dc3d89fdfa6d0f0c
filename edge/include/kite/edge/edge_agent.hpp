// The edge agent process: builds the local pipeline from config, connects to its worker,
// and runs until a stop signal or, with a bounded source, until every sample is answered.
#pragma once

#include "kite/runtime/config.hpp"
#include "kite/runtime/registry.hpp"

namespace kite::edge {

/// Runs the edge agent; returns the process exit code (non-zero if any request failed).
int run_edge(const edge_config& cfg, const registry& types);

} // namespace kite::edge
