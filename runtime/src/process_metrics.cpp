#include "kite/runtime/process_metrics.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include <caf/config.hpp>
#include <fmt/format.h>
#include <prometheus/metric_family.h>

#include "kite/runtime/version.hpp"

namespace kite {

namespace {

/// A family with one sample of `value`.
prometheus::MetricFamily single_sample(const char* name, const char* help,
                                       prometheus::MetricType type, double value,
                                       std::vector<prometheus::ClientMetric::Label> labels = {}) {
  prometheus::MetricFamily out;
  out.name = name;
  out.help = help;
  out.type = type;
  prometheus::ClientMetric m;
  m.label = std::move(labels);
  if (type == prometheus::MetricType::Counter)
    m.counter.value = value;
  else
    m.gauge.value = value;
  out.metric.push_back(std::move(m));
  return out;
}

/// Resident set size in bytes, from /proc/self/statm; 0 where there is none.
double resident_bytes() {
  std::ifstream statm{"/proc/self/statm"};
  long pages_total = 0;
  long pages_resident = 0;
  if (!(statm >> pages_total >> pages_resident)) return 0;
  return static_cast<double>(pages_resident) * static_cast<double>(sysconf(_SC_PAGESIZE));
}

/// When the process started, in seconds since the Unix epoch: its start in clock ticks after boot
/// (/proc/self/stat, field 22) plus the boot time (/proc/stat's btime); `fallback` where either
/// cannot be read.
double start_time_seconds(double fallback) {
  std::ifstream stat{"/proc/self/stat"};
  std::string line;
  if (!std::getline(stat, line)) return fallback;
  // The command name (field 2) may hold spaces; the fields after it follow its ')'.
  auto close = line.rfind(')');
  if (close == std::string::npos) return fallback;
  std::istringstream fields{line.substr(close + 2)};
  std::string field;
  for (int i = 3; i < 22 && fields >> field;)
    ++i;
  unsigned long long ticks = 0;
  if (!(fields >> ticks)) return fallback;
  std::ifstream boot{"/proc/stat"};
  for (std::string key; boot >> key;) {
    if (key != "btime") continue;
    unsigned long long btime = 0;
    if (!(boot >> btime)) break;
    return static_cast<double>(btime) + static_cast<double>(ticks) / sysconf(_SC_CLK_TCK);
  }
  return fallback;
}

double cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  auto seconds = [](const timeval& t) { return t.tv_sec + t.tv_usec / 1e6; };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

} // namespace

process_metrics::process_metrics(std::string kind)
    : kind_(std::move(kind)), started_(std::chrono::system_clock::now()),
      started_steady_(std::chrono::steady_clock::now()) {}

std::vector<prometheus::MetricFamily> process_metrics::Collect() const {
  using prometheus::MetricType;
  auto caf_version =
      fmt::format("{}.{}.{}", CAF_MAJOR_VERSION, CAF_MINOR_VERSION, CAF_PATCH_VERSION);
  auto since_epoch = std::chrono::duration<double>(started_.time_since_epoch()).count();
  auto up = std::chrono::duration<double>(std::chrono::steady_clock::now() - started_steady_);
  return {
      single_sample("kite_build_info", "1, labelled with the node's kind, Kite's release and CAF's",
                    MetricType::Gauge, 1,
                    {{"kind", kind_}, {"version", KITE_VERSION}, {"caf", caf_version}}),
      single_sample("kite_uptime_seconds", "Seconds since the node started", MetricType::Gauge,
                    up.count()),
      single_sample("process_start_time_seconds", "Start time of the process since the Unix epoch",
                    MetricType::Gauge, start_time_seconds(since_epoch)),
      single_sample("process_cpu_seconds_total", "User and system CPU time the process spent",
                    MetricType::Counter, cpu_seconds()),
      single_sample("process_resident_memory_bytes", "Resident memory of the process",
                    MetricType::Gauge, resident_bytes()),
  };
}

} // namespace kite
