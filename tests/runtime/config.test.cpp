#include "kite/runtime/config.hpp"

#include <catch2/catch.hpp>
#include <fmt/format.h>

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

TEST_CASE("config: workers and edges list plugins; an empty path is named with its line") {
  kite::test::temp_dir dir;
  auto plain = std::string{"node_id: n\nsecurity: {curve: false}\n"};
  auto worker = kite::load_worker_config(
      dir.write("w.yaml", "kind: worker\n" + plain + "plugins: [/opt/a.so, b.so]\n"));
  REQUIRE(worker);
  CHECK(worker->node.plugins == std::vector<std::string>{"/opt/a.so", "b.so"});
  auto empty = dir.write("e.yaml", "kind: worker\n" + plain + "plugins: [a.so, \"\"]\n");
  auto bad = kite::load_worker_config(empty);
  REQUIRE_FALSE(bad);
  CHECK(problems_of(bad.error()) ==
        empty + ":4:17: key 'plugins[1]': expected the path of an actor plugin (.so)");
  // The placement service hosts no actors.
  auto placement = kite::load_placement_config(
      dir.write("p.yaml", "kind: placement\n" + plain + "plugins: [a.so]\n"));
  REQUIRE_FALSE(placement);
  CHECK_THAT(problems_of(placement.error()), Catch::Contains("key 'plugins': unknown key"));
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

namespace {

/// An edge config whose pipeline section is `pipeline` (and anything after it), on line 5.
std::string edge_with(const std::string& pipeline) {
  return "kind: edge\nnode_id: e\nsecurity: {curve: false}\n"
         "upstreams: [{endpoint: \"tcp://127.0.0.1:5555\"}]\n" +
         pipeline;
}

} // namespace

TEST_CASE("config: a stage fed items it cannot take is named with its line and its feeder") {
  kite::test::temp_dir dir;
  auto path = dir.write("edge.yaml", edge_with(R"(pipeline:
  sources:
    imu: {kind: synthetic, to: smooth}
  stages:
    smooth: {kind: window, to: pack}
    pack: {kind: batcher, to: out}
  sinks:
    out: {kind: log}
)"));
  auto cfg = kite::load_edge_config(path);
  REQUIRE_FALSE(cfg);
  CHECK(problems_of(cfg.error()) == path + ":10:18: key 'pipeline.stages.pack': a batcher stage "
                                           "takes samples, but 'smooth' sends it features");
}

TEST_CASE("config: an offload stage passes on the answers it declares, and they are type-checked") {
  kite::test::temp_dir dir;
  auto ok = kite::load_edge_config(dir.write("ok.yaml", edge_with(R"(pipeline:
  sources:
    imu: {kind: synthetic, to: ask}
  stages:
    ask: {kind: offload, type: robotics.mapper, answers: samples, to: smooth}
    smooth: {kind: window, to: out}
  sinks:
    out: {kind: log}
)")));
  REQUIRE(ok);
  const auto* ask = ok->pipeline.find("ask");
  REQUIRE(ask != nullptr);
  CHECK(ask->part == kite::pipeline_node::role::stage);
  CHECK(std::get<kite::offload_sink_config>(ask->kind).answers == "kite.sensor_sample");

  auto path = dir.write("bad.yaml", edge_with(R"(pipeline:
  sources:
    imu: {kind: synthetic, to: [ask, tell]}
  stages:
    ask: {kind: offload, type: robotics.mapper, to: pack}
    judge: {kind: offload, type: robotics.judge, answers: alarms, to: pack}
    pack: {kind: batcher, to: out}
  sinks:
    tell: {kind: offload, type: robotics.mapper, answers: samples}
    out: {kind: log}
)"));
  auto bad = kite::load_edge_config(path);
  REQUIRE_FALSE(bad);
  auto text = problems_of(bad.error());
  CHECK_THAT(text, Catch::Contains(path + ":9:10: key 'pipeline.stages.ask.answers': is required "
                                          "for an offload stage: the answers it passes on, one "
                                          "of samples, features, alarms, batches"));
  CHECK_THAT(text, Catch::Contains("key 'pipeline.sinks.tell.answers': only an offload stage "
                                   "passes answers on"));
  CHECK_THAT(text, Catch::Contains("nothing sends to it"));
}

TEST_CASE("config: a stage fed two kinds of items is an error naming both feeders") {
  kite::test::temp_dir dir;
  auto path = dir.write("edge.yaml", edge_with(R"(pipeline:
  sources:
    imu: {kind: synthetic, to: [smooth, thin]}
  stages:
    smooth: {kind: window, to: thin}
    thin: {kind: downsample, to: out}
  sinks:
    out: {kind: log}
)"));
  auto cfg = kite::load_edge_config(path);
  REQUIRE_FALSE(cfg);
  auto text = problems_of(cfg.error());
  CHECK_THAT(text, Catch::Contains(path + ":10:11: key 'pipeline.stages.thin': takes "));
  CHECK_THAT(text, Catch::Contains("samples from 'imu'"));
  CHECK_THAT(text, Catch::Contains("features from 'smooth'"));
}

TEST_CASE("config: a cycle between two stages is reported") {
  kite::test::temp_dir dir;
  auto path = dir.write("edge.yaml", edge_with(R"(pipeline:
  sources:
    imu: {kind: synthetic, to: a}
  stages:
    a: {kind: filter, min: 0, to: [b, out]}
    b: {kind: downsample, to: a}
  sinks:
    out: {kind: log}
)"));
  auto cfg = kite::load_edge_config(path);
  REQUIRE_FALSE(cfg);
  CHECK(problems_of(cfg.error()) ==
        path + ":9:8: key 'pipeline.stages.a': is part of a cycle: items must flow from sources "
               "to sinks");
}

TEST_CASE("config: an unknown `to:` name is an error that suggests the nearest node") {
  kite::test::temp_dir dir;
  auto path = dir.write("edge.yaml", edge_with(R"(pipeline:
  sources:
    imu: {kind: synthetic, to: smooth}
  stages:
    smooth: {kind: window, to: [clod]}
  sinks:
    cloud: {kind: log}
)"));
  auto cfg = kite::load_edge_config(path);
  REQUIRE_FALSE(cfg);
  auto text = problems_of(cfg.error());
  CHECK_THAT(text, Catch::Contains(path + ":9:32: key 'pipeline.stages.smooth.to': no stage or "
                                          "sink is called 'clod'; did you mean 'cloud'?"));
  // Far from every name: no suggestion.
  auto far = dir.write("far.yaml", edge_with("pipeline:\n"
                                             "  sources: {imu: {kind: synthetic, to: warehouse}}\n"
                                             "  sinks: {k: {kind: log}}\n"));
  auto far_cfg = kite::load_edge_config(far);
  REQUIRE_FALSE(far_cfg);
  auto far_text = problems_of(far_cfg.error());
  CHECK_THAT(far_text, Catch::Contains("key 'pipeline.sources.imu.to': no stage or sink is called "
                                       "'warehouse'"));
  CHECK_THAT(far_text, !Catch::Contains("did you mean"));
}

TEST_CASE("config: an upload sink needs spool.directory") {
  kite::test::temp_dir dir;
  auto pipeline = std::string{R"(pipeline:
  sources:
    imu: {kind: synthetic, to: cloud}
  sinks:
    cloud: {kind: offload, type: kite.summarize, upload: true}
)"};
  auto path = dir.write("edge.yaml", edge_with(pipeline));
  auto cfg = kite::load_edge_config(path);
  REQUIRE_FALSE(cfg);
  CHECK(problems_of(cfg.error()) ==
        path + ":9:58: key 'pipeline.sinks.cloud.upload': needs a spool: set spool.directory to "
               "a directory the agent can write");
  auto spooled = kite::load_edge_config(
      dir.write("spooled.yaml", edge_with(pipeline + "spool: {directory: " + dir.path() + "}\n")));
  REQUIRE(spooled);
  CHECK(spooled->spool.directory == dir.path());
  CHECK(std::get<kite::offload_sink_config>(spooled->pipeline.find("cloud")->kind).upload);
}

TEST_CASE("config: a node name used twice in the pipeline is an error") {
  kite::test::temp_dir dir;
  auto path = dir.write("edge.yaml", edge_with(R"(pipeline:
  sources:
    imu: {kind: synthetic, to: x}
  stages:
    x: {kind: downsample, to: out}
  sinks:
    out: {kind: log}
    x: {kind: log}
)"));
  auto cfg = kite::load_edge_config(path);
  REQUIRE_FALSE(cfg);
  CHECK(problems_of(cfg.error()) ==
        path + ":12:5: key 'pipeline.sinks.x': the name 'x' is used twice in the pipeline");
  auto same_section = dir.write("same.yaml", edge_with(R"(pipeline:
  sources:
    imu: {kind: synthetic, to: out}
  sinks:
    out: {kind: log}
    out: {kind: file, path: /tmp/out.txt}
)"));
  auto twice = kite::load_edge_config(same_section);
  REQUIRE_FALSE(twice);
  CHECK_THAT(problems_of(twice.error()),
             Catch::Contains(same_section +
                             ":10:5: key 'pipeline.sinks.out': the name 'out' is used twice"));
}

TEST_CASE("config: a node name YAML reads as nothing, or that is no plain word, is an error") {
  kite::test::temp_dir dir;
  for (auto name : {"null", "~", "\"\"", "../up", "[a]"}) {
    INFO(name);
    auto path = dir.write("edge.yaml", edge_with(fmt::format(R"(pipeline:
  sources:
    imu: {{kind: synthetic, to: out}}
  sinks:
    out: {{kind: log}}
    {}: {{kind: log}}
)",
                                                             name)));
    auto cfg = kite::load_edge_config(path);
    REQUIRE_FALSE(cfg);
    CHECK_THAT(problems_of(cfg.error()),
               Catch::Contains("cannot name a node: use letters, digits, '_', '-' and '.'"));
  }
}

TEST_CASE("config: a to: list naming a node twice, and an upload sink with more than 1000 in "
          "flight, are errors") {
  kite::test::temp_dir dir;
  auto path = dir.write("edge.yaml", edge_with(R"(pipeline:
  sources:
    imu: {kind: synthetic, to: [out, out]}
  sinks:
    out: {kind: offload, type: t, upload: true, max_in_flight: 5000}
spool: {directory: /var/lib/kite}
)"));
  auto cfg = kite::load_edge_config(path);
  REQUIRE_FALSE(cfg);
  auto text = problems_of(cfg.error());
  CHECK_THAT(text, Catch::Contains("key 'pipeline.sources.imu.to': names 'out' twice"));
  CHECK_THAT(text, Catch::Contains("key 'pipeline.sinks.out.max_in_flight': must be at most 1000 "
                                   "for an upload sink"));
}

TEST_CASE("config: every kind of source, stage and sink loads with its settings") {
  kite::test::temp_dir dir;
  auto path = dir.write("edge.yaml", edge_with(R"(pipeline:
  queue: {capacity: 50, when_full: drop_newest}
  sources:
    gen: {kind: synthetic, rate_hz: 20, values: 3, count: 7, seed: 42, pattern: ramp, to: pass}
    rec: {kind: replay, file: /data/imu.csv, speed: 2, loop: true, to: pass}
    raw: {kind: replay, file: /data/imu.rec, speed: 0, to: pass}
    net: {kind: udp, listen: "127.0.0.1:7400", to: pass}
  stages:
    pass:
      kind: filter
      channel: 1
      min: -1
      max: 1.5
      to: thin
      queue: {capacity: 5, when_full: drop_oldest}
    thin: {kind: downsample, every: 3, to: [smooth, pack]}
    smooth: {kind: window, size: 8, channel: 2, to: hot}
    hot: {kind: threshold, statistic: max, below: -0.5, hysteresis: 0.25, to: [alarms, save, sim]}
    pack: {kind: batcher, size: 20, max_delay: 250ms, to: cloud}
  sinks:
    alarms: {kind: log, level: warn}
    save: {kind: file, path: /tmp/alarms.txt}
    sim: {kind: udp_send, target: "[::1]:7401"}
    cloud:
      kind: offload
      type: kite.summarize
      key: arm
      keys: 4
      upload: true
      max_in_flight: 9
      queue: {when_full: block}
spool: {directory: /var/lib/kite}
)"));
  auto cfg = kite::load_edge_config(path);
  REQUIRE(cfg);
  const auto& p = cfg->pipeline;
  std::vector<std::string> kinds;
  for (const auto& node : p.nodes)
    kinds.push_back(node.name + ":" + kite::kind_name(node.kind));
  CHECK(kinds == std::vector<std::string>{"gen:synthetic", "rec:replay", "raw:replay", "net:udp",
                                          "pass:filter", "thin:downsample", "smooth:window",
                                          "hot:threshold", "pack:batcher", "alarms:log",
                                          "save:file", "sim:udp_send", "cloud:offload"});

  const auto& gen = std::get<kite::synthetic_config>(p.find("gen")->kind);
  CHECK(gen.rate_hz == 20);
  CHECK(gen.values == 3);
  CHECK(gen.count == 7);
  CHECK(gen.seed == 42);
  CHECK(gen.pattern == kite::synthetic_config::shape::ramp);
  const auto& rec = std::get<kite::replay_config>(p.find("rec")->kind);
  CHECK(rec.file == "/data/imu.csv");
  CHECK(rec.encoding == kite::replay_config::format::csv); // by the extension
  CHECK(rec.speed == 2);
  CHECK(rec.loop);
  const auto& raw = std::get<kite::replay_config>(p.find("raw")->kind);
  CHECK(raw.encoding == kite::replay_config::format::binary);
  CHECK(raw.speed == 0);
  CHECK_FALSE(raw.loop);
  CHECK(std::get<kite::udp_config>(p.find("net")->kind).listen == "127.0.0.1:7400");
  CHECK(p.inputs_of("pass") == std::vector<std::string>{"gen", "rec", "raw", "net"});

  const auto& pass = std::get<kite::filter_config>(p.find("pass")->kind);
  CHECK(pass.value.channel == 1u);
  CHECK_FALSE(pass.value.channels);
  CHECK(pass.value.reduce == kite::value_selector::statistic::mean); // default
  CHECK(pass.min == -1);
  CHECK(pass.max == 1.5);
  CHECK(std::get<kite::downsample_config>(p.find("thin")->kind).every == 3);
  CHECK(p.find("thin")->to == std::vector<std::string>{"smooth", "pack"});
  const auto& smooth = std::get<kite::window_config>(p.find("smooth")->kind);
  CHECK(smooth.size == 8);
  CHECK(smooth.channel == 2u);
  const auto& hot = std::get<kite::threshold_config>(p.find("hot")->kind);
  CHECK(hot.value.of_feature == kite::value_selector::statistic::max);
  CHECK_FALSE(hot.value.channel);
  CHECK_FALSE(hot.above);
  CHECK(hot.below == -0.5);
  CHECK(hot.hysteresis == 0.25);
  const auto& pack = std::get<kite::batcher_config>(p.find("pack")->kind);
  CHECK(pack.size == 20);
  CHECK(pack.max_delay == 250ms);

  CHECK(std::get<kite::log_sink_config>(p.find("alarms")->kind).level == "warn");
  CHECK(std::get<kite::file_sink_config>(p.find("save")->kind).path == "/tmp/alarms.txt");
  CHECK(std::get<kite::udp_send_config>(p.find("sim")->kind).target == "[::1]:7401");
  const auto& cloud = std::get<kite::offload_sink_config>(p.find("cloud")->kind);
  CHECK(cloud.type == "kite.summarize");
  CHECK(cloud.key == "arm");
  CHECK(cloud.keys == 4);
  CHECK(cloud.upload);
  CHECK(cloud.max_in_flight == 9);
  CHECK(p.find("cloud")->to.empty());

  // The pipeline's queue is every node's default; a node's own settings override it, key by key.
  auto policy = [&](const char* name) { return kite::policy_name(p.find(name)->queue.when_full); };
  CHECK(p.find("pass")->queue.capacity == 5);
  CHECK(policy("pass") == "drop_oldest");
  CHECK(p.find("thin")->queue.capacity == 50);
  CHECK(policy("thin") == "drop_newest");
  CHECK(p.find("cloud")->queue.capacity == 50);
  CHECK(policy("cloud") == "block");
}

TEST_CASE("config: a filter or threshold reads a range of channels and how to reduce them") {
  kite::test::temp_dir dir;
  auto path = dir.write("edge.yaml", edge_with(R"(pipeline:
  sources:
    lidar: {kind: synthetic, values: 363, to: [near, calm]}
  stages:
    near: {kind: threshold, channels: [150, 210], reduce: min, below: 0.35, to: out}
    calm: {kind: filter, reduce: max, max: 2, to: out}
  sinks:
    out: {kind: log}
)"));
  auto cfg = kite::load_edge_config(path);
  REQUIRE(cfg);
  const auto& near = std::get<kite::threshold_config>(cfg->pipeline.find("near")->kind).value;
  CHECK_FALSE(near.channel);
  REQUIRE(near.channels);
  CHECK(near.channels->first == 150);
  CHECK(near.channels->last == 210);
  CHECK(near.reduce == kite::value_selector::statistic::min);
  CHECK(near.of_feature == kite::value_selector::statistic::mean);
  const auto& calm = std::get<kite::filter_config>(cfg->pipeline.find("calm")->kind).value;
  CHECK_FALSE(calm.channel);
  CHECK_FALSE(calm.channels); // all channels
  CHECK(calm.reduce == kite::value_selector::statistic::max);
}

TEST_CASE("config: channels given with channel, backwards, or not as two indices is named with "
          "its line") {
  kite::test::temp_dir dir;
  auto path = dir.write("edge.yaml", edge_with(R"(pipeline:
  sources:
    lidar: {kind: synthetic, to: [both, back, three, word, how]}
  stages:
    both: {kind: filter, channel: 3, channels: [1, 4], min: 0, to: out}
    back: {kind: filter, channels: [210, 150], min: 0, to: out}
    three: {kind: threshold, channels: [1, 2, 3], above: 1, to: out}
    word: {kind: threshold, channels: [1, last], above: 1, to: out}
    how: {kind: threshold, reduce: median, above: 1, to: out}
  sinks:
    out: {kind: log}
)"));
  auto cfg = kite::load_edge_config(path);
  REQUIRE_FALSE(cfg);
  auto text = problems_of(cfg.error());
  CHECK_THAT(text, Catch::Contains(path + ":9:48: key 'pipeline.stages.both.channels': set "
                                          "channel or channels, not both"));
  CHECK_THAT(text, Catch::Contains(path + ":10:36: key 'pipeline.stages.back.channels': the "
                                          "first channel (210) must not come after the last "
                                          "(150)"));
  CHECK_THAT(text, Catch::Contains(path + ":11:40: key 'pipeline.stages.three.channels': "
                                          "expected [first, last]: two channel indices"));
  CHECK_THAT(text, Catch::Contains(path + ":12:43: key 'pipeline.stages.word.channels[1]': "
                                          "expected a whole number from 0 to 1000000, got "
                                          "'last'"));
  CHECK_THAT(text, Catch::Contains(path + ":13:36: key 'pipeline.stages.how.reduce': expected "
                                          "one of mean, min, max, got 'median'"));
}

TEST_CASE("config: a udp_send sink needs a target host:port, and a bad one is named with its "
          "line") {
  kite::test::temp_dir dir;
  auto path = dir.write("edge.yaml", edge_with(R"(pipeline:
  sources:
    imu: {kind: synthetic, to: [none, bare, v6, zero]}
  sinks:
    none: {kind: udp_send}
    bare: {kind: udp_send, target: localhost}
    v6: {kind: udp_send, target: "::1:7400"}
    zero: {kind: udp_send, target: "127.0.0.1:0"}
)"));
  auto cfg = kite::load_edge_config(path);
  REQUIRE_FALSE(cfg);
  auto text = problems_of(cfg.error());
  CHECK_THAT(text, Catch::Contains(path + ":9:11: key 'pipeline.sinks.none.target': is required "
                                          "and missing"));
  CHECK_THAT(text,
             Catch::Contains(path + ":10:36: key 'pipeline.sinks.bare.target': expected host:port "
                                    "with a port from 1 to 65535, such as 127.0.0.1:7400 or "
                                    "[::1]:7400, got 'localhost'"));
  CHECK_THAT(text, Catch::Contains(path + ":11:34: key 'pipeline.sinks.v6.target': expected "
                                          "host:port"));
  CHECK_THAT(text, Catch::Contains(path + ":12:36: key 'pipeline.sinks.zero.target': expected "
                                          "host:port"));
}

TEST_CASE("config: spool settings load, and without them the defaults hold") {
  kite::test::temp_dir dir;
  auto set = kite::load_edge_config(dir.write("set.yaml", edge_with(std::string{minimal_pipeline} +
                                                                    R"(spool:
  directory: /var/lib/kite
  max_bytes: 8192
  max_age: 2h
  when_full: drop_newest
  sync_full: true
  drain_rate: 0
)")));
  REQUIRE(set);
  CHECK(set->spool.directory == "/var/lib/kite");
  CHECK(set->spool.max_bytes == 8192);
  CHECK(set->spool.max_age == 2h);
  CHECK(set->spool.policy == kite::spool_config::when_full::drop_newest);
  CHECK(set->spool.sync_full);
  CHECK(set->spool.drain_rate == 0);

  auto defaults = kite::load_edge_config(dir.write("defaults.yaml", edge_with(minimal_pipeline)));
  REQUIRE(defaults);
  CHECK(defaults->spool.directory.empty());
  CHECK(defaults->spool.max_bytes == 64ull * 1024 * 1024);
  CHECK(defaults->spool.max_age == 24h);
  CHECK(defaults->spool.policy == kite::spool_config::when_full::drop_oldest);
  CHECK_FALSE(defaults->spool.sync_full);
  CHECK(defaults->spool.drain_rate == 1000);

  auto small = dir.write("small.yaml", edge_with(std::string{minimal_pipeline} +
                                                 "spool: {max_bytes: 100, max_age: 10ms}\n"));
  auto bad = kite::load_edge_config(small);
  REQUIRE_FALSE(bad);
  auto text = problems_of(bad.error());
  CHECK_THAT(text, Catch::Contains(small + ":8:20: key 'spool.max_bytes': must be at least 4096"));
  CHECK_THAT(text, Catch::Contains(small + ":8:34: key 'spool.max_age': must be at least 1s"));
}
