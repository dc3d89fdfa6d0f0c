#include "kite/runtime/config.hpp"

#include <catch2/catch.hpp>

#include "kite/runtime/error.hpp"
#include "temp_dir.hpp"

using namespace std::chrono_literals;

namespace {

constexpr const char* key = "Yne@$w-vo<fVvi]a<NY6T1ed:M$fCG*[IaLV{hID";

/// The smallest pipeline an edge config needs, for tests about its other sections.
constexpr const char* minimal_pipeline =
    "pipeline:\n  sources: {s: {kind: synthetic, to: k}}\n  sinks: {k: {kind: log}}\n";

std::string problems_of(const caf::error& err) {
  return kite::describe(err);
}

} // namespace

TEST_CASE("config: a valid edge config loads with its values and the defaults") {
  kite::test::temp_dir dir;
  auto path = dir.write("edge.yaml", std::string{R"(kind: edge
node_id: robot-7
threads: 3
log: {level: debug}
link:
  heartbeat_interval: 250ms
  reconnect_max: 2s
security:
  secret_key_file: /etc/kite/robot-7.key
upstreams:
  - endpoint: tcp://10.0.0.1:5555
    server_key: ")"} + key + R"("
pipeline:
  sources:
    imu: {kind: synthetic, rate_hz: 12.5, values: 4, count: 100, to: smooth}
  stages:
    smooth: {kind: window, to: cloud}
  sinks:
    cloud: {kind: offload, type: robotics.mapper}
)");
  auto cfg = kite::load_edge_config(path);
  REQUIRE(cfg);
  CHECK(cfg->node.node_id == "robot-7");
  CHECK(cfg->node.threads == 3);
  CHECK(cfg->node.log.level == "debug");
  CHECK(cfg->node.link.heartbeat_interval == 250ms);
  CHECK(cfg->node.link.reconnect_max == 2s);
  CHECK(cfg->node.link.reconnect_min == 100ms); // default
  REQUIRE(cfg->upstreams.size() == 1);
  CHECK(cfg->upstreams[0].endpoint == "tcp://10.0.0.1:5555");
  CHECK(cfg->upstreams[0].server_key == key);
  REQUIRE(cfg->pipeline.nodes.size() == 3);
  const auto& imu = std::get<kite::synthetic_config>(cfg->pipeline.find("imu")->kind);
  CHECK(imu.rate_hz == 12.5);
  CHECK(imu.count == 100);
  CHECK(cfg->pipeline.find("imu")->to == std::vector<std::string>{"smooth"});
  CHECK(std::get<kite::window_config>(cfg->pipeline.find("smooth")->kind).size == 4); // default
  const auto* cloud = cfg->pipeline.find("cloud");
  CHECK(cloud->queue.capacity == 1000); // default
  CHECK(cloud->queue.when_full == kite::overflow_policy::block);
  const auto& target = std::get<kite::offload_sink_config>(cloud->kind);
  CHECK(target.type == "robotics.mapper");
  CHECK(target.key == "robot-7"); // defaults to node_id
  CHECK_FALSE(target.upload);
}

TEST_CASE("config: the edge's local fallback loads, and a bad switch is named with its line") {
  kite::test::temp_dir dir;
  auto edge = [&](const std::string& offload) {
    return dir.write("edge.yaml", "kind: edge\nnode_id: r\nsecurity: {curve: false}\n"
                                  "upstreams: [{endpoint: \"tcp://127.0.0.1:5555\"}]\n"
                                  "offload:\n" +
                                      offload + minimal_pipeline);
  };
  auto defaults = kite::load_edge_config(edge("  retry_interval: 1s\n"));
  REQUIRE(defaults);
  CHECK(defaults->offload.local_fallback);
  CHECK(defaults->offload.local_after == 1s);
  auto set = kite::load_edge_config(edge("  local_fallback: off\n  local_after: 250ms\n"));
  REQUIRE(set);
  CHECK_FALSE(set->offload.local_fallback);
  CHECK(set->offload.local_after == 250ms);
  auto path = edge("  local_fallback: sometimes\n");
  auto bad = kite::load_edge_config(path);
  REQUIRE_FALSE(bad);
  CHECK(problems_of(bad.error()) ==
        path + ":6:19: key 'offload.local_fallback': expected true or false, got 'sometimes'");
}

