// A response handler that accepts an answer of any type: CAF 0.17's `then` needs the answer's
// types at compile time, but a host that relays requests for user actor types cannot know them.
#pragma once

#include <functional>

#include <caf/behavior.hpp>
#include <caf/detail/behavior_impl.hpp>
#include <caf/error.hpp>
#include <caf/message.hpp>

namespace kite {

/// Called with the answer, or with the error (timeout, actor down, handler failure).
using any_response_handler = std::function<void(caf::expected<caf::message>)>;

/// Makes a behavior that matches any message once and passes it to `handler`.
caf::behavior any_response(any_response_handler handler);

/// Sends `msg` as a request from `self` to `dest` and calls `handler` with whatever comes back.
template <class Self>
void request_any(Self* self, const caf::actor& dest, caf::duration timeout, caf::message msg,
                 any_response_handler handler) {
  auto handle = self->request(dest, timeout, std::move(msg));
  self->add_multiplexed_response_handler(handle.id(), any_response(std::move(handler)));
}

} // namespace kite
