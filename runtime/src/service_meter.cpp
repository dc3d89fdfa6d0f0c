#include "kite/runtime/service_meter.hpp"

namespace kite {

namespace {

/// Weight of the newest window's mean.
constexpr double window_weight = 0.5;

} // namespace

void service_meter::add(const std::string& type, double seconds) {
  auto& w = window_[type];
  w.seconds += seconds;
  ++w.answers;
}

const std::map<std::string, double>& service_meter::take() {
  for (const auto& [type, w] : window_) {
    double mean = w.seconds / static_cast<double>(w.answers);
    auto [figure, fresh] = smoothed_.try_emplace(type, mean);
    if (!fresh) figure->second += window_weight * (mean - figure->second);
  }
  window_.clear();
  return smoothed_;
}

} // namespace kite
