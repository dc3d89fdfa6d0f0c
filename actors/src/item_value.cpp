#include "kite/actors/item_value.hpp"

#include <algorithm>
#include <numeric>

#include "kite/actors/messages.hpp"

namespace kite::actors {

namespace {

/// The selected channels of `values` reduced to one number; none when a channel is missing.
std::optional<double> sample_value(const std::vector<float>& values,
                                   const value_selector& selector) {
  if (selector.channel) {
    if (*selector.channel >= values.size()) return std::nullopt;
    return values[*selector.channel];
  }
  auto first = values.begin();
  auto last = values.end();
  if (selector.channels) {
    if (selector.channels->last >= values.size()) return std::nullopt;
    first += selector.channels->first;
    last = values.begin() + selector.channels->last + 1;
  }
  if (first == last) return std::nullopt;
  switch (selector.reduce) {
  case value_selector::statistic::mean:
    return std::accumulate(first, last, 0.0) / static_cast<double>(last - first);
  case value_selector::statistic::min:
    return *std::min_element(first, last);
  case value_selector::statistic::max:
    return *std::max_element(first, last);
  }
  return std::nullopt;
}

} // namespace

std::optional<double> item_value(const caf::message& item, const value_selector& selector) {
  if (item.match_elements<sensor_sample>())
    return sample_value(item.get_as<sensor_sample>(0).values, selector);
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
