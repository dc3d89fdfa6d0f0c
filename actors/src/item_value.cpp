#include "kite/actors/item_value.hpp"

#include <numeric>

#include "kite/actors/messages.hpp"

namespace kite::actors {

std::optional<double> item_value(const caf::message& item, const value_selector& selector) {
  if (item.match_elements<sensor_sample>()) {
    const auto& sample = item.get_as<sensor_sample>(0);
    if (selector.channel) {
      if (*selector.channel >= sample.values.size()) return std::nullopt;
      return sample.values[*selector.channel];
    }
    if (sample.values.empty()) return std::nullopt;
    return std::accumulate(sample.values.begin(), sample.values.end(), 0.0) /
           static_cast<double>(sample.values.size());
  }
  if (item.match_elements<feature>()) {
    const auto& f = item.get_as<feature>(0);
    switch (selector.of_feature) {
    case value_selector::statistic::mean:
      return f.mean;
    case value_selector::statistic::min:
      return f.min;
    case value_selector::statistic::max:
      return f.max;
    }
  }
  return std::nullopt;
}

std::string item_text(const caf::message& item) {
  return item.size() == 1 ? item.stringify(0) : caf::to_string(item);
}

std::pair<uint64_t, int64_t> item_origin(const caf::message& item) {
  if (item.match_elements<sensor_sample>()) {
    const auto& sample = item.get_as<sensor_sample>(0);
    return {sample.sequence, sample.timestamp_ns};
  }
  if (item.match_elements<feature>()) {
    const auto& f = item.get_as<feature>(0);
    return {f.sequence, f.timestamp_ns};
  }
  return {0, 0};
}

} // namespace kite::actors
