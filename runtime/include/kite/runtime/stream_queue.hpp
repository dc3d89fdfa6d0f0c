// The bounded queue in front of a pipeline stage or sink. It is shared by the stage and the
// nodes that feed it, and outlives their restarts: a restarted stage finds what was queued for
// it. A full queue follows its overflow policy; under `block` it remembers who had to wait and
// sends them resume_atom once it is half empty.
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <caf/actor.hpp>
#include <caf/message.hpp>

#include "kite/runtime/pipeline_config.hpp"

namespace prometheus {
class Counter;
class Gauge;
} // namespace prometheus

namespace kite {

class metrics;

/// Counters of one queue, readable from any thread.
struct stream_queue_stats {
  std::atomic<uint64_t> queued{0};
  std::atomic<uint64_t> dropped{0};
  /// Times a producer had to wait for room.
  std::atomic<uint64_t> waits{0};
};

/// A bounded multi-producer, single-consumer queue of pipeline items; thread-safe.
class stream_queue {
public:
  enum class push_result { queued, dropped_oldest, dropped_newest, full };

  /// The queue in front of node `name`, fed by `producers`. With `counts` (which must outlive
  /// the queue) it keeps kite_pipeline_items_total, kite_pipeline_dropped_total and
  /// kite_pipeline_queue_depth labelled with the node.
  stream_queue(std::string name, queue_config cfg, std::vector<std::string> producers,
               metrics* counts = nullptr);

  /// Each incarnation of the consumer, as it starts: it is sent wake_atom when the queue stops
  /// being empty or a producer ends, and it must drain the queue now (what was pushed while it
  /// was not running woke nobody).
  void attach(caf::actor consumer);

  /// Producer: queues `item`. When the queue is full and blocks, nothing is queued and
  /// `producer` is sent resume_atom once there is room.
  push_result push(caf::message item, const caf::actor& producer);

  /// Consumer: the oldest item, or none when empty; a later push or end wakes it again.
  std::optional<caf::message> take();

  /// Producer `producer` sends nothing more.
  void end(const std::string& producer);

  /// Every producer has ended and every item was taken.
  bool ended() const;

  /// Consumer: it handled everything, the end included.
  void finish() { finished_ = true; }
  bool finished() const { return finished_; }

  size_t depth() const;
  const std::string& name() const { return name_; }
  const queue_config& config() const { return cfg_; }
  const stream_queue_stats& stats() const { return stats_; }

private:
  void wake(const caf::actor& consumer);

  const std::string name_;
  const queue_config cfg_;
  const std::vector<std::string> producers_;
  caf::actor consumer_;
  mutable std::mutex mutex_;
  std::deque<caf::message> items_;
  /// A wake is on its way, or the consumer has not yet seen the queue empty since the last.
  bool wake_pending_ = false;
  std::vector<caf::actor> waiting_;
  std::set<std::string> ended_;
  std::atomic<bool> finished_{false};
  stream_queue_stats stats_;
  prometheus::Counter* queued_metric_ = nullptr;
  prometheus::Counter* dropped_metric_ = nullptr;
  prometheus::Gauge* depth_metric_ = nullptr;
};

} // namespace kite
