// The Grafana dashboard (deploy/grafana/kite-dashboard.json) against a live cluster: Debian's
// Prometheus scrapes a placement service, two workers and an edge that uploads through its
// spool and whose actors moved, and every query of every panel, run as Grafana would run it,
// must return data. A panel over a misspelt metric or label, or over a family no node serves,
// fails here instead of showing "No data" to an operator.
#include <catch2/catch.hpp>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <regex>
#include <set>
#include <thread>

#include <fmt/format.h>

#include "../runtime/http_get.hpp"
#include "../runtime/json_value.hpp"
#include "loopback_cluster.hpp"
#include "ops_port.hpp"
#include "proxied_workers.hpp"

using namespace std::chrono_literals;
using namespace kite::test;

namespace {

/// One query the dashboard makes: a panel target's `expr`, or a template variable's.
struct dashboard_query {
  std::string panel;
  std::string expr;
};

/// Every panel target's query, also of panels inside collapsed rows.
void collect_targets(const json_value& panels, std::vector<dashboard_query>& out) {
  for (const auto& panel : panels.items) {
    if (panel["type"].text == "row") {
      collect_targets(panel["panels"], out);
      continue;
    }
    INFO("panel '" << panel["title"].text << "'");
    // Each panel asks the dashboard's datasource variable, so an import picks the server.
    CHECK(panel["datasource"]["uid"].text == "${datasource}");
    REQUIRE_FALSE(panel["targets"].items.empty());
    for (const auto& target : panel["targets"].items)
      out.push_back({panel["title"].text, target["expr"].text});
  }
}

/// The PromQL behind each `label_values(selector, label)` variable: its selector, which must
/// match series (each scraped one carries `job` and `instance`).
void collect_variables(const json_value& templating, std::vector<dashboard_query>& out) {
  static const std::regex label_values{R"(label_values\((.+),\s*(\w+)\))"};
  for (const auto& variable : templating["list"].items) {
    if (variable["type"].text != "query") continue;
    std::smatch match;
    auto definition = variable["definition"].text;
    INFO("variable '" << variable["name"].text << "': " << definition);
    REQUIRE(std::regex_match(definition, match, label_values));
    out.push_back({"variable " + variable["name"].text, match[1].str()});
  }
}

/// `expr` with the dashboard's variables as Grafana fills them when "All" is chosen. The rate
/// window spans ten of the test's 1 s scrapes, where Grafana's $__rate_interval is at least
/// four scrape intervals.
std::string substitute(std::string expr) {
  for (const auto& [variable, value] : {std::pair{"$__rate_interval", "10s"},
                                        std::pair{"$job", ".*"}, std::pair{"$instance", ".*"}})
    for (auto at = expr.find(variable); at != std::string::npos; at = expr.find(variable))
      expr.replace(at, std::string{variable}.size(), value);
  return expr;
}

/// `text` percent-encoded for a query string: PromQL's braces, quotes and spaces included.
std::string url_encoded(const std::string& text) {
  std::string out;
  for (unsigned char c : text)
    out += std::isalnum(c) != 0 || c == '-' || c == '_' || c == '.' || c == '~'
               ? std::string(1, static_cast<char>(c))
               : fmt::format("%{:02X}", c);
  return out;
}

/// A port free now on 127.0.0.1, for Prometheus, which cannot report one it picked itself.
int free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0);
  REQUIRE(::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0);
  ::close(fd);
  return ntohs(addr.sin_port);
}

/// The body of Prometheus's answer to GET `path`, after its status line when that is not 200
/// (a 400's body says what is wrong with a query).
std::string prometheus_get(int port, const std::string& path) {
  auto answer = http_get(port, path);
  auto body = answer.find("\r\n\r\n");
  if (body == std::string::npos) return "no answer";
  if (answer.rfind("HTTP/1.0 200", 0) == 0) return answer.substr(body + 4);
  return answer.substr(0, answer.find('\r')) + ": " + answer.substr(body + 4);
}

