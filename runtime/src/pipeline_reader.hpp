// Reads edge.yaml's `pipeline:` section and checks its wiring: every name known, no cycle,
// and each stage given the kind of items it takes.
#pragma once

#include <string>

#include <yaml-cpp/yaml.h>

#include "config_reader.hpp"
#include "kite/runtime/pipeline_config.hpp"

namespace kite::detail {

/// Reads `pipeline` (a map, or undefined for the default pipeline) into `out`; offload sinks'
/// keys default to `node_id`.
void read_pipeline(config_reader& r, const YAML::Node& pipeline, const std::string& node_id,
                   pipeline_config& out);

} // namespace kite::detail
