#include "kite/actors/stages.hpp"

namespace kite::actors {

namespace {

class downsample final : public stage_logic {
public:
  explicit downsample(const downsample_config& cfg) : every_(cfg.every) {}

  void on_item(const caf::message& in, clock_type::time_point,
               std::vector<caf::message>& out) override {
    if (seen_++ % every_ == 0) out.push_back(in);
  }

private:
  uint64_t every_;
  uint64_t seen_ = 0;
};

} // namespace

std::unique_ptr<stage_logic> make_downsample(const downsample_config& cfg) {
  return std::make_unique<downsample>(cfg);
}

} // namespace kite::actors
