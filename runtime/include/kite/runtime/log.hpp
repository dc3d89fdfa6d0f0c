// Process-wide logging through spdlog, named after the node and filtered by level.
#pragma once

#include <string>

#include <caf/error.hpp>

namespace kite {

/// Sends spdlog's default logger to stderr with the node's name; fails on an unknown level.
caf::error setup_logging(const std::string& node_name, const std::string& level);

} // namespace kite
