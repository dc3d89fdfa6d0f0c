#include "kite/actors/stages.hpp"

#include <chrono>
#include <sstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "kite/actors/item_value.hpp"
#include "kite/actors/messages.hpp"

using namespace kite::actors;
using namespace std::chrono_literals;
using kite::value_selector;

namespace {

using clock_type = stage_logic::clock_type;

const auto t0 = clock_type::time_point{} + 1h;

caf::message sample(uint64_t sequence, std::vector<float> values) {
  return caf::make_message(
      sensor_sample{sequence, static_cast<int64_t>(sequence) * 1000, std::move(values)});
}

caf::message feature_of(uint64_t sequence, double mean, double min, double max) {
  return caf::make_message(
      feature{sequence, static_cast<int64_t>(sequence) * 1000, mean, min, max});
}

/// What `logic` passes on for `items`, all handled at `now`.
std::vector<caf::message> feed(stage_logic& logic, const std::vector<caf::message>& items,
                               clock_type::time_point now = t0) {
  std::vector<caf::message> out;
  for (const auto& in : items)
    logic.on_item(in, now, out);
  return out;
}

/// The sequence numbers of samples or features, in order; 0 for anything else.
std::vector<uint64_t> sequences(const std::vector<caf::message>& items) {
  std::vector<uint64_t> out;
  for (const auto& item : items) {
    if (item.match_elements<sensor_sample>())
      out.push_back(item.get_as<sensor_sample>(0).sequence);
    else if (item.match_elements<feature>())
      out.push_back(item.get_as<feature>(0).sequence);
    else
      out.push_back(0);
  }
  return out;
}

/// The sequence numbers in each batch, in order; fails on anything that is not a batch.
std::vector<std::vector<uint64_t>> batches(const std::vector<caf::message>& items) {
  std::vector<std::vector<uint64_t>> out;
  for (const auto& item : items) {
    REQUIRE(item.match_elements<sample_batch>());
    out.emplace_back();
    for (const auto& s : item.get_as<sample_batch>(0).samples)
      out.back().push_back(s.sequence);
  }
  return out;
}

/// Feeds one value to a threshold as a one-channel sample; the alarm it sent, if any, as
/// "raised 11" or "cleared 7.5".
std::string alarm_for(stage_logic& logic, uint64_t sequence, float value) {
  auto out = feed(logic, {sample(sequence, {value})});
  if (out.empty()) return "";
  REQUIRE(out.size() == 1);
  REQUIRE(out[0].match_elements<alarm>());
  const auto& a = out[0].get_as<alarm>(0);
  CHECK(a.sequence == sequence);
  CHECK(a.value == value);
  std::ostringstream text;
  text << (a.raised ? "raised " : "cleared ") << a.value;
  return text.str();
}

using sequence_list = std::vector<uint64_t>;

} // namespace

TEST_CASE("filter passes samples whose channel lies within min and max, bounds included") {
  kite::filter_config cfg;
  cfg.value.channel = 1;
  cfg.min = 0;
  cfg.max = 10;
  auto filter = make_filter(cfg);
  auto out = feed(*filter, {sample(1, {50, -1}), sample(2, {50, 0}), sample(3, {-50, 5}),
                            sample(4, {50, 10}), sample(5, {5, 11}), sample(6, {5})});
  CHECK(sequences(out) == sequence_list{2, 3, 4}); // 6 has no channel 1
}

TEST_CASE("filter without a channel looks at the mean of all channels") {
  kite::filter_config cfg;
  cfg.min = 2;
  cfg.max = 3;
  auto filter = make_filter(cfg);
  auto out = feed(*filter, {sample(1, {1, 3}), sample(2, {1, 2}), sample(3, {0, 6, 3}),
                            sample(4, {2.5}), sample(5, {})});
  CHECK(sequences(out) == sequence_list{1, 3, 4}); // 5 has no value at all
}

