#include "config_reader.hpp"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <limits>

#include <fmt/format.h>

namespace kite::detail {

namespace {

size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j)
    row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

std::string quoted(const YAML::Node& node) {
  if (node.IsScalar()) return "'" + node.Scalar() + "'";
  if (node.IsSequence()) return "a list";
  if (node.IsMap()) return "a map";
  return "nothing";
}

bool parse_unsigned(const std::string& text, uint64_t& out) {
  if (text.empty() || text[0] == '-' || text[0] == '+') return false;
  errno = 0;
  char* end = nullptr;
  auto value = std::strtoull(text.c_str(), &end, 10);
  if (errno != 0 || end != text.c_str() + text.size()) return false;
  out = value;
  return true;
}

/// The key itself, whose position is where a person looks for a value that is missing.
YAML::Node key_node(const YAML::Node& map, const char* key) {
  for (const auto& entry : map)
    if (entry.first.Scalar() == key) return entry.first;
  return map;
}

} // namespace

std::string nearest(const std::string& word, const std::vector<std::string>& candidates) {
  std::string best;
  auto best_distance = std::numeric_limits<size_t>::max();
  for (const auto& candidate : candidates) {
    auto distance = edit_distance(word, candidate);
    if (distance < best_distance) {
      best_distance = distance;
      best = candidate;
    }
  }
  // A suggestion further away than about half the word is noise, not help.
  if (best_distance > std::max<size_t>(2, word.size() / 2)) return {};
  return best;
}

std::string join(const std::string& path, const char* key) {
  return path.empty() ? std::string{key} : path + "." + key;
}

void config_reader::fail(const YAML::Node& at, const std::string& key, const std::string& what) {
  auto mark = at.Mark();
  if (mark.is_null())
    problems_.push_back(fmt::format("{}: key '{}': {}", file_, key, what));
  else
    problems_.push_back(
        fmt::format("{}:{}:{}: key '{}': {}", file_, mark.line + 1, mark.column + 1, key, what));
}

void config_reader::only_keys(const YAML::Node& map, const std::string& path,
                              std::vector<std::string> known) {
  if (!map.IsMap()) return;
  for (const auto& entry : map) {
    auto key = entry.first.Scalar();
    if (std::find(known.begin(), known.end(), key) != known.end()) continue;
    auto suggestion = nearest(key, known);
    auto what = suggestion.empty()
                    ? fmt::format("unknown key; valid keys here: {}", fmt::join(known, ", "))
                    : fmt::format("unknown key; did you mean '{}'?", suggestion);
    fail(entry.first, join(path, key.c_str()), what);
  }
}

YAML::Node config_reader::section(const YAML::Node& map, const std::string& path, const char* key) {
  if (!map.IsMap()) return YAML::Node{};
  auto node = map[key];
  if (!node.IsDefined() || node.IsNull()) return YAML::Node{};
  if (!node.IsMap()) {
    fail(node, join(path, key), "expected a map of settings, got " + quoted(node));
    return YAML::Node{};
  }
  return node;
}

YAML::Node config_reader::scalar(const YAML::Node& map, const std::string& path, const char* key) {
  if (!map.IsMap()) return YAML::Node{YAML::NodeType::Undefined};
  auto node = map[key];
  if (!node.IsDefined() || node.IsNull()) return YAML::Node{YAML::NodeType::Undefined};
  if (!node.IsScalar()) {
    fail(node, join(path, key), "expected a single value, got " + quoted(node));
    return YAML::Node{YAML::NodeType::Undefined};
  }
  return node;
}

void config_reader::read(const YAML::Node& map, const std::string& path, const char* key,
                         std::string& out, bool required) {
  auto node = scalar(map, path, key);
  if (node.IsDefined()) {
    out = node.Scalar();
    if (required && out.empty()) fail(node, join(path, key), "must not be empty");
  } else if (required) {
    bool present = map.IsMap() && map[key].IsDefined();
    if (present)
      fail(key_node(map, key), join(path, key), "has no value");
    else
      fail(map, join(path, key), "is required and missing");
  }
}

void config_reader::read(const YAML::Node& map, const std::string& path, const char* key,
                         bool& out) {
  auto node = scalar(map, path, key);
  if (!node.IsDefined()) return;
  const auto& text = node.Scalar();
  if (text == "true" || text == "yes" || text == "on")
    out = true;
  else if (text == "false" || text == "no" || text == "off")
    out = false;
  else
    fail(node, join(path, key), "expected true or false, got " + quoted(node));
}

void config_reader::read(const YAML::Node& map, const std::string& path, const char* key,
                         uint32_t& out, uint32_t min, uint32_t max) {
  auto node = scalar(map, path, key);
  if (!node.IsDefined()) return;
  uint64_t value = 0;
  if (!parse_unsigned(node.Scalar(), value) || value < min || value > max) {
    fail(node, join(path, key),
         fmt::format("expected a whole number from {} to {}, got {}", min, max, quoted(node)));
    return;
  }
  out = static_cast<uint32_t>(value);
}

