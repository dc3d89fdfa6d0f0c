#include "loopback_cluster.hpp"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>

#include <fmt/format.h>

namespace kite::test {

namespace {

keypair make_keys(const std::string& prefix) {
  auto keys = generate_keypair();
  if (!keys || write_keypair(*keys, prefix))
    throw std::runtime_error("cannot make keys at " + prefix);
  return *keys;
}

void write_text(const std::string& path, const std::string& text) {
  std::ofstream out{path};
  out << text;
}

} // namespace

loopback_cluster::loopback_cluster() {
  std::string pattern = std::filesystem::temp_directory_path() / "kite-it.XXXXXX";
  if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  dir_ = pattern;
  edge_keys_ = make_keys(dir_ + "/edge");
  stranger_keys_ = make_keys(dir_ + "/stranger");
}

loopback_cluster::~loopback_cluster() {
  workers_.clear();
  placement_.process.reset();
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

std::string loopback_cluster::worker_log(size_t index) const {
  return fmt::format("{}/worker-{}.log", dir_, index + 1);
}

std::string loopback_cluster::write_worker_config(size_t index) {
  auto name = fmt::format("worker-{}", index + 1);
  auto path = fmt::format("{}/{}.yaml", dir_, name);
  const auto& slot = workers_[index];
  auto bind = slot.endpoint.empty() ? std::string{"tcp://127.0.0.1:*"} : slot.endpoint;
  write_text(path, fmt::format(R"(kind: worker
node_id: {}
bind: {}
link:
  heartbeat_interval: 100ms
  heartbeat_misses: 5
security:
  secret_key_file: {}/{}.key
  allow: ["{}"]
{}
{}
)",
                               name, bind, dir_, name, edge_keys_.public_key, placement_section(),
                               worker_settings));
  return path;
}

child_process& loopback_cluster::start_worker(size_t index) {
  if (index >= workers_.size()) workers_.resize(index + 1);
  auto& slot = workers_[index];
  if (slot.keys.public_key.empty())
    slot.keys = make_keys(fmt::format("{}/worker-{}", dir_, index + 1));
  auto config = write_worker_config(index);
  auto ready = fmt::format("{}/worker-{}.ready.{}", dir_, index + 1, slot.starts++);
  slot.process = std::make_unique<child_process>(
      std::vector<std::string>{KITE_CLOUD_BIN, "worker", "--config", config, "--ready-file", ready},
      worker_log(index));
  if (!wait_for_text(ready, "tcp://", std::chrono::seconds(10)))
    throw std::runtime_error("worker did not become ready:\n" + read_file(worker_log(index)));
  auto text = read_file(ready);
  slot.endpoint = text.substr(0, text.find('\n'));
  return *slot.process;
}

std::string loopback_cluster::placement_section() const {
  if (placement_.endpoint.empty()) return {};
  return fmt::format("placement: {{ endpoint: \"{}\", server_key: \"{}\", report_interval: "
                     "100ms }}\n",
                     placement_.endpoint, placement_.keys.public_key);
}

child_process& loopback_cluster::start_placement(size_t workers, const std::string& settings) {
  if (workers > workers_.size()) workers_.resize(workers);
  std::string allow = fmt::format("\"{}\"", edge_keys_.public_key);
  for (size_t i = 0; i < workers; ++i) {
    if (workers_[i].keys.public_key.empty())
      workers_[i].keys = make_keys(fmt::format("{}/worker-{}", dir_, i + 1));
    allow += fmt::format(", \"{}\"", workers_[i].keys.public_key);
  }
  if (placement_.keys.public_key.empty()) placement_.keys = make_keys(dir_ + "/placement");
  auto path = dir_ + "/placement.yaml";
  auto bind = placement_.endpoint.empty() ? std::string{"tcp://127.0.0.1:*"} : placement_.endpoint;
  write_text(path, fmt::format(R"(kind: placement
node_id: placement-1
bind: {}
link:
  heartbeat_interval: 100ms
  heartbeat_misses: 5
security:
  secret_key_file: {}/placement.key
  allow: [{}]
{}
)",
                               bind, dir_, allow, settings));
  auto ready = fmt::format("{}/placement.ready.{}", dir_, placement_.starts++);
  placement_.process = std::make_unique<child_process>(
      std::vector<std::string>{KITE_CLOUD_BIN, "placement", "--config", path, "--ready-file",
                               ready},
      placement_log());
  if (!wait_for_text(ready, "tcp://", std::chrono::seconds(10)))
    throw std::runtime_error("placement did not become ready:\n" + read_file(placement_log()));
  auto text = read_file(ready);
  placement_.endpoint = text.substr(0, text.find('\n'));
  return *placement_.process;
}

std::unique_ptr<child_process> loopback_cluster::start_edge(const edge_options& options) {
  auto config = fmt::format("{}/{}.yaml", dir_, options.name);
  auto key = options.unknown_key ? "stranger" : "edge";
  std::string upstreams;
  for (const auto& slot : workers_)
    upstreams += fmt::format("  - {{ endpoint: \"{}\", server_key: \"{}\" }}\n",
                             slot.route.empty() ? slot.endpoint : slot.route, slot.keys.public_key);
  auto pipeline = !options.pipeline.empty()
                      ? options.pipeline
                      : fmt::format(R"(pipeline:
  sources:
    sensor: {{ kind: synthetic, rate_hz: {}, values: 8, count: {}, to: smooth }}
  stages:
    smooth: {{ kind: window, size: 4, to: cloud }}
  sinks:
    cloud: {{ kind: offload, type: {}, keys: {} }}
)",
                                    options.rate_hz, options.count, options.target, options.keys);
  // At debug, the edge logs each answer, which the tests read.
  write_text(config, fmt::format(R"(kind: edge
node_id: {}
log: {{ level: debug }}
link:
  heartbeat_interval: 100ms
  heartbeat_misses: {}
  reconnect_min: 50ms
  reconnect_max: 500ms
security:
  secret_key_file: {}/{}.key
upstreams:
{}offload:
  retry_interval: {}
  local_fallback: {}
  local_after: {}
  service_times: {}
{}
{}
{})",
                                 options.name, options.heartbeat_misses, dir_, key, upstreams,
                                 options.retry_interval, options.local_fallback,
                                 options.local_after, options.service_times, pipeline,
                                 options.metrics ? "metrics: {listen: \"127.0.0.1:0\"}" : "",
                                 placement_section()));
  auto argv = options.command.empty() ? std::vector<std::string>{KITE_EDGE_BIN} : options.command;
  argv.insert(argv.end(), {"--config", config});
  return std::make_unique<child_process>(std::move(argv),
                                         fmt::format("{}/{}.log", dir_, options.name));
}

uint16_t port_of(const std::string& endpoint) {
  return static_cast<uint16_t>(std::atoi(endpoint.c_str() + endpoint.rfind(':') + 1));
}

long long counter_in(const std::string& text, const std::string& key) {
  auto at = text.rfind(key + "=");
  if (at == std::string::npos) return -1;
  return std::atoll(text.c_str() + at + key.size() + 1);
}

} // namespace kite::test
