#include "kite/runtime/ops_endpoint.hpp"

#include <exception>
#include <stdexcept>

#include <CivetServer.h>
#include <fmt/format.h>

#include "kite/runtime/error.hpp"

namespace kite {

namespace {

/// Writes a whole HTTP answer; the connection closes after it, as probes expect.
void answer(mg_connection* conn, int status, const std::string& content_type,
            const std::string& body) {
  mg_printf(conn,
            "HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n"
            "Cache-Control: no-store\r\nConnection: close\r\n\r\n",
            status, mg_get_response_code_text(conn, status), content_type.c_str(), body.size());
  mg_write(conn, body.data(), body.size());
}

/// Answers GET at exactly one path by `respond`, which writes the whole answer; civetweb
/// matches a handler's path as a prefix ("/status" takes "/status/x"), and those are 404s.
class get_handler : public CivetHandler {
public:
  using responder = std::function<void(mg_connection*)>;

  get_handler(std::string path, responder respond)
      : path_(std::move(path)), respond_(std::move(respond)) {}

  bool handleGet(CivetServer*, mg_connection* conn) override {
    const char* uri = mg_get_request_info(conn)->local_uri;
    if (uri == nullptr || path_ != uri) {
      answer(conn, 404, "text/plain; charset=utf-8", "not found\n");
      return true;
    }
    try {
      respond_(conn);
    } catch (const std::exception& e) {
      // A page that fails is a 500 naming why, never a dead server thread.
      answer(conn, 500, "text/plain; charset=utf-8", fmt::format("error: {}\n", e.what()));
    }
    return true;
  }

private:
  std::string path_;
  responder respond_;
};

} // namespace

ops_endpoint::ops_endpoint(const metrics& counts) : counts_(counts) {}

ops_endpoint::~ops_endpoint() {
  stop();
}

void ops_endpoint::stop() {
  // Joins the server threads: no probe or page runs after this.
  server_.reset();
}

void ops_endpoint::ready_when(readiness_probe probe) {
  std::lock_guard<std::mutex> guard{probe_mutex_};
  probe_ = std::move(probe);
}

void ops_endpoint::add_page(const std::string& path, ops_page page) {
  if (server_) throw std::logic_error("ops_endpoint: add_page('" + path + "') after serve()");
  pages_.emplace_back(path, std::move(page));
}

std::pair<bool, std::string> ops_endpoint::readiness() const {
  readiness_probe probe;
  {
    std::lock_guard<std::mutex> guard{probe_mutex_};
    probe = probe_;
  }
  if (!probe) return {false, "not ready\nnode: starting\n"};
  bool ready = true;
  std::string lines;
  for (const auto& check : probe()) {
    ready = ready && check.ok;
    lines += fmt::format("{}: {}{}{}\n", check.name, check.ok ? "ok" : "FAILING",
                         check.detail.empty() ? "" : ", ", check.detail);
  }
  return {ready, (ready ? "ready\n" : "not ready\n") + lines};
}

caf::expected<int> ops_endpoint::serve(const std::string& listen) {
  try {
    // Two threads, so one idle connection cannot hold up every scrape (a robot counts its
    // threads), and a connection that sends nothing is dropped after 2 s.
    server_ = std::make_unique<CivetServer>(std::vector<std::string>{
        "listening_ports", listen, "num_threads", "2", "request_timeout_ms", "2000"});
    auto add = [this](const std::string& path, get_handler::responder respond) {
      handlers_.push_back(std::make_unique<get_handler>(path, std::move(respond)));
      server_->addHandler(path, handlers_.back().get());
    };
    add("/metrics", [this](mg_connection* conn) {
      answer(conn, 200, "text/plain; version=0.0.4; charset=utf-8", counts_.scrape());
    });
    add("/healthz", [](mg_connection* conn) {
      // Answering at all is the proof of life: the process and its HTTP threads run.
      answer(conn, 200, "text/plain; charset=utf-8", "alive\n");
    });
    add("/readyz", [this](mg_connection* conn) {
      auto [ready, text] = readiness();
      answer(conn, ready ? 200 : 503, "text/plain; charset=utf-8", text);
    });
    for (const auto& [path, page] : pages_)
      add(path, [page = page](mg_connection* conn) {
        answer(conn, 200, page.content_type, page.body());
      });
    auto ports = server_->getListeningPorts();
    if (ports.empty()) throw std::runtime_error("no port bound");
    return ports.front();
  } catch (const std::exception& e) {
    server_.reset();
    handlers_.clear();
    return make_error(errc::config, fmt::format("metrics.listen '{}': cannot serve metrics: {}",
                                                listen, e.what()));
  }
}

} // namespace kite
