#include "kite/runtime/node.hpp"

#include <csignal>
#include <cstdio>
#include <fstream>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include <caf/atom.hpp>
#include <spdlog/spdlog.h>

namespace kite {

namespace {

sigset_t stop_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  return set;
}

} // namespace

void configure_scheduler(caf::actor_system_config& cfg, uint32_t threads) {
  cfg.set("scheduler.max-threads", static_cast<size_t>(threads));
  // Work stealing doubled round trips and burned an idle core in measurements; see CAF notes.
  cfg.set("scheduler.policy", caf::atom("sharing"));
}

void configure_allocator() {
#if defined(__GLIBC__)
  // Freeing a 64 KiB payload trimmed the thread's arena (madvise, TLB shootdown) and the next
  // one faulted its pages back in: 64 KiB round trips took 3-4x longer. Setting one threshold
  // turns glibc's adaptive mmap threshold off, so set both: payloads up to 4 MiB come from
  // the heap and each arena keeps up to 16 MiB free.
  mallopt(M_MMAP_THRESHOLD, 4 << 20);
  mallopt(M_TRIM_THRESHOLD, 16 << 20);
#endif
}

caf::expected<keypair> load_node_keys(const node_config& cfg) {
  if (!cfg.security.curve) {
    spdlog::warn("security.curve is false: links are NOT encrypted or authenticated; use this "
                 "only for benchmarks on loopback");
    return keypair{};
  }
  return load_secret_key(cfg.security.secret_key_file);
}

caf::expected<keypair> prepare_node(const node_config& cfg, const registry& types,
                                    caf::actor_system_config& sys_cfg) {
  auto keys = load_node_keys(cfg);
  if (!keys) return keys;
  configure_allocator();
  block_stop_signals();
  configure_scheduler(sys_cfg, cfg.threads);
  types.install(sys_cfg);
  return keys;
}

link_settings make_link_settings(const node_config& cfg, keypair keys,
                                 std::vector<std::string> actor_types) {
  link_settings out;
  out.node_id = cfg.node_id;
  out.timing = cfg.link;
  out.curve = cfg.security.curve;
  out.own_keys = std::move(keys);
  out.allow = cfg.security.allow;
  out.actor_types = std::move(actor_types);
  return out;
}

void block_stop_signals() {
  auto set = stop_signals();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

int wait_for_stop_signal(std::chrono::milliseconds timeout) {
  auto set = stop_signals();
  auto seconds = std::chrono::duration_cast<std::chrono::seconds>(timeout);
  timespec wait{static_cast<time_t>(seconds.count()),
                static_cast<long>(std::chrono::nanoseconds(timeout - seconds).count())};
  int signal = sigtimedwait(&set, nullptr, &wait);
  return signal > 0 ? signal : 0;
}

caf::error serve_ops(const node_config& cfg, ops_endpoint& ops) {
  if (cfg.metrics_listen.empty()) return {};
  auto port = ops.serve(cfg.metrics_listen);
  if (!port) return port.error();
  auto host = cfg.metrics_listen.substr(0, cfg.metrics_listen.rfind(':'));
  spdlog::info("metrics on http://{}:{}/metrics (probes: /healthz, /readyz)", host, *port);
  return {};
}

bool write_ready_file(const std::string& path, const std::string& endpoint) {
  auto tmp = path + ".tmp";
  {
    std::ofstream out{tmp};
    out << endpoint << '\n';
    if (!out) return false;
  }
  return std::rename(tmp.c_str(), path.c_str()) == 0;
}

} // namespace kite
