// Command-line options of Kite's executables: `--name value` pairs checked against a known set.
#pragma once

#include <map>
#include <string>
#include <vector>

#include <caf/expected.hpp>

namespace kite {

/// Parsed options; positional words keep their order.
struct cli_args {
  std::map<std::string, std::string> options;
  std::vector<std::string> positional;

  /// Returns the option's value, or `fallback` when absent.
  std::string get(const std::string& name, const std::string& fallback = {}) const;
};

/// Parses `argv[first..argc)`; every option takes a value and must be in `known` (without
/// the leading dashes). Errors name the offending argument and suggest the nearest option.
caf::expected<cli_args> parse_cli(int argc, char** argv, int first,
                                  const std::vector<std::string>& known);

} // namespace kite
