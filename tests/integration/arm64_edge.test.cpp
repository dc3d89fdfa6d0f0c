// The arm64 kite-edge of the cross build (docs/deploy.md) run by qemu-aarch64 against this build's
// amd64 worker on loopback: the round trip over CURVE between two architectures. Its own
// executable, so that it can tell CTest it was skipped when qemu or the arm64 binary is missing.
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <iostream>
#include <sstream>

#include "loopback_cluster.hpp"

using namespace std::chrono_literals;
using namespace kite::test;

namespace {

/// The exit code CTest reports as skipped (the test's SKIP_RETURN_CODE).
constexpr int skipped = 77;

/// $KITE_EDGE_ARM64 when set (scripts/test empties it when it could not build the arm64 edge),
/// else the path the CMake cache variable of the same name gave.
std::string arm64_edge() {
  if (const char* path = std::getenv("KITE_EDGE_ARM64")) return path;
  return KITE_EDGE_ARM64;
}

bool on_path(const std::string& program) {
  const char* path = std::getenv("PATH");
  std::istringstream dirs{path != nullptr ? path : ""};
  for (std::string dir; std::getline(dirs, dir, ':');)
    if (!dir.empty() && ::access((dir + "/" + program).c_str(), X_OK) == 0) return true;
  return false;
}

/// Why the test cannot run on this machine, or "" when it can.
std::string missing_prerequisite() {
  if (!on_path("qemu-aarch64")) return "qemu-aarch64 is not on PATH (Debian's qemu-user)";
  auto edge = arm64_edge();
  if (edge.empty()) return "KITE_EDGE_ARM64 is empty: no arm64 kite-edge was built";
  if (::access(edge.c_str(), X_OK) != 0)
    return "no arm64 kite-edge at " + edge + " (kite_build_arm64 in scripts/lib/arm64.sh)";
  return {};
}

} // namespace

TEST_CASE("every sample of an arm64 edge under qemu is answered by an amd64 worker over CURVE") {
  loopback_cluster cluster;
  auto& worker = cluster.start_worker();
  edge_options options{"robot-arm64", 100, 40};
  options.command = {KITE_RUN_ARM64, arm64_edge()};
  auto edge = cluster.start_edge(options);
  // qemu translates the edge's code as it first runs, so it gets longer than a native edge.
  auto code = edge->wait_for(60s);
  REQUIRE(code.has_value());
  auto log = read_file(edge->log_path());
  INFO(log);
  CHECK(*code == 0);
  CHECK(counter_in(log, "answered") == 40);
  CHECK(counter_in(log, "failed") == 0);
  // The worker's logical actor counted every feature the arm64 edge sent.
  CHECK(log.find("kite.summary(\"robot-arm64\", 40, 39") != std::string::npos);
  worker.signal(SIGTERM);
  REQUIRE(worker.wait_for(10s) == 0);
  auto worker_log = read_file(cluster.worker_log());
  INFO(worker_log);
  // The edge joined through the worker's CURVE handshake, authenticated by its key.
  CHECK(worker_log.find("CURVE on") != std::string::npos);
  auto joined = "peer 'robot-arm64' joined with key " +
                kite::fingerprint(cluster.allowed_edge_keys().public_key);
  CHECK(worker_log.find(joined) != std::string::npos);
  CHECK(counter_in(worker_log, "frame_errors") == 0);
}

int main(int argc, char** argv) {
  if (auto why = missing_prerequisite(); !why.empty()) {
    std::cout << "skipped: " << why << '\n';
    return skipped;
  }
  return Catch::Session().run(argc, argv);
}
