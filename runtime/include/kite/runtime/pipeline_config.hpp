// The edge's local pipeline as edge.yaml declares it: sources, stages and sinks, each named,
// wired by the names in their `to:` lists, each stage and sink behind a bounded queue.
#pragma once

#include <chrono>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace kite {

/// What a full queue does with the next item.
enum class overflow_policy {
  /// The producer waits: a source pauses, a stage stops taking its own input.
  block,
  /// The oldest queued item is dropped to make room, and counted.
  drop_oldest,
  /// The new item is dropped, and counted.
  drop_newest,
};

/// The bounded queue in front of a stage or sink.
struct queue_config {
  uint32_t capacity = 1000;
  overflow_policy when_full = overflow_policy::block;
};

/// The number a filter or threshold looks at: of a sample, one channel, or the mean, min or max
/// of a range of channels (all of them when neither is set); of a feature, one statistic.
struct value_selector {
  enum class statistic { mean, min, max };
  /// An inclusive range of channel indices.
  struct channel_range {
    uint32_t first = 0;
    uint32_t last = 0;
  };
  /// One channel; set at most one of `channel` and `channels`.
  std::optional<uint32_t> channel;
  std::optional<channel_range> channels;
  /// What a sample's selected channels come to.
  statistic reduce = statistic::mean;
  statistic of_feature = statistic::mean;
};

/// Source: a deterministic signal per channel plus seeded noise.
struct synthetic_config {
  double rate_hz = 10;
  uint32_t values = 16;
  /// Samples to emit before the source ends; 0 runs until the agent stops.
  uint64_t count = 0;
  uint64_t seed = 1;
  enum class shape { sine, square, ramp };
  shape pattern = shape::sine;
};

/// Source: timestamped samples read back from a file (docs/pipeline.md has both formats).
struct replay_config {
  std::string file;
  enum class format { csv, binary };
  format encoding = format::csv;
  /// 1 replays at the recorded pace, 2 twice as fast; 0 as fast as the pipeline takes them.
  double speed = 1;
  /// Start again from the top at the end of the file, instead of ending the source.
  bool loop = false;
};

/// Source: one sample per UDP datagram, comma-separated channel values; timestamped on arrival.
struct udp_config {
  /// host:port to bind; port 0 picks a free one and logs it.
  std::string listen;
};

/// Stage: passes the items whose value lies within [min, max].
struct filter_config {
  value_selector value;
  double min = -std::numeric_limits<double>::infinity();
  double max = std::numeric_limits<double>::infinity();
};

/// Stage: passes one item in every `every`.
struct downsample_config {
  uint32_t every = 2;
};

/// Stage: for each sample, the mean, min and max over the last `size` samples' values.
struct window_config {
  uint32_t size = 4;
  /// The channel to follow; unset: the mean of all channels.
  std::optional<uint32_t> channel;
};

/// Stage: an alarm when the value crosses `above` (or falls under `below`), and another when it
/// comes back by more than `hysteresis`.
struct threshold_config {
  value_selector value;
  std::optional<double> above;
  std::optional<double> below;
  double hysteresis = 0;
};

/// Stage: samples gathered into batches of `size`, or fewer once the oldest waited `max_delay`.
struct batcher_config {
  uint32_t size = 10;
  std::chrono::milliseconds max_delay{1000};
};

/// Sink: logs each item.
struct log_sink_config {
  std::string level = "info";
};

/// Sink: appends each item as one line of text.
struct file_sink_config {
  std::string path;
};

/// Sink, or stage passing the answers on: sends each item as a request to the logical actor
/// (type, key), wherever it runs.
struct offload_sink_config {
  std::string type;
  /// Defaults to the node id.
  std::string key;
  /// Above 1: items take turns over key-0 .. key-(keys-1).
  uint32_t keys = 1;
  /// Through the spool: kept on disk until the actor answers, so it survives a lost uplink and
  /// a restart of the agent, and delivered in order.
  bool upload = false;
  /// Requests out at once; when reached, the sink stops taking from its queue.
  uint32_t max_in_flight = 100;
  /// An offload stage passes on the answers of this message type (kite.sensor_sample,
  /// kite.feature, kite.alarm or kite.sample_batch) to its `to:`; empty for a sink.
  std::string answers;
};

/// Sink: sends each item as one UDP datagram, a line of comma-separated numbers, best effort.
struct udp_send_config {
  /// host:port ("[v6]:port") to send to.
  std::string target;
};

/// One node of the pipeline; `kind` says which.
struct pipeline_node {
  using parameters =
      std::variant<synthetic_config, replay_config, udp_config, filter_config, downsample_config,
                   window_config, threshold_config, batcher_config, log_sink_config,
                   file_sink_config, offload_sink_config, udp_send_config>;
  enum class role { source, stage, sink };

  std::string name;
  role part = role::source;
  parameters kind;
  /// The nodes this one sends to (none for a sink).
  std::vector<std::string> to;
  /// In front of a stage or sink (unused for a source).
  queue_config queue;
};

/// The whole pipeline: sources, then stages, then sinks, each in file order.
struct pipeline_config {
  std::vector<pipeline_node> nodes;

  /// The node called `name`, or nullptr.
  const pipeline_node* find(const std::string& name) const;
  /// The names of the nodes that send to `name`.
  std::vector<std::string> inputs_of(const std::string& name) const;
};

/// The name edge.yaml gives a node's kind, such as "window".
std::string kind_name(const pipeline_node::parameters& kind);

/// The name of an overflow policy as edge.yaml spells it.
std::string policy_name(overflow_policy policy);

} // namespace kite