/// `body` as JSON whose status is success; a null value otherwise.
json_value success(const std::string& body) {
  if (body.empty() || body[0] != '{') return {};
  auto answer = parse_json(body);
  return answer["status"].text == "success" ? answer : json_value{};
}

/// Whether an instant query's answer holds a sample with a finite value: Grafana draws NaN,
/// as histogram_quantile gives over buckets that did not move, as a gap.
bool has_finite_sample(const std::string& body) {
  auto answer = success(body);
  if (answer.type == json_value::kind::null) return false;
  for (const auto& series : answer["data"]["result"].items)
    if (std::isfinite(std::strtod(series["value"][1].text.c_str(), nullptr))) return true;
  return false;
}

/// The metric names in `expr`, histograms' series named by their family.
std::set<std::string> families_in(const std::string& expr) {
  static const std::regex name{R"(\b(kite|process)_[a-z_]+)"};
  static const std::regex histogram_suffix{"_(bucket|count|sum)$"};
  std::set<std::string> out;
  for (std::sregex_iterator i{expr.begin(), expr.end(), name}, end; i != end; ++i)
    out.insert(std::regex_replace(i->str(), histogram_suffix, ""));
  return out;
}

/// Quick rebalancing, so the move shows within seconds.
constexpr const char* placement_settings = R"(metrics: { listen: "127.0.0.1:0" }
rebalance_interval: 100ms
worker_timeout: 2s
hysteresis: { min_gain: 2ms, min_gain_ratio: 0.2, sustain: 500ms, max_moves_per_s: 100 }
)";

} // namespace

