#include "kite/runtime/companion.hpp"

#include <caf/actor_cast.hpp>
#include <caf/actor_companion.hpp>
#include <caf/scoped_execution_unit.hpp>

namespace kite {

namespace {

caf::actor_companion& companion(const caf::strong_actor_ptr& handle) {
  return *static_cast<caf::actor_companion*>(caf::actor_cast<caf::abstract_actor*>(handle));
}

} // namespace

caf::strong_actor_ptr spawn_companion(caf::actor_system& sys, companion_handler handler) {
  auto handle = caf::actor_cast<caf::strong_actor_ptr>(sys.spawn<caf::actor_companion>());
  companion(handle).on_enqueue(std::move(handler));
  return handle;
}

void retire_companion(caf::actor_system& sys, const caf::strong_actor_ptr& handle,
                      companion_handler afterwards) {
  // CAF 0.17 declares actor_companion::disconnect but never defines it; this is its body.
  // on_enqueue swaps the handler under the companion's lock, after running calls return.
  companion(handle).on_enqueue(std::move(afterwards));
  caf::scoped_execution_unit context{&sys};
  companion(handle).cleanup(caf::make_error(caf::exit_reason::user_shutdown), &context);
}

void bounce(const caf::mailbox_element& msg, const caf::error& reason) {
  if (msg.sender && msg.mid.is_request())
    msg.sender->enqueue(
        caf::make_mailbox_element(nullptr, msg.mid.response_id(), {}, caf::make_message(reason)),
        nullptr);
}

} // namespace kite
