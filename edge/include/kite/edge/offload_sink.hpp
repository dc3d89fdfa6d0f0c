// The pipeline sink that sends each item to a logical actor through the offload router. At most
// max_in_flight requests are out at once; beyond that it takes nothing from its queue, so a
// slow uplink backs up into the queue's policy. An upload sink first appends each item to its
// spool, sends from the spool at the drain rate, oldest first, and removes a record only once
// the actor answered it: a lost uplink or a killed agent loses nothing it took. Declared as a
// stage, it passes the answers on to its `to:`.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <caf/actor.hpp>
#include <caf/behavior.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/stateful_actor.hpp>

#include "kite/edge/spool.hpp"
#include "kite/runtime/message_types.hpp"
#include "kite/runtime/outlet.hpp"
#include "kite/runtime/pipeline_config.hpp"
#include "kite/runtime/stream_queue.hpp"

namespace prometheus {
class Counter;
class Gauge;
} // namespace prometheus

namespace kite::edge {

/// What an offload sink needs, shared by its incarnations.
struct offload_sink_setup {
  std::string name;
  offload_sink_config cfg;
  std::shared_ptr<stream_queue> in;
  caf::actor router;
  /// The wire codecs: what goes into the spool is encoded with them, and an answer passed on
  /// is told by its type's name.
  const message_types* types = nullptr;
  /// Where an offload stage passes its answers; no targets for a sink.
  outlet out;
  /// Upload sinks only.
  std::shared_ptr<spool> store;
  /// The upload stream's name as workers see it: "<node id>/<sink>".
  std::string stream;
  /// Records sent per second at most; 0: no limit.
  double drain_rate = 0;
  /// How long to wait before sending again after the router failed a request.
  std::chrono::milliseconds retry_interval{1000};
  /// Upload sinks: kite_spool_records, kite_spool_bytes and kite_spool_dropped_total, labelled
  /// with the sink; null without metrics.
  prometheus::Gauge* spool_records = nullptr;
  prometheus::Gauge* spool_bytes = nullptr;
  prometheus::Counter* spool_dropped_full = nullptr;
  prometheus::Counter* spool_dropped_age = nullptr;
};

/// State of an offload sink.
struct offload_sink_state {
  static constexpr const char* name = "kite.offload_sink";
  std::shared_ptr<offload_sink_setup> setup;
  uint32_t in_flight = 0;
  /// A stage's answers on their way on; holds what a blocking queue refused.
  outlet out;
  bool ended = false;
  /// Answers of another type than the stage passes on (a copy's upload_duplicate aside).
  uint64_t unexpected_answers = 0;
  /// Items sent so far, which pick the key when the target has several.
  uint64_t sent = 0;
  uint64_t answered = 0;
  uint64_t failed = 0;
  /// Upload: the last spooled record sent in this pass over the spool.
  uint64_t sent_through = 0;
  /// Upload: items taken from the queue that the spool could not take yet (a full disk), and
  /// whether it refuses them now.
  std::vector<caf::message> unspooled;
  bool spool_failing = false;
  /// Upload: sending budget of the drain rate, and when it was last topped up.
  double tokens = 0;
  std::chrono::steady_clock::time_point topped_up;
  /// Upload: a failed request paused sending until this time.
  std::chrono::steady_clock::time_point paused_until;
  /// Upload: errors the actor's host answered, by record, since its last success.
  std::map<uint64_t, uint32_t> refusals;
  /// Upload: when the spool last dropped what is past max_age.
  std::chrono::steady_clock::time_point expired_at;
  bool ticking = false;
  /// The spool's drop counts last copied into the metrics.
  uint64_t dropped_full_seen = 0;
  uint64_t dropped_age_seen = 0;
};

/// Sends every item of its queue to the logical actor the setup names.
caf::behavior offload_sink(caf::stateful_actor<offload_sink_state>* self,
                           std::shared_ptr<offload_sink_setup> setup);

} // namespace kite::edge