TEST_CASE("config: the edge's declared service times load, and a zero one is named with its line") {
  kite::test::temp_dir dir;
  auto edge = [&](const std::string& times) {
    return dir.write("edge.yaml", "kind: edge\nnode_id: r\nsecurity: {curve: false}\n"
                                  "upstreams: [{endpoint: \"tcp://127.0.0.1:5555\"}]\n"
                                  "offload:\n  service_times:\n" +
                                      times + minimal_pipeline);
  };
  auto set = kite::load_edge_config(edge("    kite.summarize: 10ms\n    kite.echo: 1s\n"));
  REQUIRE(set);
  CHECK(set->offload.service_times.at("kite.summarize") == 10ms);
  CHECK(set->offload.service_times.at("kite.echo") == 1000ms);
  auto path = edge("    kite.summarize: 0ms\n");
  auto bad = kite::load_edge_config(path);
  REQUIRE_FALSE(bad);
  CHECK(problems_of(bad.error()) ==
        path + ":7:21: key 'offload.service_times.kite.summarize': must be at least 1ms");
}

TEST_CASE("config: metrics.listen loads, and one without a port is named with its line") {
  kite::test::temp_dir dir;
  auto worker = [&](const std::string& listen) {
    return dir.write("worker.yaml", "kind: worker\nnode_id: w\nsecurity: {curve: false}\n"
                                    "metrics:\n  listen: " +
                                        listen + "\n");
  };
  auto cfg = kite::load_worker_config(worker("0.0.0.0:9464"));
  REQUIRE(cfg);
  CHECK(cfg->node.metrics_listen == "0.0.0.0:9464");
  for (auto listen : {"localhost", "127.0.0.1:notaport", "127.0.0.1:70000", "a:1,b:2"}) {
    auto path = worker(listen);
    auto bad = kite::load_worker_config(path);
    REQUIRE_FALSE(bad);
    CHECK(problems_of(bad.error()) ==
          path + ":5:11: key 'metrics.listen': expected host:port with a port from 0 to 65535, "
                 "such as 127.0.0.1:9464");
  }
}

TEST_CASE("config: an unknown key is an error that suggests the nearest valid key") {
  kite::test::temp_dir dir;
  auto path = dir.write("worker.yaml", "kind: worker\nnode_id: w\nsecurity: {curve: false}\n"
                                       "link:\n  heartbeat_intervall: 5s\n");
  auto cfg = kite::load_worker_config(path);
  REQUIRE_FALSE(cfg);
  CHECK(problems_of(cfg.error()) ==
        path + ":5:3: key 'link.heartbeat_intervall': unknown key; did you mean "
               "'heartbeat_interval'?");
}

TEST_CASE("config: a worker's duplicate window loads, with defaults and bounds") {
  kite::test::temp_dir dir;
  auto plain = "kind: worker\nnode_id: w\nsecurity: {curve: false}\n";
  auto defaults = kite::load_worker_config(dir.write("a.yaml", plain));
  REQUIRE(defaults);
  CHECK(defaults->duplicates.window == 10s);
  CHECK(defaults->duplicates.max_requests == 100000);
  CHECK(defaults->snapshots.every_messages == 100);
  CHECK(defaults->snapshots.interval == 5s);
  auto set = kite::load_worker_config(
      dir.write("b.yaml", std::string{plain} + "duplicates: {window: 30s, max_requests: 5000}\n"
                                               "snapshots: {every_messages: 0, interval: 1s}\n"));
  REQUIRE(set);
  CHECK(set->duplicates.window == 30s);
  CHECK(set->duplicates.max_requests == 5000);
  CHECK(set->snapshots.every_messages == 0);
  CHECK(set->snapshots.interval == 1s);
  auto short_window = kite::load_worker_config(dir.write(
      "d.yaml", std::string{plain} + "request_timeout: 20s\nduplicates: {window: 10s}\n"));
  REQUIRE_FALSE(short_window);
  CHECK_THAT(problems_of(short_window.error()),
             Catch::Contains("key 'duplicates.window': must be at least request_timeout"));
  auto zero = kite::load_worker_config(
      dir.write("c.yaml", std::string{plain} + "duplicates: {max_requests: 0}\n"));
  REQUIRE_FALSE(zero);
  CHECK_THAT(problems_of(zero.error()), Catch::Contains("c.yaml:4:28: key "
                                                        "'duplicates.max_requests'"));
}

