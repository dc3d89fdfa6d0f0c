#include "kite/runtime/metrics.hpp"

#include <prometheus/text_serializer.h>

namespace kite {

metrics::metrics() : registry_(std::make_shared<prometheus::Registry>()) {}

prometheus::Counter& metrics::counter(const std::string& name, const std::string& help,
                                      const prometheus::Labels& labels) {
  return prometheus::BuildCounter().Name(name).Help(help).Register(*registry_).Add(labels);
}

prometheus::Gauge& metrics::gauge(const std::string& name, const std::string& help,
                                  const prometheus::Labels& labels) {
  return prometheus::BuildGauge().Name(name).Help(help).Register(*registry_).Add(labels);
}

void metrics::add(std::shared_ptr<prometheus::Collectable> families) {
  std::lock_guard<std::mutex> guard{collectables_mutex_};
  collectables_.push_back(std::move(families));
}

std::string metrics::scrape() const {
  auto families = registry_->Collect();
  std::lock_guard<std::mutex> guard{collectables_mutex_};
  for (const auto& more : collectables_)
    for (auto& family : more->Collect())
      families.push_back(std::move(family));
  return prometheus::TextSerializer{}.Serialize(families);
}

} // namespace kite