void config_reader::read(const YAML::Node& map, const std::string& path, const char* key,
                         uint64_t& out) {
  auto node = scalar(map, path, key);
  if (!node.IsDefined()) return;
  if (!parse_unsigned(node.Scalar(), out))
    fail(node, join(path, key), "expected a whole number, got " + quoted(node));
}

void config_reader::read(const YAML::Node& map, const std::string& path, const char* key,
                         double& out, double min, double max) {
  auto node = scalar(map, path, key);
  if (!node.IsDefined()) return;
  const auto& text = node.Scalar();
  errno = 0;
  char* end = nullptr;
  auto value = text.empty() ? 0.0 : std::strtod(text.c_str(), &end);
  if (text.empty() || errno != 0 || end != text.c_str() + text.size() || !std::isfinite(value) ||
      value < min || value > max) {
    fail(node, join(path, key),
         fmt::format("expected a number from {} to {}, got {}", min, max, quoted(node)));
    return;
  }
  out = value;
}

void config_reader::read(const YAML::Node& map, const std::string& path, const char* key,
                         std::chrono::milliseconds& out) {
  auto node = scalar(map, path, key);
  if (!node.IsDefined()) return;
  const auto& text = node.Scalar();
  auto digits = text.find_first_not_of("0123456789");
  uint64_t amount = 0;
  auto unit = digits == std::string::npos ? std::string{} : text.substr(digits);
  auto number_ok = digits != 0 && parse_unsigned(text.substr(0, digits), amount);
  uint64_t scale = 0;
  if (unit == "ms")
    scale = 1;
  else if (unit == "s")
    scale = 1000;
  else if (unit == "m")
    scale = 60'000;
  else if (unit == "h")
    scale = 3'600'000;
  constexpr uint64_t max_ms = 7ull * 24 * 3600 * 1000;
  if (!number_ok || scale == 0 || amount > max_ms / scale) {
    fail(node, join(path, key),
         "expected a duration such as 250ms, 2s, 1m or 24h (at most 7 days), got " + quoted(node));
    return;
  }
  out = std::chrono::milliseconds{amount * scale};
}

YAML::Node config_reader::list(const YAML::Node& map, const std::string& path, const char* key) {
  if (!map.IsMap()) return YAML::Node{YAML::NodeType::Undefined};
  auto node = map[key];
  if (!node.IsDefined() || node.IsNull()) return YAML::Node{YAML::NodeType::Undefined};
  if (!node.IsSequence()) {
    fail(node, join(path, key), "expected a list, got " + quoted(node));
    return YAML::Node{YAML::NodeType::Undefined};
  }
  return node;
}

void config_reader::read(const YAML::Node& map, const std::string& path, const char* key,
                         std::vector<std::string>& out) {
  auto node = list(map, path, key);
  if (!node.IsDefined()) return;
  out.clear();
  for (size_t i = 0; i < node.size(); ++i) {
    if (!node[i].IsScalar()) {
      fail(node[i], fmt::format("{}[{}]", join(path, key), i),
           "expected a single value, got " + quoted(node[i]));
      continue;
    }
    out.push_back(node[i].Scalar());
  }
}

void config_reader::read(const YAML::Node& map, const std::string& path, const char* key,
                         std::vector<uint32_t>& out, uint32_t min, uint32_t max) {
  auto node = list(map, path, key);
  if (!node.IsDefined()) return;
  out.clear();
  for (size_t i = 0; i < node.size(); ++i) {
    uint64_t value = 0;
    if (!node[i].IsScalar() || !parse_unsigned(node[i].Scalar(), value) || value < min ||
        value > max) {
      fail(node[i], fmt::format("{}[{}]", join(path, key), i),
           fmt::format("expected a whole number from {} to {}, got {}", min, max, quoted(node[i])));
      continue;
    }
    out.push_back(static_cast<uint32_t>(value));
  }
}

void config_reader::read_choice(const YAML::Node& map, const std::string& path, const char* key,
                                std::string& out, std::vector<std::string> choices) {
  auto node = scalar(map, path, key);
  if (!node.IsDefined()) return;
  const auto& text = node.Scalar();
  if (std::find(choices.begin(), choices.end(), text) != choices.end()) {
    out = text;
    return;
  }
  auto suggestion = nearest(text, choices);
  auto what = fmt::format("expected one of {}, got {}", fmt::join(choices, ", "), quoted(node));
  if (!suggestion.empty()) what += fmt::format(" (did you mean '{}'?)", suggestion);
  fail(node, join(path, key), what);
}

} // namespace kite::detail