TEST_CASE("filter looks at the chosen statistic of a feature and drops other items") {
  kite::filter_config cfg;
  cfg.min = 0.5;
  cfg.value.of_feature = value_selector::statistic::max;
  auto by_max = make_filter(cfg);
  auto items = std::vector<caf::message>{feature_of(1, 0.1, 0.0, 0.9), feature_of(2, 0.6, 0.2, 0.4),
                                         caf::make_message(alarm{3, 0, 1, 1, true}),
                                         caf::make_message(std::string{"text"})};
  CHECK(sequences(feed(*by_max, items)) == sequence_list{1});
  cfg.value.of_feature = value_selector::statistic::mean;
  CHECK(sequences(feed(*make_filter(cfg), items)) == sequence_list{2});
  cfg.value.of_feature = value_selector::statistic::min;
  CHECK(sequences(feed(*make_filter(cfg), items)).empty());
}

TEST_CASE("item value reduces a range of channels, bounds included, to its mean, min or max") {
  value_selector selector;
  selector.channels = value_selector::channel_range{1, 3};
  auto item = sample(1, {100, 4, -2, 7, -100});
  CHECK(item_value(item, selector) == 3.0); // (4 - 2 + 7) / 3
  selector.reduce = value_selector::statistic::min;
  CHECK(item_value(item, selector) == -2.0);
  selector.reduce = value_selector::statistic::max;
  CHECK(item_value(item, selector) == 7.0);
  selector.channels = value_selector::channel_range{4, 4};
  CHECK(item_value(item, selector) == -100.0);
}

TEST_CASE("item value reduces all channels when neither channel nor channels is set") {
  value_selector selector;
  auto item = sample(1, {3, -1, 4, 1.5f});
  CHECK(item_value(item, selector) == 1.875);
  selector.reduce = value_selector::statistic::min;
  CHECK(item_value(item, selector) == -1.0);
  selector.reduce = value_selector::statistic::max;
  CHECK(item_value(item, selector) == 4.0);
  CHECK_FALSE(item_value(sample(2, {}), selector));
}

TEST_CASE("item value has none for a sample without the range's last channel, and reduce leaves "
          "features and one channel alone") {
  value_selector selector;
  selector.channels = value_selector::channel_range{1, 3};
  selector.reduce = value_selector::statistic::min;
  CHECK_FALSE(item_value(sample(1, {1, 2, 3}), selector));
  CHECK(item_value(sample(2, {1, 2, 3, 4}), selector) == 2.0);
  CHECK(item_value(feature_of(3, 0.5, 0.25, 0.75), selector) == 0.5); // the feature's mean
  selector.channels.reset();
  selector.channel = 2;
  CHECK(item_value(sample(4, {1, 2, 3}), selector) == 3.0);
}

TEST_CASE("threshold below on the min of a channel range raises for an obstacle in that range "
          "only, and ignores a short sample") {
  kite::threshold_config cfg;
  cfg.value.channels = value_selector::channel_range{150, 210};
  cfg.value.reduce = value_selector::statistic::min;
  cfg.below = 0.35;
  auto threshold = make_threshold(cfg);
  auto scan = [](float nearest_in_range, float nearest_outside) {
    std::vector<float> ranges(363, 4.0f);
    ranges[180] = nearest_in_range;
    ranges[20] = nearest_outside;
    return ranges;
  };
  CHECK(feed(*threshold, {sample(1, scan(2, 0.1f))}).empty()); // close, but outside the range
  CHECK(feed(*threshold, {sample(2, std::vector<float>(200, 0.1f))}).empty()); // no channel 210
  auto out = feed(*threshold, {sample(3, scan(0.3f, 4))});
  REQUIRE(out.size() == 1);
  CHECK(out[0].get_as<alarm>(0).raised);
  CHECK(out[0].get_as<alarm>(0).value == Approx(0.3));
  out = feed(*threshold, {sample(4, std::vector<float>(200, 4.0f)), sample(5, scan(1, 4))});
  REQUIRE(out.size() == 1); // the short sample neither raised nor cleared
  CHECK(out[0].get_as<alarm>(0).sequence == 5);
  CHECK_FALSE(out[0].get_as<alarm>(0).raised);
}

