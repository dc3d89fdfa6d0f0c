#include "kite/runtime/placement_messages.hpp"

#include "kite/runtime/cluster_status.hpp"

namespace kite {

const registry& placement_protocol() {
  static const registry protocol = [] {
    registry out;
    out.add_message<worker_load_report>("kite.worker_load_report")
        .add_message<edge_load_report>("kite.edge_load_report")
        .add_message<placement_query>("kite.placement_query")
        .add_message<placement_decision>("kite.placement_decision")
        .add_message<placement_watch>("kite.placement_watch")
        .add_message<placement_changes>("kite.placement_changes")
        .add_message<placement_ack>("kite.placement_ack")
        .add_message<cluster_status_query>("kite.cluster_status_query")
        .add_message<cluster_status>("kite.cluster_status");
    return out;
  }();
  return protocol;
}

} // namespace kite
