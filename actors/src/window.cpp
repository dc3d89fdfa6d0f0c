#include <algorithm>
#include <deque>
#include <numeric>

#include "kite/actors/item_value.hpp"
#include "kite/actors/messages.hpp"
#include "kite/actors/stages.hpp"

namespace kite::actors {

namespace {

class window final : public stage_logic {
public:
  explicit window(const window_config& cfg) : size_(cfg.size) { selector_.channel = cfg.channel; }

  void on_item(const caf::message& in, clock_type::time_point,
               std::vector<caf::message>& out) override {
    auto value = item_value(in, selector_);
    if (!value) return; // an empty sample, or one without the followed channel
    values_.push_back(*value);
    if (values_.size() > size_) values_.pop_front();
    feature f;
    std::tie(f.sequence, f.timestamp_ns) = item_origin(in);
    f.mean =
        std::accumulate(values_.begin(), values_.end(), 0.0) / static_cast<double>(values_.size());
    auto [lo, hi] = std::minmax_element(values_.begin(), values_.end());
    f.min = *lo;
    f.max = *hi;
    out.push_back(caf::make_message(f));
  }

private:
  size_t size_;
  value_selector selector_;
  std::deque<double> values_;
};

} // namespace

std::unique_ptr<stage_logic> make_window(const window_config& cfg) {
  return std::make_unique<window>(cfg);
}

} // namespace kite::actors
