#include "kite/runtime/process_metrics.hpp"

#include <chrono>

#include <catch2/catch.hpp>
#include <prometheus/metric_family.h>

#include "kite/runtime/version.hpp"

namespace {

/// The one sample of family `name` in `families`; fails the test when there is none.
const prometheus::ClientMetric& sample_of(const std::vector<prometheus::MetricFamily>& families,
                                          const std::string& name) {
  for (const auto& f : families)
    if (f.name == name && f.metric.size() == 1) return f.metric.front();
  FAIL("no single sample of " << name);
  throw std::logic_error("unreachable");
}

} // namespace

TEST_CASE("process metrics: build info, and a start time that is this process's") {
  kite::process_metrics counts{"worker"};
  auto families = counts.Collect();
  const auto& info = sample_of(families, "kite_build_info");
  CHECK(info.gauge.value == 1);
  REQUIRE(info.label.size() == 3);
  CHECK(info.label[0].name == "kind");
  CHECK(info.label[0].value == "worker");
  CHECK(info.label[1].value == KITE_VERSION);
  CHECK(info.label[2].value == "0.17.6");
  // The test binary started moments ago: not at boot, not in the future.
  auto now = std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch());
  double started = sample_of(families, "process_start_time_seconds").gauge.value;
  CHECK(started <= now.count() + 1);
  CHECK(started > now.count() - 600);
  CHECK(sample_of(families, "process_resident_memory_bytes").gauge.value > 1e6);
  CHECK(sample_of(families, "process_cpu_seconds_total").counter.value > 0);
}
