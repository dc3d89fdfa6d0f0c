#include "kite/actors/item_value.hpp"
#include "kite/actors/stages.hpp"

namespace kite::actors {

namespace {

class filter final : public stage_logic {
public:
  explicit filter(const filter_config& cfg) : cfg_(cfg) {}

  void on_item(const caf::message& in, clock_type::time_point,
               std::vector<caf::message>& out) override {
    auto value = item_value(in, cfg_.value);
    if (value && *value >= cfg_.min && *value <= cfg_.max) out.push_back(in);
  }

private:
  filter_config cfg_;
};

} // namespace

std::unique_ptr<stage_logic> make_filter(const filter_config& cfg) {
  return std::make_unique<filter>(cfg);
}

} // namespace kite::actors
