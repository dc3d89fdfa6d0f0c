#include "kite/runtime/config.hpp"

#include <algorithm>
#include <fstream>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "config_reader.hpp"
#include "kite/runtime/error.hpp"
#include "kite/runtime/host_port.hpp"
#include "kite/runtime/keys.hpp"
#include "pipeline_reader.hpp"

namespace kite {

namespace {

using detail::config_reader;
using detail::join;

const std::vector<std::string> log_levels{"trace", "debug", "info", "warn", "error", "off"};

caf::expected<YAML::Node> parse_file(const std::string& path) {
  std::ifstream in{path};
  if (!in) return make_error(errc::config, fmt::format("{}: cannot open the config file", path));
  try {
    auto root = YAML::Load(in);
    if (!root.IsMap())
      return make_error(errc::config,
                        fmt::format("{}: expected a map of settings at the top level", path));
    return root;
  } catch (const YAML::Exception& e) {
    return make_error(errc::config, fmt::format("{}:{}:{}: YAML syntax error: {}", path,
                                                e.mark.line + 1, e.mark.column + 1, e.msg));
  }
}

void read_key(config_reader& r, const YAML::Node& map, const std::string& path, const char* key,
              std::string& out, bool required) {
  r.read(map, path, key, out, required);
  if (!out.empty() && !is_z85_key(out))
    r.fail(map[key], join(path, key), "expected a 40-character Z85 public key from `kite keygen`");
}

/// Reads `supervision:`; `keys` are those this kind of node takes.
void read_supervision(config_reader& r, const YAML::Node& root, supervisor_flags& out,
                      std::vector<std::string> keys) {
  auto sup = r.section(root, "", "supervision");
  r.only_keys(sup, "supervision", keys);
  std::string strategy;
  r.read_choice(sup, "supervision", "strategy", strategy,
                {"one_for_one", "one_for_all", "rest_for_one"});
  if (!strategy.empty()) parse_strategy(strategy, out.strategy);
  r.read(sup, "supervision", "intensity", out.intensity, 0, 100'000);
  r.read(sup, "supervision", "period", out.period);
  if (out.period.count() < 1) r.fail(sup["period"], "supervision.period", "must be at least 1ms");
  uint32_t max_waiting = static_cast<uint32_t>(out.max_waiting);
  r.read(sup, "supervision", "max_waiting", max_waiting, 0, 10'000'000);
  out.max_waiting = max_waiting;
  auto backoff = r.section(sup, "supervision", "backoff");
  r.only_keys(backoff, "supervision.backoff", {"initial", "max", "jitter"});
  r.read(backoff, "supervision.backoff", "initial", out.backoff.initial);
  r.read(backoff, "supervision.backoff", "max", out.backoff.max);
  r.read(backoff, "supervision.backoff", "jitter", out.backoff.jitter, 0.0, 1.0);
  if (out.backoff.max < out.backoff.initial)
    r.fail(backoff["max"], "supervision.backoff.max", "must not be less than backoff.initial");
}

/// Whether `text` is host:port: a host without ',' or ':' (so no IPv6 address) and a decimal
/// port up to 65535.
bool is_host_port(const std::string& text) {
  auto address = parse_host_port(text);
  return address && !address->host.empty() &&
         address->host.find_first_of(",:") == std::string::npos;
}

void read_node(config_reader& r, const YAML::Node& root, std::vector<std::string> extra_keys,
               const std::string& expected_kind, node_config& out) {
  std::vector<std::string> keys{"kind", "node_id",  "threads",     "log",
                                "link", "security", "supervision", "metrics"};
  keys.insert(keys.end(), extra_keys.begin(), extra_keys.end());
  r.only_keys(root, "", keys);
  std::string kind;
  r.read_choice(root, "", "kind", kind, {"edge", "worker", "placement"});
  if (!root["kind"].IsDefined())
    r.fail(root, "kind",
           fmt::format("is required and missing; expected 'kind: {}'", expected_kind));
  else if (!kind.empty() && kind != expected_kind)
    r.fail(
        root["kind"], "kind",
        fmt::format("this is a '{}' config, but a '{}' config was expected", kind, expected_kind));
  r.read(root, "", "node_id", out.node_id, true);
  r.read(root, "", "threads", out.threads, 1, 256);
  if (std::find(extra_keys.begin(), extra_keys.end(), "plugins") != extra_keys.end()) {
    r.read(root, "", "plugins", out.plugins);
    for (size_t i = 0; i < out.plugins.size(); ++i)
      if (out.plugins[i].empty())
        r.fail(root["plugins"][i], fmt::format("plugins[{}]", i),
               "expected the path of an actor plugin (.so)");
  }

  auto log = r.section(root, "", "log");
  r.only_keys(log, "log", {"level"});
  r.read_choice(log, "log", "level", out.log.level, log_levels);

  auto metrics = r.section(root, "", "metrics");
  r.only_keys(metrics, "metrics", {"listen"});
  r.read(metrics, "metrics", "listen", out.metrics_listen);
  if (!out.metrics_listen.empty() && !is_host_port(out.metrics_listen))
    r.fail(metrics["listen"], "metrics.listen",
           "expected host:port with a port from 0 to 65535, such as 127.0.0.1:9464");

  auto link = r.section(root, "", "link");
  r.only_keys(link, "link",
              {"heartbeat_interval", "heartbeat_misses", "reconnect_min", "reconnect_max",
               "max_frame_bytes"});
  r.read(link, "link", "heartbeat_interval", out.link.heartbeat_interval);
  // Fewer than 3 misses turns ordinary jitter into a worker declared down.
  r.read(link, "link", "heartbeat_misses", out.link.heartbeat_misses, 3, 1000);
  r.read(link, "link", "reconnect_min", out.link.reconnect_min);
  r.read(link, "link", "reconnect_max", out.link.reconnect_max);
  r.read(link, "link", "max_frame_bytes", out.link.max_frame_bytes, 1024, 256u * 1024 * 1024);
  if (out.link.heartbeat_interval.count() < 10)
    r.fail(link["heartbeat_interval"], "link.heartbeat_interval", "must be at least 10ms");
  if (out.link.reconnect_max < out.link.reconnect_min)
    r.fail(link["reconnect_max"], "link.reconnect_max", "must not be less than reconnect_min");

  auto security = r.section(root, "", "security");
  r.only_keys(security, "security", {"curve", "secret_key_file", "allow"});
  r.read(security, "security", "curve", out.security.curve);
  r.read(security, "security", "secret_key_file", out.security.secret_key_file);
  if (out.security.curve && out.security.secret_key_file.empty())
    r.fail(security.IsDefined() ? security : root, "security.secret_key_file",
           "is required while security.curve is true (make one with `kite keygen`)");
  r.read(security, "security", "allow", out.security.allow);
  for (size_t i = 0; i < out.security.allow.size(); ++i)
    if (!is_z85_key(out.security.allow[i]))
      r.fail(security["allow"][i], fmt::format("security.allow[{}]", i),
             "expected a 40-character Z85 public key from `kite keygen`");
}

void read_upstreams(config_reader& r, const YAML::Node& root, bool curve,
                    std::vector<upstream_config>& out) {
  auto list = root["upstreams"];
  if (!list.IsDefined() || (list.IsSequence() && list.size() == 0)) {
    r.fail(root, "upstreams", "is required and missing (the workers to connect to)");
    return;
  }
  if (!list.IsSequence()) {
    r.fail(list, "upstreams", "expected a list of workers, each with endpoint and server_key");
    return;
  }
  for (size_t i = 0; i < list.size(); ++i) {
    auto path = fmt::format("upstreams[{}]", i);
    if (!list[i].IsMap()) {
      r.fail(list[i], path, "expected a map with endpoint and server_key");
      continue;
    }
    upstream_config upstream;
    r.only_keys(list[i], path, {"endpoint", "server_key"});
    r.read(list[i], path, "endpoint", upstream.endpoint, true);
    read_key(r, list[i], path, "server_key", upstream.server_key, curve);
    for (const auto& earlier : out)
      if (!upstream.endpoint.empty() && earlier.endpoint == upstream.endpoint)
        r.fail(list[i]["endpoint"], path + ".endpoint",
               fmt::format("'{}' is listed twice", upstream.endpoint));
    out.push_back(std::move(upstream));
  }
}

/// Reads a map of string labels, such as `labels: {gpu: "true", region: eu}`.
void read_labels(config_reader& r, const YAML::Node& map, const std::string& path, const char* key,
                 std::map<std::string, std::string>& out) {
  auto labels = r.section(map, path, key);
  for (const auto& entry : labels) {
    auto name = entry.first.IsScalar() ? entry.first.Scalar() : std::string{};
    if (name.empty() || !entry.second.IsScalar() || entry.second.Scalar().empty()) {
      r.fail(entry.second, join(join(path, key), name.c_str()),
             "expected a non-empty text value, such as \"true\" or eu");
      continue;
    }
    out[name] = entry.second.Scalar();
  }
}

/// Reads `placement:`, how a worker or an edge reaches the placement service.
void read_placement_link(config_reader& r, const YAML::Node& root, bool curve,
                         placement_link_config& out) {
  auto placement = r.section(root, "", "placement");
  r.only_keys(placement, "placement", {"endpoint", "server_key", "report_interval"});
  r.read(placement, "placement", "endpoint", out.endpoint);
  read_key(r, placement, "placement", "server_key", out.server_key, curve && !out.endpoint.empty());
  r.read(placement, "placement", "report_interval", out.report_interval);
  if (out.report_interval.count() < 10)
    r.fail(placement["report_interval"], "placement.report_interval", "must be at least 10ms");
}

/// Reads `hysteresis:` of the placement service.
void read_hysteresis(config_reader& r, const YAML::Node& root, hysteresis_config& out) {
  auto h = r.section(root, "", "hysteresis");
  r.only_keys(h, "hysteresis", {"min_gain", "min_gain_ratio", "sustain", "max_moves_per_s"});
  std::chrono::milliseconds min_gain{static_cast<int64_t>(out.min_gain_s * 1000)};
  r.read(h, "hysteresis", "min_gain", min_gain);
  out.min_gain_s = std::chrono::duration<double>(min_gain).count();
  r.read(h, "hysteresis", "min_gain_ratio", out.min_gain_ratio, 0.0, 10.0);
  r.read(h, "hysteresis", "sustain", out.sustain);
  r.read(h, "hysteresis", "max_moves_per_s", out.max_moves_per_s, 0.01, 1'000'000);
}

/// Reads `types:`, the placement constraints of each actor type by name.
void read_type_constraints(config_reader& r, const YAML::Node& root,
                           std::map<std::string, type_constraints>& out) {
  auto types = r.section(root, "", "types");
  for (const auto& entry : types) {
    auto name = entry.first.IsScalar() ? entry.first.Scalar() : std::string{};
    auto path = join("types", name.c_str());
    if (name.empty() || !entry.second.IsMap()) {
      r.fail(entry.second, path,
             "expected a map with pin, labels, request_bytes, reply_bytes, service_time");
      continue;
    }
    type_constraints rules;
    r.only_keys(entry.second, path,
                {"pin", "labels", "request_bytes", "reply_bytes", "service_time"});
    std::string pin;
    r.read_choice(entry.second, path, "pin", pin, {"anywhere", "edge", "cloud"});
    if (pin == "edge") rules.where = type_constraints::pin::edge;
    if (pin == "cloud") rules.where = type_constraints::pin::cloud;
    read_labels(r, entry.second, path, "labels", rules.labels);
    r.read(entry.second, path, "request_bytes", rules.request_bytes, 0, 1e12);
    r.read(entry.second, path, "reply_bytes", rules.reply_bytes, 0, 1e12);
    std::chrono::milliseconds service{0};
    r.read(entry.second, path, "service_time", service);
    rules.service_s = std::chrono::duration<double>(service).count();
    out[name] = std::move(rules);
  }
}

template <class Config> caf::expected<Config> finish(const config_reader& r, Config cfg) {
  if (r.problems().empty()) return cfg;
  return make_error(errc::config, fmt::format("{}", fmt::join(r.problems(), "\n")));
}

void read_spool(config_reader& r, const YAML::Node& root, spool_config& out) {
  auto spool = r.section(root, "", "spool");
  r.only_keys(spool, "spool",
              {"directory", "max_bytes", "max_age", "when_full", "sync_full", "drain_rate"});
  r.read(spool, "spool", "directory", out.directory);
  r.read(spool, "spool", "max_bytes", out.max_bytes);
  r.read(spool, "spool", "max_age", out.max_age);
  std::string policy;
  r.read_choice(spool, "spool", "when_full", policy, {"drop_oldest", "drop_newest"});
  if (policy == "drop_newest") out.policy = spool_config::when_full::drop_newest;
  r.read(spool, "spool", "sync_full", out.sync_full);
  r.read(spool, "spool", "drain_rate", out.drain_rate, 0, 1e9);
  if (out.max_bytes < 4096) r.fail(spool["max_bytes"], "spool.max_bytes", "must be at least 4096");
  if (out.max_age.count() < 1000) r.fail(spool["max_age"], "spool.max_age", "must be at least 1s");
}

} // namespace

caf::expected<worker_config> load_worker_config(const std::string& path) {
  auto root = parse_file(path);
  if (!root) return root.error();
  config_reader r{path};
  worker_config cfg;
  read_node(
      r, *root,
      {"bind", "request_timeout", "duplicates", "snapshots", "placement", "labels", "plugins"},
      "worker", cfg.node);
  read_placement_link(r, *root, cfg.node.security.curve, cfg.placement);
  read_labels(r, *root, "", "labels", cfg.labels);
  r.read(*root, "", "bind", cfg.bind);
  r.read(*root, "", "request_timeout", cfg.request_timeout);
  // Each hosted logical actor is supervised on its own: no strategy, no handles to hold for.
  read_supervision(r, *root, cfg.supervision, {"intensity", "period", "backoff"});
  auto duplicates = r.section(*root, "", "duplicates");
  r.only_keys(duplicates, "duplicates", {"window", "max_requests"});
  r.read(duplicates, "duplicates", "window", cfg.duplicates.window);
  r.read(duplicates, "duplicates", "max_requests", cfg.duplicates.max_requests, 1, 100'000'000);
  auto snapshots = r.section(*root, "", "snapshots");
  r.only_keys(snapshots, "snapshots", {"every_messages", "interval"});
  r.read(snapshots, "snapshots", "every_messages", cfg.snapshots.every_messages, 0, 100'000'000);
  r.read(snapshots, "snapshots", "interval", cfg.snapshots.interval);
  if (cfg.duplicates.window < cfg.request_timeout)
    r.fail(duplicates.IsDefined() ? duplicates["window"] : *root, "duplicates.window",
           fmt::format("must be at least request_timeout ({} ms): a request still running must "
                       "be recognised when it is resent",
                       cfg.request_timeout.count()));
  if (cfg.bind.rfind("tcp://", 0) != 0 && cfg.bind.rfind("ipc://", 0) != 0)
    r.fail((*root)["bind"], "bind", "expected an endpoint such as tcp://0.0.0.0:5555");
  if (cfg.node.security.curve && cfg.node.security.allow.empty())
    r.fail(*root, "security.allow",
           "is empty: with CURVE on, a worker must list the public keys it accepts");
  return finish(r, std::move(cfg));
}

caf::expected<edge_config> load_edge_config(const std::string& path) {
  auto root = parse_file(path);
  if (!root) return root.error();
  config_reader r{path};
  edge_config cfg;
  read_node(r, *root, {"upstreams", "offload", "pipeline", "spool", "placement", "plugins"}, "edge",
            cfg.node);
  read_placement_link(r, *root, cfg.node.security.curve, cfg.placement);
  read_supervision(r, *root, cfg.supervision,
                   {"strategy", "intensity", "period", "backoff", "max_waiting"});
  read_upstreams(r, *root, cfg.node.security.curve, cfg.upstreams);

  auto offload = r.section(*root, "", "offload");
  r.only_keys(offload, "offload",
              {"retry_interval", "max_pending", "local_fallback", "local_after", "service_times"});
  r.read(offload, "offload", "retry_interval", cfg.offload.retry_interval);
  r.read(offload, "offload", "max_pending", cfg.offload.max_pending, 1, 10'000'000);
  r.read(offload, "offload", "local_fallback", cfg.offload.local_fallback);
  r.read(offload, "offload", "local_after", cfg.offload.local_after);
  auto times = r.section(offload, "offload", "service_times");
  for (const auto& entry : times) {
    auto type = entry.first.IsScalar() ? entry.first.Scalar() : std::string{};
    if (type.empty()) {
      r.fail(entry.second, "offload.service_times", "expected actor type: duration entries");
      continue;
    }
    std::chrono::milliseconds cost{0};
    r.read(times, "offload.service_times", type.c_str(), cost);
    if (cost.count() <= 0)
      r.fail(entry.second, join("offload.service_times", type.c_str()), "must be at least 1ms");
    else
      cfg.offload.service_times[type] = cost;
  }
  if (cfg.offload.retry_interval.count() < 10)
    r.fail(offload["retry_interval"], "offload.retry_interval", "must be at least 10ms");

  detail::read_pipeline(r, (*root)["pipeline"], cfg.node.node_id, cfg.pipeline);
  read_spool(r, *root, cfg.spool);
  for (const auto& node : cfg.pipeline.nodes) {
    const auto* sink = std::get_if<offload_sink_config>(&node.kind);
    if (sink != nullptr && sink->upload && cfg.spool.directory.empty())
      r.fail((*root)["pipeline"]["sinks"][node.name]["upload"],
             fmt::format("pipeline.sinks.{}.upload", node.name),
             "needs a spool: set spool.directory to a directory the agent can write");
  }
  return finish(r, std::move(cfg));
}

caf::expected<placement_config> load_placement_config(const std::string& path) {
  auto root = parse_file(path);
  if (!root) return root.error();
  config_reader r{path};
  placement_config cfg;
  read_node(r, *root,
            {"bind", "policy", "hysteresis", "worker_timeout", "lease", "watch_hold",
             "rebalance_interval", "types", "status_page"},
            "placement", cfg.node);
  r.read(*root, "", "bind", cfg.bind);
  if (cfg.bind.rfind("tcp://", 0) != 0 && cfg.bind.rfind("ipc://", 0) != 0)
    r.fail((*root)["bind"], "bind", "expected an endpoint such as tcp://0.0.0.0:5550");
  r.read_choice(*root, "", "policy", cfg.policy,
                {"round_robin", "least_loaded", "lowest_latency", "cost_model"});
  read_hysteresis(r, *root, cfg.hysteresis);
  r.read(*root, "", "worker_timeout", cfg.worker_timeout);
  r.read(*root, "", "lease", cfg.lease);
  r.read(*root, "", "watch_hold", cfg.watch_hold);
  r.read(*root, "", "rebalance_interval", cfg.rebalance_interval);
  for (auto [key, value, least] :
       {std::tuple{"worker_timeout", cfg.worker_timeout.count(), 100},
        std::tuple{"lease", cfg.lease.count(), 100},
        std::tuple{"watch_hold", cfg.watch_hold.count(), 10},
        std::tuple{"rebalance_interval", cfg.rebalance_interval.count(), 10}})
    if (value < least) r.fail((*root)[key], key, fmt::format("must be at least {}ms", least));
  read_type_constraints(r, *root, cfg.types);
  r.read(*root, "", "status_page", cfg.status_page);
  if (cfg.status_page && cfg.node.metrics_listen.empty())
    r.fail((*root)["status_page"], "status_page",
           "is served on the metrics port: set metrics.listen too");
  if (cfg.node.security.curve && cfg.node.security.allow.empty())
    r.fail(*root, "security.allow",
           "is empty: with CURVE on, the placement service must list the workers' and edges' "
           "public keys");
  return finish(r, std::move(cfg));
}

caf::expected<std::string> config_kind(const std::string& path) {
  auto root = parse_file(path);
  if (!root) return root.error();
  auto kind = (*root)["kind"];
  if (!kind.IsDefined() || !kind.IsScalar())
    return make_error(
        errc::config,
        fmt::format("{}: key 'kind': is required; expected 'edge', 'worker' or 'placement'", path));
  return kind.Scalar();
}

} // namespace kite
