#include "kite/runtime/link_metrics.hpp"

#include <limits>

#include <prometheus/metric_family.h>

#include "kite/runtime/wire.hpp"

namespace kite {
namespace {

prometheus::MetricFamily family(const char* name, const char* help, prometheus::MetricType type) {
  prometheus::MetricFamily out;
  out.name = name;
  out.help = help;
  out.type = type;
  return out;
}

void add_sample(prometheus::MetricFamily& f, std::vector<prometheus::ClientMetric::Label> labels,
                double value) {
  prometheus::ClientMetric m;
  m.label = std::move(labels);
  if (f.type == prometheus::MetricType::Counter)
    m.counter.value = value;
  else
    m.gauge.value = value;
  f.metric.push_back(std::move(m));
}

/// Adds one histogram sample: `load`'s answers as cumulative buckets, with their count and sum.
void add_histogram(prometheus::MetricFamily& f, std::vector<prometheus::ClientMetric::Label> labels,
                   const actor_type_load& load) {
  prometheus::ClientMetric m;
  m.label = std::move(labels);
  const auto& bounds = service_time_buckets();
  uint64_t below = 0;
  for (size_t i = 0; i < load.answers.size(); ++i) {
    below += load.answers[i];
    m.histogram.bucket.push_back(
        {below, i < bounds.size() ? bounds[i] : std::numeric_limits<double>::infinity()});
  }
  m.histogram.sample_count = below;
  m.histogram.sample_sum = load.seconds;
  f.metric.push_back(std::move(m));
}

} // namespace

void link_metrics::add(std::string name, std::weak_ptr<const link> l, link_role role) {
  std::lock_guard<std::mutex> guard{mutex_};
  links_.push_back({std::move(name), std::move(l), role});
}

std::vector<prometheus::MetricFamily> link_metrics::Collect() const {
  using prometheus::MetricType;
  auto frames = family("kite_link_frames_total", "Frames through a link", MetricType::Counter);
  auto bytes = family("kite_link_bytes_total", "Header and payload bytes through a link",
                      MetricType::Counter);
  auto errors = family("kite_link_frame_errors_total", "Frames a link refused, by reason",
                       MetricType::Counter);
  auto failures = family("kite_link_send_failures_total",
                         "Frames ZeroMQ would not take (peer gone, or a heartbeat or refusal "
                         "at the high-water mark)",
                         MetricType::Counter);
  auto held = family("kite_link_frames_held_total",
                     "Requests and answers that waited for room at the high-water mark",
                     MetricType::Counter);
  auto up = family("kite_link_up", "1 while a client link has said hello to its server",
                   MetricType::Gauge);
  auto rtt = family("kite_link_rtt_seconds", "A client link's heartbeat round trip (EWMA)",
                    MetricType::Gauge);
  auto refused = family("kite_link_refused_keys_total",
                        "Connections a server link refused: their key is not on its allowlist",
                        MetricType::Counter);
  auto depth =
      family("kite_actor_queue_depth",
             "Requests handed to hosted actors of a type and not answered yet", MetricType::Gauge);
  auto service = family("kite_actor_service_seconds",
                        "Time a hosted actor of a type took to answer a request, from when it "
                        "could start (its relay, or its previous answer)",
                        MetricType::Histogram);
  std::lock_guard<std::mutex> guard{mutex_};
  for (const auto& [name, weak, role] : links_) {
    auto l = weak.lock();
    if (!l) continue; // stopped and gone
    const auto& s = l->stats();
    add_sample(frames, {{"link", name}, {"direction", "in"}}, s.frames_in.load());
    add_sample(frames, {{"link", name}, {"direction", "out"}}, s.frames_out.load());
    add_sample(bytes, {{"link", name}, {"direction", "in"}}, s.bytes_in.load());
    add_sample(bytes, {{"link", name}, {"direction", "out"}}, s.bytes_out.load());
    for (size_t r = 0; r < wire::frame_error_count; ++r)
      add_sample(errors,
                 {{"link", name}, {"reason", wire::to_string(static_cast<wire::frame_error>(r))}},
                 s.frame_errors[r].load());
    add_sample(failures, {{"link", name}}, s.send_failures.load());
    add_sample(held, {{"link", name}}, s.frames_held.load());
    if (role == link_role::client) {
      add_sample(up, {{"link", name}}, l->up() ? 1 : 0);
      add_sample(rtt, {{"link", name}}, s.rtt_ewma_ns.load() / 1e9);
      continue;
    }
    add_sample(refused, {{"link", name}}, s.refused_keys.load());
    if (role != link_role::actor_host) continue;
    for (const auto& [type, load] : l->actor_loads()) {
      add_sample(depth, {{"link", name}, {"type", type}}, static_cast<double>(load.backlog));
      add_histogram(service, {{"link", name}, {"type", type}}, load);
    }
  }
  return {frames, bytes, errors, failures, held, up, rtt, refused, depth, service};
}

} // namespace kite