TEST_CASE("config: every problem is reported at once, each with file, line and key") {
  kite::test::temp_dir dir;
  auto path = dir.write("worker.yaml", "kind: worker\n"
                                       "node_id: w\n"
                                       "threads: 0\n"
                                       "request_timeout: 5 seconds\n"
                                       "bind: localhost:5555\n"
                                       "security:\n"
                                       "  secret_key_file: w.key\n"
                                       "  allow: [short]\n");
  auto text = problems_of(kite::load_worker_config(path).error());
  CHECK_THAT(text, Catch::Contains(path + ":3:10: key 'threads': expected a whole number from 1 "
                                          "to 256, got '0'"));
  CHECK_THAT(text, Catch::Contains(path + ":4:18: key 'request_timeout': expected a duration "
                                          "such as 250ms, 2s, 1m or 24h"));
  CHECK_THAT(text, Catch::Contains(path + ":5:7: key 'bind': expected an endpoint"));
  CHECK_THAT(text, Catch::Contains(path + ":8:11: key 'security.allow[0]': expected a "
                                          "40-character Z85 public key"));
}

TEST_CASE("config: the kind must match and CURVE needs a secret key file") {
  kite::test::temp_dir dir;
  auto edge_as_worker = dir.write("a.yaml", "kind: edge\nnode_id: e\n");
  CHECK_THAT(problems_of(kite::load_worker_config(edge_as_worker).error()),
             Catch::Contains("this is a 'edge' config, but a 'worker' config was expected"));
  auto no_kind = dir.write("b.yaml", "node_id: w\n");
  CHECK_THAT(problems_of(kite::load_worker_config(no_kind).error()),
             Catch::Contains("key 'kind': is required and missing"));
  auto no_secret = dir.write("c.yaml", "kind: worker\nnode_id: w\n");
  CHECK_THAT(problems_of(kite::load_worker_config(no_secret).error()),
             Catch::Contains("key 'security.secret_key_file': is required while security.curve "
                             "is true"));
}

TEST_CASE("config: YAML syntax errors and missing files name the file") {
  kite::test::temp_dir dir;
  auto broken = dir.write("broken.yaml", "kind: worker\nbind: [oops\n");
  CHECK_THAT(problems_of(kite::load_worker_config(broken).error()),
             Catch::StartsWith(broken + ":3:1: YAML syntax error"));
  CHECK_THAT(problems_of(kite::load_worker_config(dir.path() + "/none.yaml").error()),
             Catch::EndsWith("none.yaml: cannot open the config file"));
  auto kind = kite::config_kind(dir.write("k.yaml", "kind: worker\n"));
  REQUIRE(kind);
  CHECK(*kind == "worker");
}

TEST_CASE("config: supervision settings load, and bad ones are named with their line") {
  kite::test::temp_dir dir;
  auto good = dir.write("edge.yaml", R"(kind: edge
node_id: e
security: {curve: false}
upstreams: [{endpoint: "tcp://127.0.0.1:5555"}]
supervision:
  strategy: rest_for_one
  intensity: 7
  period: 30s
  backoff: {initial: 5ms, max: 2s, jitter: 0.5}
)" + std::string{minimal_pipeline});
  auto cfg = kite::load_edge_config(good);
  REQUIRE(cfg);
  const auto& sup = cfg->supervision;
  CHECK(sup.strategy == kite::restart_strategy::rest_for_one);
  CHECK(sup.intensity == 7);
  CHECK(sup.period == 30s);
  CHECK(sup.backoff.initial == 5ms);
  CHECK(sup.backoff.max == 2s);
  CHECK(sup.backoff.jitter == 0.5);
  CHECK(sup.max_waiting == 1000); // default

  auto bad = dir.write("bad.yaml", R"(kind: edge
node_id: e
security: {curve: false}
upstreams: [{endpoint: "tcp://127.0.0.1:5555"}]
supervision:
  strategy: one_for_al
  backoff: {initial: 2s, max: 1s, jitter: 2}
)");
  auto err = kite::load_edge_config(bad);
  REQUIRE_FALSE(err);
  auto text = problems_of(err.error());
  CHECK_THAT(text, Catch::Contains("bad.yaml:6:13: key 'supervision.strategy': expected one of "
                                   "one_for_one, one_for_all, rest_for_one, got 'one_for_al' "
                                   "(did you mean 'one_for_all'?)"));
  CHECK_THAT(text, Catch::Contains("key 'supervision.backoff.jitter'"));
  CHECK_THAT(text, Catch::Contains(
                       "key 'supervision.backoff.max': must not be less than backoff.initial"));
}