TEST_CASE("filter passes samples by the max of a channel range and drops those without it") {
  kite::filter_config cfg;
  cfg.value.channels = value_selector::channel_range{0, 1};
  cfg.value.reduce = value_selector::statistic::max;
  cfg.max = 5;
  auto filter = make_filter(cfg);
  auto out = feed(*filter, {sample(1, {1, 6, 0}), sample(2, {5, 2, 100}), sample(3, {1})});
  CHECK(sequences(out) == sequence_list{2});
}

TEST_CASE("downsample passes the first item and then one in every N") {
  kite::downsample_config cfg;
  cfg.every = 3;
  auto downsample = make_downsample(cfg);
  std::vector<caf::message> items;
  for (uint64_t i = 1; i <= 8; ++i)
    items.push_back(sample(i, {1}));
  CHECK(sequences(feed(*downsample, items)) == sequence_list{1, 4, 7});
  cfg.every = 1;
  CHECK(sequences(feed(*make_downsample(cfg), items)).size() == 8);
}

TEST_CASE("window sends the mean, min and max of the last N samples, each with its origin") {
  kite::window_config cfg;
  cfg.size = 3;
  auto window = make_window(cfg);
  // Means of all channels: 1, 2, 3, 4.
  auto out =
      feed(*window, {sample(1, {0, 2}), sample(2, {1, 3}), sample(3, {6, 0}), sample(4, {2, 6})});
  REQUIRE(out.size() == 4);
  auto f = [&](size_t i) { return out[i].get_as<feature>(0); };
  CHECK(f(0).sequence == 1);
  CHECK(f(0).timestamp_ns == 1000);
  CHECK(f(0).mean == 1);
  CHECK(f(0).min == 1);
  CHECK(f(0).max == 1);
  CHECK(f(1).mean == 1.5);
  CHECK(f(2).mean == 2);
  CHECK(f(2).min == 1);
  CHECK(f(2).max == 3);
  // The first sample has left the window of three.
  CHECK(f(3).sequence == 4);
  CHECK(f(3).timestamp_ns == 4000);
  CHECK(f(3).mean == 3);
  CHECK(f(3).min == 2);
  CHECK(f(3).max == 4);
}

TEST_CASE("window follows one channel, and a sample without it does not enter the window") {
  kite::window_config cfg;
  cfg.size = 2;
  cfg.channel = 1;
  auto window = make_window(cfg);
  auto out = feed(*window, {sample(1, {100, 1}), sample(2, {100}), sample(3, {-100, 5})});
  REQUIRE(sequences(out) == sequence_list{1, 3});
  const auto& last = out[1].get_as<feature>(0);
  CHECK(last.mean == 3);
  CHECK(last.min == 1);
  CHECK(last.max == 5);
}

TEST_CASE("threshold above raises once, stays quiet while above, and clears only past the "
          "hysteresis") {
  kite::threshold_config cfg;
  cfg.value.channel = 0;
  cfg.above = 10;
  cfg.hysteresis = 2;
  auto threshold = make_threshold(cfg);
  CHECK(alarm_for(*threshold, 1, 5) == "");
  CHECK(alarm_for(*threshold, 2, 10) == ""); // at the limit is not above it
  CHECK(alarm_for(*threshold, 3, 11) == "raised 11");
  CHECK(alarm_for(*threshold, 4, 12) == "");
  CHECK(alarm_for(*threshold, 5, 9) == ""); // back under the limit, within the hysteresis
  CHECK(alarm_for(*threshold, 6, 8.5f) == "");
  CHECK(alarm_for(*threshold, 7, 7.5f) == "cleared 7.5");
  CHECK(alarm_for(*threshold, 8, 9) == "");
  CHECK(alarm_for(*threshold, 9, 10.5f) == "raised 10.5");
}

TEST_CASE("threshold does not clear at exactly the limit minus the hysteresis") {
  kite::threshold_config cfg;
  cfg.above = 10;
  cfg.hysteresis = 2;
  auto threshold = make_threshold(cfg);
  CHECK(alarm_for(*threshold, 1, 11) == "raised 11");
  CHECK(alarm_for(*threshold, 2, 8) == ""); // back by exactly the hysteresis, not by more
  CHECK(alarm_for(*threshold, 3, 7.75f) == "cleared 7.75");
}

