#include <spdlog/spdlog.h>

#include "kite/actors/item_value.hpp"
#include "kite/actors/stages.hpp"

namespace kite::actors {

namespace {

class log_sink final : public stage_logic {
public:
  log_sink(const log_sink_config& cfg, std::string node)
      : level_(spdlog::level::from_str(cfg.level)), node_(std::move(node)) {}

  void on_item(const caf::message& in, clock_type::time_point,
               std::vector<caf::message>&) override {
    spdlog::log(level_, "{}: {}", node_, item_text(in));
  }

private:
  spdlog::level::level_enum level_;
  std::string node_;
};

} // namespace

std::unique_ptr<stage_logic> make_log_sink(const log_sink_config& cfg, std::string node) {
  return std::make_unique<log_sink>(cfg, std::move(node));
}

} // namespace kite::actors
