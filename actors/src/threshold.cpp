#include "kite/actors/item_value.hpp"
#include "kite/actors/messages.hpp"
#include "kite/actors/stages.hpp"

namespace kite::actors {

namespace {

class threshold final : public stage_logic {
public:
  explicit threshold(const threshold_config& cfg) : cfg_(cfg) {}

  void on_item(const caf::message& in, clock_type::time_point,
               std::vector<caf::message>& out) override {
    auto value = item_value(in, cfg_.value);
    if (!value) return;
    // The value's distance past the limit, positive beyond it, for above and below alike; a
    // raised alarm clears only once the value is back by more than the hysteresis.
    auto past = cfg_.above ? *value - *cfg_.above : *cfg_.below - *value;
    bool crossed = raised_ ? past >= -cfg_.hysteresis : past > 0;
    if (crossed == raised_) return;
    raised_ = crossed;
    alarm a;
    std::tie(a.sequence, a.timestamp_ns) = item_origin(in);
    a.value = *value;
    a.limit = cfg_.above ? *cfg_.above : *cfg_.below;
    a.raised = raised_;
    out.push_back(caf::make_message(a));
  }

private:
  threshold_config cfg_;
  bool raised_ = false;
};

} // namespace

std::unique_ptr<stage_logic> make_threshold(const threshold_config& cfg) {
  return std::make_unique<threshold>(cfg);
}

} // namespace kite::actors
