// `kite status`'s side of the placement service: one client link, CURVE-secured like every
// node's, that asks for the cluster_status once and closes.
#pragma once

#include <chrono>
#include <string>

#include <caf/expected.hpp>

#include "kite/runtime/cluster_status.hpp"
#include "kite/runtime/keys.hpp"

namespace kite {

/// Where the placement service is, and who asks it.
struct status_query_settings {
  std::string endpoint;
  /// Z85 public key of the service; its CURVE handshake proves it.
  std::string server_key;
  /// The asker's keys: the service answers only keys on its allowlist.
  keypair own_keys;
  /// The id the asker says hello with.
  std::string node_id;
  /// How long to wait for the link to come up and the answer to arrive, together.
  std::chrono::milliseconds timeout{5000};
};

/// The cluster as the service sees it now; an error saying what failed, and what to check, when
/// the service did not answer within the timeout or refused the question.
caf::expected<cluster_status> query_cluster_status(const status_query_settings& settings);

} // namespace kite
