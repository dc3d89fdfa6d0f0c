// What the benchmarks' tables share: percentiles, a quantity's median and range over
// repetitions, payload sizes by name, and the comma lists their command lines take.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdlib>
#include <string>
#include <vector>

#include <fmt/format.h>

namespace kite::bench {

/// Returns the q-quantile (0..1) of `samples`, which it sorts.
inline double quantile(std::vector<double>& samples, double q) {
  if (samples.empty()) return 0;
  std::sort(samples.begin(), samples.end());
  auto index = static_cast<size_t>(q * static_cast<double>(samples.size() - 1) + 0.5);
  return samples[std::min(index, samples.size() - 1)];
}

/// Median and range of one quantity over the repetitions.
struct spread {
  double median = 0;
  double min = 0;
  double max = 0;
};

inline spread spread_of(std::vector<double> values) {
  spread out;
  out.median = quantile(values, 0.5); // sorts
  out.min = values.front();
  out.max = values.back();
  return out;
}

/// "64 B", "1 KiB", "64 KiB".
inline std::string size_name(size_t size) {
  return size >= 1024 ? fmt::format("{} KiB", size / 1024) : fmt::format("{} B", size);
}

/// Splits "a,b,c".
inline std::vector<std::string> split(const std::string& text) {
  std::vector<std::string> out;
  size_t begin = 0;
  while (begin <= text.size()) {
    auto end = text.find(',', begin);
    if (end == std::string::npos) end = text.size();
    if (end > begin) out.push_back(text.substr(begin, end - begin));
    begin = end + 1;
  }
  return out;
}

/// Payload sizes from "64,1024,65536"; empty when one is not a positive number.
inline std::vector<size_t> parse_sizes(const std::string& text) {
  std::vector<size_t> out;
  for (const auto& word : split(text)) {
    char* end = nullptr;
    auto size = std::strtoul(word.c_str(), &end, 10);
    if (size == 0 || *end != '\0') return {};
    out.push_back(size);
  }
  return out;
}

/// CURVE settings from "off,on"; empty when a word is neither.
inline std::vector<bool> parse_curves(const std::string& text) {
  std::vector<bool> out;
  for (const auto& word : split(text)) {
    if (word != "on" && word != "off") return {};
    out.push_back(word == "on");
  }
  return out;
}

} // namespace kite::bench
