// Prometheus text exposition parsed into its samples, so tests compare values, not strings.
#pragma once

#include <cstdlib>
#include <map>
#include <sstream>
#include <string>

namespace kite::test {

/// Each sample of `text` by its series (name and labels, as written), with its value; comment
/// lines skipped.
inline std::map<std::string, double> parse_exposition(const std::string& text) {
  std::map<std::string, double> out;
  std::istringstream lines{text};
  for (std::string line; std::getline(lines, line);) {
    if (line.empty() || line[0] == '#') continue;
    // Label values may hold spaces; the value follows the last one.
    auto space = line.rfind(' ');
    if (space == std::string::npos) continue;
    out[line.substr(0, space)] = std::strtod(line.c_str() + space + 1, nullptr);
  }
  return out;
}

} // namespace kite::test
