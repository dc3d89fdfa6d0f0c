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

void metrics::add(std::shared_ptr<prometheus::Collectable> families) {
  std::lock_guard<std::mutex> guard{collectables_mutex_};
  if (exposer_) exposer_->RegisterCollectable(families);
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

caf::expected<int> metrics::serve(const std::string& listen) {
  try {
    // Two threads, so one idle connection cannot hold up every scrape (a robot counts its
    // threads), and a connection that sends nothing is dropped after 2 s.
    exposer_ = std::make_unique<prometheus::Exposer>(std::vector<std::string>{
        "listening_ports", listen, "num_threads", "2", "request_timeout_ms", "2000"});
    exposer_->RegisterCollectable(registry_);
    std::lock_guard<std::mutex> guard{collectables_mutex_};
    for (const auto& more : collectables_)
      exposer_->RegisterCollectable(more);
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