TEST_CASE("threshold below raises under the limit and clears only above limit plus hysteresis") {
  kite::threshold_config cfg;
  cfg.below = 0;
  cfg.hysteresis = 1;
  auto threshold = make_threshold(cfg);
  CHECK(alarm_for(*threshold, 1, 1) == "");
  CHECK(alarm_for(*threshold, 2, -0.5f) == "raised -0.5");
  CHECK(alarm_for(*threshold, 3, -2) == "");
  CHECK(alarm_for(*threshold, 4, 0.5f) == "");
  CHECK(alarm_for(*threshold, 5, 1.5f) == "cleared 1.5");
  CHECK(alarm_for(*threshold, 6, 0.5f) == "");
  CHECK(alarm_for(*threshold, 7, -1) == "raised -1");
}

TEST_CASE("threshold names its limit and looks at a feature's chosen statistic") {
  kite::threshold_config cfg;
  cfg.value.of_feature = value_selector::statistic::max;
  cfg.above = 0.9;
  auto threshold = make_threshold(cfg);
  CHECK(feed(*threshold, {feature_of(1, 0.5, 0.1, 0.85)}).empty());
  auto out = feed(*threshold, {feature_of(2, 0.5, 0.1, 0.95)});
  REQUIRE(out.size() == 1);
  const auto& a = out[0].get_as<alarm>(0);
  CHECK(a.raised);
  CHECK(a.sequence == 2);
  CHECK(a.timestamp_ns == 2000);
  CHECK(a.value == 0.95);
  CHECK(a.limit == 0.9);
}

TEST_CASE("batcher sends a full batch as soon as it holds size samples, and ignores other items") {
  kite::batcher_config cfg;
  cfg.size = 3;
  auto batcher = make_batcher(cfg);
  std::vector<caf::message> items;
  for (uint64_t i = 1; i <= 7; ++i) {
    items.push_back(sample(i, {1}));
    items.push_back(feature_of(100 + i, 1, 1, 1));
  }
  auto out = feed(*batcher, items);
  CHECK(batches(out) == std::vector<sequence_list>{{1, 2, 3}, {4, 5, 6}});
  std::vector<caf::message> rest;
  batcher->on_end(rest);
  CHECK(batches(rest) == std::vector<sequence_list>{{7}});
}

TEST_CASE("batcher sends a partial batch on the tick once the oldest sample waited max_delay") {
  kite::batcher_config cfg;
  cfg.size = 10;
  cfg.max_delay = 1000ms;
  auto batcher = make_batcher(cfg);
  CHECK(batcher->tick_interval() == 250ms);
  std::vector<caf::message> out;
  batcher->on_item(sample(1, {1}), t0, out);
  batcher->on_item(sample(2, {1}), t0 + 600ms, out);
  batcher->on_tick(t0 + 999ms, out);
  CHECK(out.empty());
  batcher->on_tick(t0 + 1000ms, out);
  CHECK(batches(out) == std::vector<sequence_list>{{1, 2}});
  out.clear();
  batcher->on_tick(t0 + 5000ms, out);
  CHECK(out.empty()); // nothing held
  // The next batch's clock starts with its own first sample.
  batcher->on_item(sample(3, {1}), t0 + 5500ms, out);
  batcher->on_tick(t0 + 6499ms, out);
  CHECK(out.empty());
  batcher->on_tick(t0 + 6500ms, out);
  CHECK(batches(out) == std::vector<sequence_list>{{3}});
}

TEST_CASE("batcher flushes what it holds when its input ends, and nothing when it holds nothing") {
  kite::batcher_config cfg;
  cfg.size = 10;
  auto batcher = make_batcher(cfg);
  std::vector<caf::message> out;
  batcher->on_end(out);
  CHECK(out.empty());
  batcher->on_item(sample(1, {1}), t0, out);
  batcher->on_item(sample(2, {2}), t0, out);
  CHECK(out.empty());
  batcher->on_end(out);
  REQUIRE(batches(out) == std::vector<sequence_list>{{1, 2}});
  CHECK(out[0].get_as<sample_batch>(0).samples[1].values == std::vector<float>{2});
  out.clear();
  batcher->on_end(out);
  CHECK(out.empty());
}
