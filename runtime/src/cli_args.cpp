#include "kite/runtime/cli_args.hpp"

#include <algorithm>

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

} // namespace kite
