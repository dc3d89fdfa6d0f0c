#include "kite/runtime/log.hpp"

#include <fmt/format.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include "kite/runtime/error.hpp"

namespace kite {

caf::error setup_logging(const std::string& node_name, const std::string& level) {
  auto parsed = spdlog::level::from_str(level);
  // spdlog maps unknown names to "off"; only the word "off" itself may mean that.
  if (parsed == spdlog::level::off && level != "off")
    return make_error(errc::config,
                      fmt::format("unknown log level '{}'; expected trace, debug, info, warn, "
                                  "error or off",
                                  level));
  auto logger = std::make_shared<spdlog::logger>(node_name.empty() ? "kite" : node_name,
                                                 std::make_shared<spdlog::sinks::stderr_sink_mt>());
  logger->set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ [%n] %v");
  logger->set_level(parsed);
  logger->flush_on(spdlog::level::info);
  spdlog::set_default_logger(logger);
  return caf::none;
}

} // namespace kite
