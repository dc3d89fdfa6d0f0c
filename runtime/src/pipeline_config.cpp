#include "kite/runtime/pipeline_config.hpp"

#include <algorithm>
#include <cctype>
#include <functional>
#include <map>
#include <tuple>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "kite/runtime/host_port.hpp"
#include "pipeline_reader.hpp"

namespace kite {

namespace {

/// What flows along a link; checked when the config loads, so a miswired pipeline never starts.
enum class item_type { sample, feature, alarm, batch };

const char* type_name(item_type t) {
  switch (t) {
  case item_type::sample:
    return "samples";
  case item_type::feature:
    return "features";
  case item_type::alarm:
    return "alarms";
  case item_type::batch:
    return "batches";
  }
  return "?";
}

/// The items an offload stage's `answers:` names, and their message types.
const std::vector<std::tuple<const char*, item_type, const char*>>& answer_kinds() {
  static const std::vector<std::tuple<const char*, item_type, const char*>> table{
      {"samples", item_type::sample, "kite.sensor_sample"},
      {"features", item_type::feature, "kite.feature"},
      {"alarms", item_type::alarm, "kite.alarm"},
      {"batches", item_type::batch, "kite.sample_batch"},
  };
  return table;
}

struct kind_rules {
  const char* name;
  pipeline_node::role part;
  std::vector<std::string> keys;
  /// A sink that may also be a stage, passing on what it gets back.
  bool stage_too = false;
};

// Indexed like pipeline_node::parameters.
const std::vector<kind_rules>& kinds() {
  using role = pipeline_node::role;
  static const std::vector<kind_rules> table{
      {"synthetic", role::source, {"rate_hz", "values", "count", "seed", "pattern"}},
      {"replay", role::source, {"file", "format", "speed", "loop"}},
      {"udp", role::source, {"listen"}},
      {"filter", role::stage, {"channel", "channels", "reduce", "statistic", "min", "max"}},
      {"downsample", role::stage, {"every"}},
      {"window", role::stage, {"size", "channel"}},
      {"threshold",
       role::stage,
       {"channel", "channels", "reduce", "statistic", "above", "below", "hysteresis"}},
      {"batcher", role::stage, {"size", "max_delay"}},
      {"log", role::sink, {"level"}},
      {"file", role::sink, {"path"}},
      {"offload", role::sink, {"type", "key", "keys", "upload", "max_in_flight", "answers"}, true},
      {"udp_send", role::sink, {"target"}},
  };
  return table;
}

template <size_t I = 0> pipeline_node::parameters make_kind(size_t index) {
  if constexpr (I < std::variant_size_v<pipeline_node::parameters>) {
    if (index == I) return pipeline_node::parameters{std::in_place_index<I>};
    return make_kind<I + 1>(index);
  } else {
    return {};
  }
}

/// The items a node of this kind sends, given what it takes; nothing when it cannot take them.
std::optional<item_type> output_of(const pipeline_node::parameters& kind, item_type in) {
  return std::visit(
      [in](const auto& k) -> std::optional<item_type> {
        using kind_type = std::decay_t<decltype(k)>;
        if constexpr (std::is_same_v<kind_type, filter_config>) {
          if (in == item_type::sample || in == item_type::feature) return in;
          return std::nullopt;
        } else if constexpr (std::is_same_v<kind_type, downsample_config>) {
          return in;
        } else if constexpr (std::is_same_v<kind_type, window_config>) {
          if (in == item_type::sample) return item_type::feature;
          return std::nullopt;
        } else if constexpr (std::is_same_v<kind_type, threshold_config>) {
          if (in == item_type::sample || in == item_type::feature) return item_type::alarm;
          return std::nullopt;
        } else if constexpr (std::is_same_v<kind_type, batcher_config>) {
          if (in == item_type::sample) return item_type::batch;
          return std::nullopt;
        } else if constexpr (std::is_same_v<kind_type, offload_sink_config>) {
          for (const auto& [word, type, message] : answer_kinds())
            if (k.answers == message) return type;
          return in; // a sink: nothing goes on
        } else {
          return in; // sinks take anything; sources take nothing and are never asked
        }
      },
      kind);
}

const char* takes(const pipeline_node::parameters& kind) {
  return std::visit(
      [](const auto& k) {
        using kind_type = std::decay_t<decltype(k)>;
        if constexpr (std::is_same_v<kind_type, filter_config> ||
                      std::is_same_v<kind_type, threshold_config>)
          return "samples or features";
        else if constexpr (std::is_same_v<kind_type, window_config> ||
                           std::is_same_v<kind_type, batcher_config>)
          return "samples";
        else
          return "anything";
      },
      kind);
}

} // namespace

const pipeline_node* pipeline_config::find(const std::string& name) const {
  for (const auto& node : nodes)
    if (node.name == name) return &node;
  return nullptr;
}

std::vector<std::string> pipeline_config::inputs_of(const std::string& name) const {
  std::vector<std::string> out;
  for (const auto& node : nodes)
    if (std::find(node.to.begin(), node.to.end(), name) != node.to.end()) out.push_back(node.name);
  return out;
}

std::string kind_name(const pipeline_node::parameters& kind) {
  return kinds().at(kind.index()).name;
}

std::string policy_name(overflow_policy policy) {
  switch (policy) {
  case overflow_policy::block:
    return "block";
  case overflow_policy::drop_oldest:
    return "drop_oldest";
  case overflow_policy::drop_newest:
    return "drop_newest";
  }
  return "?";
}

namespace detail {

namespace {

void read_queue(config_reader& r, const YAML::Node& map, const std::string& path,
                queue_config& out) {
  auto queue = r.section(map, path, "queue");
  auto at = join(path, "queue");
  r.only_keys(queue, at, {"capacity", "when_full"});
  r.read(queue, at, "capacity", out.capacity, 1, 10'000'000);
  std::string policy;
  r.read_choice(queue, at, "when_full", policy, {"block", "drop_oldest", "drop_newest"});
  if (policy == "block") out.when_full = overflow_policy::block;
  if (policy == "drop_oldest") out.when_full = overflow_policy::drop_oldest;
  if (policy == "drop_newest") out.when_full = overflow_policy::drop_newest;
}

/// Reads `channel`, which stays unset when absent.
void read_channel(config_reader& r, const YAML::Node& map, const std::string& path,
                  std::optional<uint32_t>& out) {
  if (!map["channel"].IsDefined()) return;
  uint32_t channel = 0;
  r.read(map, path, "channel", channel, 0, 1'000'000);
  out = channel;
}

/// Reads `channels: [first, last]`, which stays unset when absent.
void read_channels(config_reader& r, const YAML::Node& map, const std::string& path,
                   std::optional<value_selector::channel_range>& out) {
  auto node = map["channels"];
  if (!node.IsDefined() || node.IsNull()) return;
  auto at = join(path, "channels");
  std::vector<uint32_t> range;
  r.read(map, path, "channels", range, 0, 1'000'000);
  if (node.IsSequence() && node.size() != 2)
    r.fail(node, at, "expected [first, last]: two channel indices, such as [150, 210]");
  else if (range.size() == 2 && range[0] > range[1])
    r.fail(node, at,
           fmt::format("the first channel ({}) must not come after the last ({})", range[0],
                       range[1]));
  else if (range.size() == 2)
    out = value_selector::channel_range{range[0], range[1]};
  if (map["channel"].IsDefined()) r.fail(node, at, "set channel or channels, not both");
}

/// Reads a statistic (mean, min or max) under `key`, which keeps `out` when absent.
void read_statistic(config_reader& r, const YAML::Node& map, const std::string& path,
                    const char* key, value_selector::statistic& out) {
  std::string statistic;
  r.read_choice(map, path, key, statistic, {"mean", "min", "max"});
  if (statistic == "mean") out = value_selector::statistic::mean;
  if (statistic == "min") out = value_selector::statistic::min;
  if (statistic == "max") out = value_selector::statistic::max;
}

void read_selector(config_reader& r, const YAML::Node& map, const std::string& path,
                   value_selector& out) {
  read_channel(r, map, path, out.channel);
  read_channels(r, map, path, out.channels);
  read_statistic(r, map, path, "reduce", out.reduce);
  read_statistic(r, map, path, "statistic", out.of_feature);
}

void read_optional(config_reader& r, const YAML::Node& map, const std::string& path,
                   const char* key, std::optional<double>& out) {
  if (!map[key].IsDefined()) return;
  double value = 0;
  r.read(map, path, key, value, -1e300, 1e300);
  out = value;
}

struct parameter_reader {
  config_reader& r;
  const YAML::Node& map;
  const std::string& path;
  const std::string& node_id;

