// The placement service: one logical actor behind a server link. It takes workers' and edges'
// reports into its placement_directory, answers where each logical actor runs, and pushes the
// moves its periodic rebalancing decides to the edge that placed the actor, over that edge's
// open watch. Everything it holds is soft state: a restarted service learns it back from the
// next round of reports.
#pragma once

#include <chrono>
#include <deque>
#include <map>
#include <memory>
#include <string>
#include <utility>

#include <caf/behavior.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/response_promise.hpp>
#include <caf/stateful_actor.hpp>

#include "kite/cloud/cluster_view.hpp"
#include "kite/cloud/placement_directory.hpp"
#include "kite/runtime/cluster_status.hpp"
#include "kite/runtime/config.hpp"
#include "kite/runtime/metrics.hpp"
#include "kite/runtime/placement_messages.hpp"

namespace kite::cloud {

/// State of the placement service actor.
struct placement_service_state {
  static constexpr const char* name = "placement_service";

  std::unique_ptr<placement_directory> directory;
  std::chrono::milliseconds lease{0};
  std::chrono::milliseconds watch_hold{0};
  std::chrono::milliseconds rebalance_interval{0};
  /// Each edge's open watch, and a number that tells its hold timer from a later watch's.
  std::map<std::string, std::pair<caf::response_promise, uint64_t>> watches;
  uint64_t next_watch = 1;
  /// Moves decided for each edge and not yet delivered, the latest per actor.
  std::map<std::string, std::map<std::pair<std::string, std::string>, placement_decision>> moves;
  metrics* counts = nullptr;
  /// Where the service publishes the cluster for other threads; optional.
  std::shared_ptr<cluster_view> view;
  std::string node_id;
  placement_directory::clock_type::time_point started;
  /// The latest moves, oldest first, for status.
  std::deque<cluster_event> recent_moves;
};

/// The placement service's behaviour; `counts` (optional) must outlive the actor; `view`
/// (optional) gets the cluster at the start and after each rebalance.
caf::behavior placement_service(caf::stateful_actor<placement_service_state>* self,
                                placement_config cfg, metrics* counts,
                                std::shared_ptr<cluster_view> view);

/// Runs `kite-cloud placement` until a stop signal; writes the bound endpoint to `ready_file`
/// (if not empty) once it accepts connections. Returns the process exit code.
int run_placement(const placement_config& cfg, const std::string& ready_file);

} // namespace kite::cloud
