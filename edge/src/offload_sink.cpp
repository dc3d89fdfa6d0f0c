#include "kite/edge/offload_sink.hpp"

#include <caf/message_view.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "kite/runtime/any_response.hpp"
#include "kite/runtime/error.hpp"
#include "kite/runtime/protocol.hpp"

namespace kite::edge {

caf::behavior offload_sink(caf::stateful_actor<offload_sink_state>* self, caf::actor router,
                           target_config target) {
  self->state.router = std::move(router);
  self->state.target = std::move(target);
  // Any stage output goes out as it is: the sink does not need to know the stage's types.
  self->set_default_handler([self](caf::scheduled_actor*,
                                   caf::message_view& view) -> caf::result<caf::message> {
    auto& s = self->state;
    // Outputs take turns over the target's keys: key-0, key-1, ... when there are several.
    auto key = s.target.keys > 1 ? fmt::format("{}-{}", s.target.key, s.sent % s.target.keys)
                                 : s.target.key;
    ++s.sent;
    auto request =
        caf::make_message(offload_atom::value, s.target.type, key, view.move_content_to_message());
    request_any(
        self, s.router, caf::infinite, std::move(request),
        [self, key](caf::expected<caf::message> answer) {
          auto& s = self->state;
          if (answer) {
            ++s.answered;
            spdlog::info("({}, {}) answered {}", s.target.type, key, caf::to_string(*answer));
          } else {
            ++s.failed;
            spdlog::warn("({}, {}) failed: {}", s.target.type, key, describe(answer.error()));
          }
        });
    return caf::message{};
  });
  return {
      [self](stats_atom) {
        return std::map<std::string, uint64_t>{{"answered", self->state.answered},
                                               {"failed", self->state.failed}};
      },
  };
}

} // namespace kite::edge
