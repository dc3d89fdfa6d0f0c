// Bootstrap of a node process: scheduler and allocator settings, keys, link settings and stop
// signals.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include <caf/actor_system_config.hpp>
#include <caf/expected.hpp>

#include "kite/runtime/config.hpp"
#include "kite/runtime/keys.hpp"
#include "kite/runtime/link.hpp"
#include "kite/runtime/ops_endpoint.hpp"
#include "kite/runtime/registry.hpp"

namespace kite {

/// Sets CAF's scheduler for an I/O-bound node: `threads` workers, the sharing policy.
void configure_scheduler(caf::actor_system_config& cfg, uint32_t threads);

/// Makes glibc's malloc keep freed payload buffers for reuse instead of returning them to the
/// kernel after every message; call once at process start.
void configure_allocator();

/// Loads this node's keypair when CURVE is on; an empty keypair when it is off.
caf::expected<keypair> load_node_keys(const node_config& cfg);

/// Prepares this process to run a node: loads its keys, tunes the allocator, blocks the stop
/// signals and fills `sys_cfg` (scheduler, message types). Call before the actor system exists.
caf::expected<keypair> prepare_node(const node_config& cfg, const registry& types,
                                    caf::actor_system_config& sys_cfg);

/// Fills the link settings every link of this node shares.
link_settings make_link_settings(const node_config& cfg, keypair keys,
                                 std::vector<std::string> actor_types);

/// Blocks SIGINT and SIGTERM in this thread and every thread started after it.
void block_stop_signals();

/// Serves `ops` on the config's metrics.listen, if it names one, and logs the URL.
caf::error serve_ops(const node_config& cfg, ops_endpoint& ops);

/// Waits up to `timeout` for SIGINT or SIGTERM (blocked first with block_stop_signals);
/// returns it, or 0 when none came.
int wait_for_stop_signal(std::chrono::milliseconds timeout);

/// Writes `endpoint` and a newline to `path` atomically (write, then rename), so a process
/// waiting for the node sees the whole line or nothing; false when it cannot.
bool write_ready_file(const std::string& path, const std::string& endpoint);

} // namespace kite
