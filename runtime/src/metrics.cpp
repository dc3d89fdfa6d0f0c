#include "kite/runtime/metrics.hpp"

#include <exception>

#include <fmt/format.h>
#include <prometheus/exposer.h>
#include <prometheus/text_serializer.h>

#include "kite/runtime/error.hpp"

namespace kite {

metrics::metrics() : registry_(std::make_shared<prometheus::Registry>()) {}

metrics::~metrics() = default;

prometheus::Counter& metrics::counter(const std::string& name, const std::string& help,
                                      const prometheus::Labels& labels) {
  return prometheus::BuildCounter().Name(name).Help(help).Register(*registry_).Add(labels);
}

prometheus::Gauge& metrics::gauge(const std::string& name, const std::string& help,
                                  const prometheus::Labels& labels) {
  return prometheus::BuildGauge().Name(name).Help(help).Register(*registry_).Add(labels);
}

std::string metrics::scrape() const {
  return prometheus::TextSerializer{}.Serialize(registry_->Collect());
}

caf::expected<int> metrics::serve(const std::string& listen) {
  try {
    // One thread: scrapes come every few seconds, and a robot counts its threads.
    exposer_ = std::make_unique<prometheus::Exposer>(listen, 1);
    exposer_->RegisterCollectable(registry_);
    auto ports = exposer_->GetListeningPorts();
    if (ports.empty()) throw std::runtime_error("no port bound");
    return ports.front();
  } catch (const std::exception& e) {
    exposer_.reset();
    return make_error(errc::config, fmt::format("metrics.listen '{}': cannot serve metrics: {}",
                                                listen, e.what()));
  }
}

} // namespace kite