  void operator()(synthetic_config& k) const {
    r.read(map, path, "rate_hz", k.rate_hz, 0.001, 1'000'000);
    r.read(map, path, "values", k.values, 1, 1'000'000);
    r.read(map, path, "count", k.count);
    r.read(map, path, "seed", k.seed);
    std::string pattern;
    r.read_choice(map, path, "pattern", pattern, {"sine", "square", "ramp"});
    if (pattern == "square") k.pattern = synthetic_config::shape::square;
    if (pattern == "ramp") k.pattern = synthetic_config::shape::ramp;
  }
  void operator()(replay_config& k) const {
    r.read(map, path, "file", k.file, true);
    auto by_extension = k.file.size() >= 4 && k.file.compare(k.file.size() - 4, 4, ".csv") == 0;
    std::string format = by_extension ? "csv" : "binary";
    r.read_choice(map, path, "format", format, {"csv", "binary"});
    k.encoding = format == "csv" ? replay_config::format::csv : replay_config::format::binary;
    r.read(map, path, "speed", k.speed, 0, 1e6);
    r.read(map, path, "loop", k.loop);
  }
  void operator()(udp_config& k) const { r.read(map, path, "listen", k.listen, true); }
  void operator()(filter_config& k) const {
    read_selector(r, map, path, k.value);
    r.read(map, path, "min", k.min, -1e300, 1e300);
    r.read(map, path, "max", k.max, -1e300, 1e300);
    if (!map["min"].IsDefined() && !map["max"].IsDefined())
      r.fail(map, join(path, "min"), "a filter needs min, max or both");
    else if (k.min > k.max)
      r.fail(map["max"], join(path, "max"), "must not be less than min");
  }
  void operator()(downsample_config& k) const { r.read(map, path, "every", k.every, 1, 1'000'000); }
  void operator()(window_config& k) const {
    r.read(map, path, "size", k.size, 1, 1'000'000);
    read_channel(r, map, path, k.channel);
  }
  void operator()(threshold_config& k) const {
    read_selector(r, map, path, k.value);
    read_optional(r, map, path, "above", k.above);
    read_optional(r, map, path, "below", k.below);
    r.read(map, path, "hysteresis", k.hysteresis, 0, 1e300);
    if (k.above.has_value() == k.below.has_value())
      r.fail(map, join(path, "above"), "a threshold needs exactly one of above and below");
  }
  void operator()(batcher_config& k) const {
    r.read(map, path, "size", k.size, 1, 1'000'000);
    r.read(map, path, "max_delay", k.max_delay);
    if (k.max_delay.count() < 1)
      r.fail(map["max_delay"], join(path, "max_delay"), "must be >= 1ms");
  }
  void operator()(log_sink_config& k) const {
    r.read_choice(map, path, "level", k.level, {"debug", "info", "warn"});
  }
  void operator()(file_sink_config& k) const { r.read(map, path, "path", k.path, true); }
  void operator()(offload_sink_config& k) const {
    r.read(map, path, "type", k.type, true);
    r.read(map, path, "key", k.key);
    if (k.key.empty()) k.key = node_id;
    r.read(map, path, "keys", k.keys, 1, 1'000'000);
    r.read(map, path, "upload", k.upload);
    r.read(map, path, "max_in_flight", k.max_in_flight, 1, 1'000'000);
    // A worker recognises a resent record within upload_window's 65,536 of the newest.
    if (k.upload && k.max_in_flight > 1000)
      r.fail(map["max_in_flight"], join(path, "max_in_flight"),
             "must be at most 1000 for an upload sink");
  }
  void operator()(udp_send_config& k) const {
    r.read(map, path, "target", k.target, true);
    if (k.target.empty()) return;
    auto address = parse_host_port(k.target);
    if (!address || address->host.empty() || address->port == 0)
      r.fail(map["target"], join(path, "target"),
             fmt::format("expected host:port with a port from 1 to 65535, such as "
                         "127.0.0.1:7400 or [::1]:7400, got '{}'",
                         k.target));
  }
};

/// Reads what an offload stage passes on; a sink passes nothing on.
void read_answers(config_reader& r, const YAML::Node& map, const std::string& path,
                  pipeline_node::role part, offload_sink_config& out) {
  std::string word;
  std::vector<std::string> words;
  for (const auto& kind : answer_kinds())
    words.push_back(std::get<0>(kind));
  r.read_choice(map, path, "answers", word, words);
  if (part == pipeline_node::role::sink && map["answers"].IsDefined())
    r.fail(map["answers"], join(path, "answers"),
           "only an offload stage passes answers on: declare it under `stages:` with a `to:`");
  else if (part == pipeline_node::role::stage && !map["answers"].IsDefined())
    r.fail(map, join(path, "answers"),
           fmt::format("is required for an offload stage: the answers it passes on, one of {}",
                       fmt::join(words, ", ")));
  for (const auto& [name, type, message] : answer_kinds())
    if (word == name) out.answers = message;
}

/// Reads the `to:` of a source or stage: one name or a list of names.
void read_targets(config_reader& r, const YAML::Node& map, const std::string& path,
                  std::vector<std::string>& out) {
  auto to = map["to"];
  if (to.IsDefined() && to.IsScalar())
    out.push_back(to.Scalar());
  else
    r.read(map, path, "to", out);
  if (out.empty()) r.fail(map, join(path, "to"), "is required: the stages or sinks this one feeds");
  for (auto i = out.begin(); i != out.end(); ++i)
    if (std::find(out.begin(), i, *i) != i) {
      r.fail(to, join(path, "to"),
             fmt::format("names '{}' twice: it would get each item twice", *i));
      break;
    }
}

/// Whether `name` can name a node: it also names the node's metrics and an upload sink's spool
/// file, so letters, digits, '_', '-' and '.', not starting with '.'.
bool valid_name(const std::string& name) {
  return !name.empty() && name.front() != '.' && std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.';
  });
}

void read_nodes(config_reader& r, const YAML::Node& pipeline, const char* section,
                pipeline_node::role part, const queue_config& default_queue,
                const std::string& node_id, pipeline_config& out) {
  auto group = r.section(pipeline, "pipeline", section);
  auto group_path = join("pipeline", section);
  for (const auto& entry : group) {
    auto name = entry.first.IsScalar() ? entry.first.Scalar() : std::string{};
    if (!valid_name(name)) {
      r.fail(entry.first, group_path,
             fmt::format("'{}' cannot name a node: use letters, digits, '_', '-' and '.'", name));
      continue;
    }
    auto path = join(group_path, name.c_str());
    if (!entry.second.IsMap()) {
      r.fail(entry.second, path, "expected a map with kind and its settings");
      continue;
    }
    const auto& map = entry.second;
    std::vector<std::string> choices;
    auto fits = [part](const kind_rules& k) {
      return k.part == part || (k.stage_too && part == pipeline_node::role::stage);
    };
    for (const auto& k : kinds())
      if (fits(k)) choices.push_back(k.name);
    std::string kind;
    r.read(map, path, "kind", kind, true);
    auto rules = std::find_if(kinds().begin(), kinds().end(),
                              [&](const kind_rules& k) { return fits(k) && k.name == kind; });
    if (rules == kinds().end()) {
      if (!kind.empty()) r.read_choice(map, path, "kind", kind, choices);
      continue;
    }
    pipeline_node node;
    node.name = name;
    node.part = part;
    node.kind = make_kind(static_cast<size_t>(rules - kinds().begin()));
    auto keys = rules->keys;
    keys.push_back("kind");
    if (part != pipeline_node::role::sink) keys.push_back("to");
    if (part != pipeline_node::role::source) keys.push_back("queue");
    r.only_keys(map, path, keys);
    std::visit(parameter_reader{r, map, path, node_id}, node.kind);
    if (auto* offload = std::get_if<offload_sink_config>(&node.kind))
      read_answers(r, map, path, part, *offload);
    if (part != pipeline_node::role::sink) read_targets(r, map, path, node.to);
    node.queue = default_queue;
    if (part != pipeline_node::role::source) read_queue(r, map, path, node.queue);
    if (out.find(name) != nullptr)
      r.fail(entry.first, path, fmt::format("the name '{}' is used twice in the pipeline", name));
    else
      out.nodes.push_back(std::move(node));
  }
}

/// The section of edge.yaml's `pipeline:` that declares nodes of `part`.
const char* section_of(pipeline_node::role part) {
  return part == pipeline_node::role::source  ? "sources"
         : part == pipeline_node::role::stage ? "stages"
                                              : "sinks";
}

/// The YAML node of `name`'s entry, for pointing at it in an error.
YAML::Node entry_of(const YAML::Node& pipeline, const pipeline_node& node) {
  return pipeline[section_of(node.part)][node.name];
}

std::string path_of(const pipeline_node& node) {
  return fmt::format("pipeline.{}.{}", section_of(node.part), node.name);
}

/// Reports a node on a cycle, if there is one.
bool has_cycle(config_reader& r, const YAML::Node& pipeline, const pipeline_config& cfg) {
  enum class mark { unseen, open, done };
  std::map<std::string, mark> marks;
  std::function<const pipeline_node*(const pipeline_node&)> visit =
      [&](const pipeline_node& node) -> const pipeline_node* {
    marks[node.name] = mark::open;
    for (const auto& target : node.to) {
      const auto* next = cfg.find(target);
      if (marks[target] == mark::open) return next;
      if (marks[target] == mark::unseen)
        if (const auto* looped = visit(*next)) return looped;
    }
    marks[node.name] = mark::done;
    return nullptr;
  };
  for (const auto& node : cfg.nodes) {
    if (marks[node.name] != mark::unseen) continue;
    if (const auto* looped = visit(node)) {
      r.fail(entry_of(pipeline, *looped), path_of(*looped),
             "is part of a cycle: items must flow from sources to sinks");
      return true;
    }
  }
  return false;
}

/// The names of `section`'s entries, read or not (a node with a bad kind is left out of `cfg`,
/// but it is there, and naming it is not another error).
std::vector<std::string> declared(const YAML::Node& pipeline, const char* section) {
  std::vector<std::string> out;
  auto group = pipeline[section];
  if (group.IsDefined() && group.IsMap())
    for (const auto& entry : group)
      out.push_back(entry.first.Scalar());
  return out;
}

/// Checks names, reachability, cycles and item types along every link.
void check_wiring(config_reader& r, const YAML::Node& pipeline, const pipeline_config& cfg) {
  std::vector<std::string> names;
  for (const auto* section : {"sources", "stages", "sinks"})
    for (auto& name : declared(pipeline, section))
      names.push_back(std::move(name));
  bool names_ok = true;
  for (const auto& node : cfg.nodes) {
    for (const auto& target : node.to) {
      const auto* next = cfg.find(target);
      auto at = entry_of(pipeline, node)["to"];
      if (next == nullptr && std::find(names.begin(), names.end(), target) != names.end()) {
        names_ok = false; // declared, with a problem of its own already reported
      } else if (next == nullptr) {
        auto suggestion = nearest(target, names);
        r.fail(
            at, path_of(node) + ".to",
            fmt::format("no stage or sink is called '{}'{}", target,
                        suggestion.empty() ? "" : fmt::format("; did you mean '{}'?", suggestion)));
        names_ok = false;
      } else if (next->part == pipeline_node::role::source) {
        r.fail(at, path_of(node) + ".to",
               fmt::format("'{}' is a source: nothing sends to a source", target));
        names_ok = false;
      }
    }
    if (node.part != pipeline_node::role::source && cfg.inputs_of(node.name).empty())
      r.fail(entry_of(pipeline, node), path_of(node),
             "nothing sends to it; name it in a `to:` list");
  }
  if (!names_ok || has_cycle(r, pipeline, cfg)) return;
  // Kahn's order from the sources: a node's items are known once all its inputs' are. A node
  // that cannot take what it gets is reported, and what lies downstream of it is not checked.
  std::map<std::string, size_t> waiting;
  std::map<std::string, std::vector<std::pair<std::string, item_type>>> received;
  std::vector<std::pair<const pipeline_node*, item_type>> ready;
  for (const auto& node : cfg.nodes) {
    waiting[node.name] = cfg.inputs_of(node.name).size();
    if (node.part == pipeline_node::role::source) ready.emplace_back(&node, item_type::sample);
  }
  while (!ready.empty()) {
    auto [node, sends] = ready.back();
    ready.pop_back();
    for (const auto& target : node->to) {
      received[target].emplace_back(node->name, sends);
      if (--waiting[target] != 0) continue;
      const auto* next = cfg.find(target);
      const auto& inputs = received[target];
      auto [first_from, first_type] = inputs.front();
      auto mixed = std::find_if(inputs.begin(), inputs.end(),
                                [&](const auto& input) { return input.second != first_type; });
      if (mixed != inputs.end() && next->part != pipeline_node::role::sink) {
        r.fail(entry_of(pipeline, *next), path_of(*next),
               fmt::format("takes {} from '{}' but {} from '{}': a stage takes one kind of item",
                           type_name(first_type), first_from, type_name(mixed->second),
                           mixed->first));
        continue;
      }
      auto out = output_of(next->kind, first_type);
      if (!out) {
        r.fail(entry_of(pipeline, *next)["kind"], path_of(*next),
               fmt::format("a {} stage takes {}, but '{}' sends it {}", kind_name(next->kind),
                           takes(next->kind), first_from, type_name(first_type)));
        continue;
      }
      ready.emplace_back(next, *out);
    }
  }
}

} // namespace

void read_pipeline(config_reader& r, const YAML::Node& pipeline, const std::string& node_id,
                   pipeline_config& out) {
  if (!pipeline.IsMap()) {
    r.fail(pipeline, "pipeline",
           "is required: the sources, stages and sinks this edge runs (see configs/edge.yaml)");
    return;
  }
  r.only_keys(pipeline, "pipeline", {"queue", "sources", "stages", "sinks"});
  queue_config default_queue;
  read_queue(r, pipeline, "pipeline", default_queue);
  read_nodes(r, pipeline, "sources", pipeline_node::role::source, default_queue, node_id, out);
  read_nodes(r, pipeline, "stages", pipeline_node::role::stage, default_queue, node_id, out);
  read_nodes(r, pipeline, "sinks", pipeline_node::role::sink, default_queue, node_id, out);
  if (declared(pipeline, "sources").empty())
    r.fail(pipeline, "pipeline.sources", "is required: at least one source");
  if (declared(pipeline, "sinks").empty())
    r.fail(pipeline, "pipeline.sinks", "is required: at least one sink");
  check_wiring(r, pipeline, out);
}

} // namespace detail

} // namespace kite