TEST_CASE("every query of the Grafana dashboard returns data from a live cluster, scraped by "
          "Prometheus") {
  if (::access(KITE_PROMETHEUS, X_OK) != 0)
    FAIL(KITE_PROMETHEUS << " is missing: install Debian's prometheus (scripts/test does, from "
                            "scripts/lib/common.sh), or point -DKITE_PROMETHEUS at one");
  auto dashboard = parse_json(read_file(KITE_GRAFANA_DASHBOARD));
  CHECK(dashboard["schemaVersion"].number >= 36);
  std::vector<dashboard_query> queries;
  collect_targets(dashboard["panels"], queries);
  collect_variables(dashboard["templating"], queries);
  for (const auto& query : queries) {
    INFO("panel '" << query.panel << "': " << query.expr);
    // A variable this test does not fill would reach Prometheus as a syntax error.
    REQUIRE(substitute(query.expr).find('$') == std::string::npos);
  }

  loopback_cluster cluster;
  cluster.start_placement(2, placement_settings);
  // Workers at 2 and 20 ms RTT: the actors start on the near one, and move when it turns far.
  const std::string with_metrics = "metrics: {listen: \"127.0.0.1:0\"}";
  auto proxies = start_proxied_workers(cluster, {1ms, 10ms}, with_metrics, with_metrics);
  // An upload sink, so the spool's families exist; the source runs until the test ends.
  edge_options options;
  options.metrics = true;
  options.pipeline = fmt::format(R"(pipeline:
  sources:
    sensor: {{ kind: synthetic, rate_hz: 40, values: 4, to: smooth }}
  stages:
    smooth: {{ kind: window, size: 2, to: cloud }}
  sinks:
    cloud: {{ kind: offload, type: kite.summarize, keys: 2, upload: true }}
spool: {{ directory: {} }}
)",
                                 cluster.dir());
  auto edge = cluster.start_edge(options);

  // Prometheus starts while the cluster settles, scraping every node each second.
  std::string targets;
  for (const auto& [job, logs] :
       {std::pair{"kite-placement", std::vector{cluster.placement_log()}},
        std::pair{"kite-worker", std::vector{cluster.worker_log(0), cluster.worker_log(1)}},
        std::pair{"kite-edge", std::vector{edge->log_path()}}}) {
    std::string addresses;
    for (const auto& log : logs)
      addresses += fmt::format("{}\"127.0.0.1:{}\"", addresses.empty() ? "" : ", ",
                               logged_metrics_port(log));
    targets += fmt::format("  - job_name: {}\n    static_configs: [{{ targets: [{}] }}]\n", job,
                           addresses);
  }
  auto config = cluster.dir() + "/prometheus.yml";
  {
    std::ofstream out{config};
    out << "global: { scrape_interval: 1s, scrape_timeout: 1s }\nscrape_configs:\n" << targets;
  }
  int port = free_port();
  child_process prometheus{{KITE_PROMETHEUS, "--config.file=" + config,
                            "--storage.tsdb.path=" + cluster.dir() + "/prometheus-data",
                            fmt::format("--web.listen-address=127.0.0.1:{}", port),
                            "--log.level=warn"},
                           cluster.dir() + "/prometheus.log"};

  // kite_placement_moves_total exists from the first move: the near worker turns 200 ms away.
  bool placed =
      wait_for_text(cluster.worker_log(0), "activated logical actor (kite.summarize", 10s);
  impairment far;
  far.delay = 100ms;
  proxies[0]->set(direction::upstream, far);
  proxies[0]->set(direction::downstream, far);
  bool moved = placed && wait_for_text(cluster.placement_log(), "moving (kite.summarize", 10s);
  {
    INFO("placement log:\n" << read_file(cluster.placement_log()));
    REQUIRE(placed);
    REQUIRE(moved);
  }

  auto deadline = std::chrono::steady_clock::now() + 15s;
  std::string targets_body;
  auto all_up = [&] {
    targets_body = prometheus_get(port, "/api/v1/targets");
    auto answer = success(targets_body);
    if (answer.type == json_value::kind::null) return false;
    const auto& active = answer["data"]["activeTargets"].items;
    return active.size() == 4 && std::all_of(active.begin(), active.end(), [](const auto& t) {
             return t["health"].text == "up";
           });
  };
  bool up = all_up();
  for (; !up && std::chrono::steady_clock::now() < deadline; up = all_up())
    std::this_thread::sleep_for(200ms);
  {
    INFO("prometheus log:\n" << read_file(prometheus.log_path()) << "\ntargets: " << targets_body);
    REQUIRE(up);
  }

  // A rate needs two scrapes in its window, and a family born with the move one scrape more:
  // ask until every query has data or the deadline passes.
  std::vector<std::pair<dashboard_query, std::string>> pending;
  for (const auto& query : queries)
    pending.push_back({query, {}});
  while (true) {
    for (auto& [query, answer] : pending)
      answer = prometheus_get(port, "/api/v1/query?query=" + url_encoded(substitute(query.expr)));
    pending.erase(std::remove_if(pending.begin(), pending.end(),
                                 [](const auto& p) { return has_finite_sample(p.second); }),
                  pending.end());
    if (pending.empty() || std::chrono::steady_clock::now() >= deadline) break;
    std::this_thread::sleep_for(500ms);
  }
  for (const auto& [query, answer] : pending)
    FAIL_CHECK("panel '" << query.panel << "': " << query.expr
                         << "\nreturned no finite sample; Prometheus answered: " << answer);

  // The other way round: each family the nodes serve has a panel, so a new metric does not go
  // unseen.
  std::set<std::string> charted;
  for (const auto& query : queries)
    for (const auto& family : families_in(query.expr))
      charted.insert(family);
  auto names = success(prometheus_get(port, "/api/v1/label/__name__/values"));
  REQUIRE(names.type == json_value::kind::object);
  for (const auto& name : names["data"].items)
    for (const auto& family : families_in(name.text))
      if (charted.count(family) == 0)
        FAIL_CHECK("the nodes serve " << family << ", no panel charts it");
}
