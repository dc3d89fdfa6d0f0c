// Walks a YAML document and collects every problem with its file, line, column and key path.
#pragma once

#include <chrono>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

namespace kite::detail {

/// Returns the candidate closest to `word` by edit distance, or "" when none is close.
std::string nearest(const std::string& word, const std::vector<std::string>& candidates);

/// Reads typed values out of YAML maps; problems are collected, not thrown.
class config_reader {
public:
  explicit config_reader(std::string file) : file_(std::move(file)) {}

  /// Records a problem at `at`'s position under key path `key`.
  void fail(const YAML::Node& at, const std::string& key, const std::string& what);

  /// Rejects keys of `map` not in `known`, suggesting the nearest known key.
  void only_keys(const YAML::Node& map, const std::string& path, std::vector<std::string> known);

  /// Returns `map[key]` when it is a map (or absent: an empty node); records a problem otherwise.
  YAML::Node section(const YAML::Node& map, const std::string& path, const char* key);

  void read(const YAML::Node& map, const std::string& path, const char* key, std::string& out,
            bool required = false);
  void read(const YAML::Node& map, const std::string& path, const char* key, bool& out);
  void read(const YAML::Node& map, const std::string& path, const char* key, uint32_t& out,
            uint32_t min, uint32_t max);
  void read(const YAML::Node& map, const std::string& path, const char* key, uint64_t& out);
  void read(const YAML::Node& map, const std::string& path, const char* key, double& out,
            double min, double max);
  void read(const YAML::Node& map, const std::string& path, const char* key,
            std::chrono::milliseconds& out);
  void read(const YAML::Node& map, const std::string& path, const char* key,
            std::vector<std::string>& out);
  /// Reads a list of whole numbers from `min` to `max`; each bad element is a problem of its own,
  /// and is left out of `out`.
  void read(const YAML::Node& map, const std::string& path, const char* key,
            std::vector<uint32_t>& out, uint32_t min, uint32_t max);

  /// Reads a string that must be one of `choices`.
  void read_choice(const YAML::Node& map, const std::string& path, const char* key,
                   std::string& out, std::vector<std::string> choices);

  const std::vector<std::string>& problems() const { return problems_; }
  const std::string& file() const { return file_; }

private:
  /// Returns the scalar at `map[key]`, or an undefined node when absent or not a scalar.
  YAML::Node scalar(const YAML::Node& map, const std::string& path, const char* key);

  /// Returns the list at `map[key]`, or an undefined node when absent or (reported) not a list.
  YAML::Node list(const YAML::Node& map, const std::string& path, const char* key);

  std::string file_;
  std::vector<std::string> problems_;
};

/// Joins a key path: "link" + "heartbeat_interval" = "link.heartbeat_interval".
std::string join(const std::string& path, const char* key);

} // namespace kite::detail
