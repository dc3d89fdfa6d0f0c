// A node's HTTP port for operators and their tools: Prometheus metrics (GET /metrics), liveness
// (/healthz), readiness (/readyz) and the pages a node adds, such as the placement service's
// status. One civetweb server, the one prometheus-cpp's pull exposer embeds, used directly so
// that the probes and pages share the metrics port.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <caf/expected.hpp>

#include "kite/runtime/metrics.hpp"

class CivetServer;
class CivetHandler;

namespace kite {

/// One condition a node's readiness depends on, as /readyz lists it.
struct readiness_check {
  /// What is checked, e.g. "placement tcp://10.0.0.5:7000".
  std::string name;
  bool ok = false;
  /// Why it fails or what holds, e.g. "down for 3.2 s".
  std::string detail;
};

/// What a node's readiness consists of, asked at each probe (on the server's threads).
using readiness_probe = std::function<std::vector<readiness_check>()>;

/// A page a node serves: its content type and its body, made at each request (on the server's
/// threads).
struct ops_page {
  std::string content_type;
  std::function<std::string()> body;
};

/// The HTTP server of one node; thread-safe.
class ops_endpoint {
public:
  /// Serves `counts`, which must outlive this object.
  explicit ops_endpoint(const metrics& counts);
  ~ops_endpoint();
  ops_endpoint(const ops_endpoint&) = delete;
  ops_endpoint& operator=(const ops_endpoint&) = delete;

  /// Sets what /readyz checks; until then it answers 503 "starting".
  void ready_when(readiness_probe probe);

  /// Serves `page` at exactly `path` (such as "/status"); before serve() only (a
  /// std::logic_error after).
  void add_page(const std::string& path, ops_page page);

  /// Serves on `listen` ("host:port"; port 0 picks a free one) on threads of its own; returns
  /// the bound port.
  caf::expected<int> serve(const std::string& listen);

  /// Stops serving and waits for the server's threads, so nothing a probe or page reads is used
  /// after; idempotent. Call it before what they read is gone.
  void stop();

  /// The whole answer /readyz gives now: whether ready, and one line per check.
  std::pair<bool, std::string> readiness() const;

private:
  const metrics& counts_;
  mutable std::mutex probe_mutex_;
  readiness_probe probe_;
  std::vector<std::pair<std::string, ops_page>> pages_;
  std::vector<std::unique_ptr<CivetHandler>> handlers_;
  std::unique_ptr<CivetServer> server_;
};

} // namespace kite
