#include "kite/runtime/cli_args.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

#include <fmt/format.h>

#include "config_reader.hpp"
#include "kite/runtime/error.hpp"

namespace kite {

std::string cli_args::get(const std::string& name, const std::string& fallback) const {
  auto i = options.find(name);
  return i == options.end() ? fallback : i->second;
}

caf::expected<cli_args> parse_cli(int argc, char** argv, int first,
                                  const std::vector<std::string>& known) {
  cli_args out;
  for (int i = first; i < argc; ++i) {
    std::string word = argv[i];
    if (word.rfind("--", 0) != 0) {
      out.positional.push_back(word);
      continue;
    }
    auto name = word.substr(2);
    std::string value;
    if (auto eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
    } else if (i + 1 < argc) {
      value = argv[++i];
    } else if (std::find(known.begin(), known.end(), name) != known.end()) {
      return make_error(errc::usage, fmt::format("option --{} needs a value", name));
    }
    if (std::find(known.begin(), known.end(), name) == known.end()) {
      auto suggestion = detail::nearest(name, known);
      return make_error(errc::usage, suggestion.empty()
                                         ? fmt::format("unknown option --{}", name)
                                         : fmt::format("unknown option --{}; did you mean --{}?",
                                                       name, suggestion));
    }
    out.options[name] = value;
  }
  return out;
}

caf::expected<uint64_t> parse_whole_number(const std::string& option, const std::string& value,
                                           uint64_t least, uint64_t most) {
  uint64_t out = 0;
  auto end = value.data() + value.size();
  auto [stop, problem] = std::from_chars(value.data(), end, out);
  if (value.empty() || problem != std::errc{} || stop != end || out < least || out > most)
    return make_error(errc::usage, fmt::format("--{} '{}': expected a whole number from {} to {}",
                                               option, value, least, most));
  return out;
}

caf::error check_node_id(const std::string& option, const std::string& value) {
  bool plain =
      !value.empty() && value.size() <= 128 && std::all_of(value.begin(), value.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-';
      });
  if (plain) return {};
  return make_error(errc::usage, fmt::format("--{} '{}': expected 1 to 128 letters, digits, '.', "
                                             "'_' or '-'",
                                             option, value));
}

} // namespace kite
