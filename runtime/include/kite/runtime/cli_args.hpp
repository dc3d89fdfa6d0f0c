// Command-line options of Kite's executables: `--name value` pairs checked against a known set.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <caf/error.hpp>
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

/// The whole number `value` of option `option`, from `least` to `most`; an error naming the
/// option and the range otherwise (empty, signs, spaces and overflow included).
caf::expected<uint64_t> parse_whole_number(const std::string& option, const std::string& value,
                                           uint64_t least, uint64_t most);

/// `value` of option `option` as a node id: 1 to 128 letters, digits, '.', '_' or '-', which
/// logs, metric labels and hellos carry as they are; an error naming the option otherwise.
caf::error check_node_id(const std::string& option, const std::string& value);

} // namespace kite
