// The placement service's status page in a real browser: headless Chromium loads /status from a
// running cluster, runs its script, and the rendered page must show the cluster. A screenshot is
// kept under the build's test-artifacts/ for a person to look at.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <filesystem>

#include "loopback_cluster.hpp"
#include "ops_port.hpp"
#include "pinned_cluster.hpp"

using namespace std::chrono_literals;
using namespace kite::test;
using Catch::Contains;

namespace {

constexpr const char* chromium = "/usr/bin/chromium";

/// Runs headless Chromium on `url` with `what` ("--dump-dom" or "--screenshot=FILE") after the
/// page's scripts had `budget_ms` of virtual time; returns its exit code and output.
std::pair<int, std::string> run_chromium(const loopback_cluster& cluster, const std::string& url,
                                         const std::string& what, int budget_ms) {
  static int runs = 0;
  auto n = std::to_string(runs++);
  auto out = cluster.dir() + "/chromium." + n + ".out";
  // A profile of its own in the temp dir; no sandbox, which needs privileges a test (and root in
  // CI) does not have.
  child_process browser{{chromium, "--headless", "--no-sandbox", "--disable-gpu",
                         "--disable-dev-shm-usage", "--no-first-run", "--hide-scrollbars",
                         "--user-data-dir=" + cluster.dir() + "/chromium-profile." + n,
                         "--window-size=1280,900",
                         "--virtual-time-budget=" + std::to_string(budget_ms), what, url},
                        out};
  auto code = browser.wait_for(60s);
  return {code.value_or(-1), read_file(out)};
}

} // namespace

TEST_CASE("the status page, rendered by headless Chromium, shows the workers, the edge's RTTs "
          "and where each actor runs") {
  {
    INFO("Debian's chromium is needed: scripts/test installs it (apt-get install chromium)");
    REQUIRE(::access(chromium, X_OK) == 0);
  }
  loopback_cluster cluster;
  // Only worker-2 may run kite.summarize: the page must say the actors run there. The edge runs
  // 60 s, alive while the browser looks.
  auto edge = start_pinned_cluster(cluster, "", 60);
  int port = logged_metrics_port(cluster.placement_log());
  auto url = "http://127.0.0.1:" + std::to_string(port) + "/status";
  // The page shows what the service published at its last rebalance.
  REQUIRE_THAT(wait_for_answer(port, "/status.json", "robot-1-1", 5s), Contains("robot-1-1"));

  auto [code, dom] = run_chromium(cluster, url, "--dump-dom", 3000);
  INFO("chromium printed:\n" << dom);
  REQUIRE(code == 0);
  // What the script rendered from /status.json, not what the HTML holds before it runs.
  CHECK_THAT(dom, Contains("placement service placement-1, up "));
  CHECK_THAT(dom, Contains("Workers (2)") &&
                      Contains("Edges: round-trip time to each worker (1)") &&
                      Contains("Logical actors (2)"));
  CHECK_THAT(dom, Contains("<td>kite.summarize/robot-1-0</td><td>worker-2</td>"));
  CHECK_THAT(dom, Contains("<td>kite.summarize/robot-1-1</td><td>worker-2</td>"));
  CHECK_THAT(dom, Contains(" ms</td>"));                                    // the edge's RTTs
  CHECK_THAT(dom, Contains("<div id=\"error\" style=\"display: none;\">")); // no fetch failed

  std::filesystem::create_directories(KITE_ARTIFACT_DIR);
  auto png = std::string{KITE_ARTIFACT_DIR} + "/status_page.png";
  std::filesystem::remove(png);
  auto [shot_code, shot_log] = run_chromium(cluster, url, "--screenshot=" + png, 3000);
  INFO("chromium printed:\n" << shot_log);
  CHECK(shot_code == 0);
  auto image = read_file(png);
  REQUIRE(image.size() > 10000); // a rendered page, not an empty frame
  CHECK(image.compare(0, 8, "\x89PNG\r\n\x1a\n") == 0);

  edge->signal(SIGTERM);
  CHECK(edge->wait_for(10s) == 0);
}
