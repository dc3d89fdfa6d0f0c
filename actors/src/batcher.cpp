#include <algorithm>

#include "kite/actors/messages.hpp"
#include "kite/actors/stages.hpp"

namespace kite::actors {

namespace {

class batcher final : public stage_logic {
public:
  explicit batcher(const batcher_config& cfg) : cfg_(cfg) {}

  void on_item(const caf::message& in, clock_type::time_point now,
               std::vector<caf::message>& out) override {
    if (!in.match_elements<sensor_sample>()) return;
    if (batch_.samples.empty()) oldest_at_ = now;
    batch_.samples.push_back(in.get_as<sensor_sample>(0));
    if (batch_.samples.size() >= cfg_.size) send(out);
  }

  // Four checks per max_delay: a partial batch leaves at most a quarter late; not more often
  // than each millisecond, which a tiny max_delay would ask for.
  clock_type::duration tick_interval() const override {
    return std::max<clock_type::duration>(cfg_.max_delay / 4, std::chrono::milliseconds{1});
  }

  void on_tick(clock_type::time_point now, std::vector<caf::message>& out) override {
    if (!batch_.samples.empty() && now - oldest_at_ >= cfg_.max_delay) send(out);
  }

  void on_end(std::vector<caf::message>& out) override {
    if (!batch_.samples.empty()) send(out);
  }

private:
  void send(std::vector<caf::message>& out) {
    out.push_back(caf::make_message(std::move(batch_)));
    batch_ = {};
  }

  batcher_config cfg_;
  sample_batch batch_;
  clock_type::time_point oldest_at_;
};

} // namespace

std::unique_ptr<stage_logic> make_batcher(const batcher_config& cfg) {
  return std::make_unique<batcher>(cfg);
}

} // namespace kite::actors
