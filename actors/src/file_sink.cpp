#include <cerrno>
#include <cstdio>
#include <cstring>
#include <stdexcept>

#include <fmt/format.h>

#include "kite/actors/item_value.hpp"
#include "kite/actors/stages.hpp"

namespace kite::actors {

namespace {

class file_sink final : public stage_logic {
public:
  explicit file_sink(const file_sink_config& cfg)
      : path_(cfg.path), file_(std::fopen(cfg.path.c_str(), "a")) {
    if (file_ == nullptr)
      throw std::runtime_error(
          fmt::format("{}: cannot open for appending: {}", path_, std::strerror(errno)));
  }
  ~file_sink() override { std::fclose(file_); }
  file_sink(const file_sink&) = delete;
  file_sink& operator=(const file_sink&) = delete;

  void on_item(const caf::message& in, clock_type::time_point,
               std::vector<caf::message>&) override {
    // Flushed per line: a reader (or a crash) never sees half of one.
    if (std::fprintf(file_, "%s\n", item_text(in).c_str()) < 0 || std::fflush(file_) != 0)
      throw std::runtime_error(fmt::format("{}: cannot write: {}", path_, std::strerror(errno)));
  }

private:
  std::string path_;
  std::FILE* file_;
};

} // namespace

std::unique_ptr<stage_logic> make_file_sink(const file_sink_config& cfg) {
  return std::make_unique<file_sink>(cfg);
}

} // namespace kite::actors
