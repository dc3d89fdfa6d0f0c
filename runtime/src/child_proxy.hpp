// The stable handle of a supervised child: forwards every message to the child's current
// incarnation and holds messages while it restarts, so senders never need a new handle.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>
#include <caf/error.hpp>
#include <caf/mailbox_element.hpp>

namespace kite::detail {

class child_proxy {
public:
  /// Holds at most `max_waiting` messages while the child is down; requests beyond that fail.
  child_proxy(caf::actor_system& sys, std::string id, size_t max_waiting);
  ~child_proxy();
  child_proxy(const child_proxy&) = delete;
  child_proxy& operator=(const child_proxy&) = delete;

  caf::actor handle() const;

  /// A new incarnation runs (after a close too): the messages held for it go first, in the
  /// order they came.
  void attach(const caf::actor& incarnation);

  /// The child is down and will be restarted: hold what comes meanwhile.
  void detach();

  /// The child will not come back: fail the held requests and every later one with `reason`.
  void close(const caf::error& reason);

  /// Messages dropped because the holding queue was full or the child was gone for good.
  uint64_t dropped() const;

private:
  void on_message(caf::mailbox_element_ptr msg);

  caf::actor_system& sys_;
  std::string id_;
  size_t max_waiting_;
  caf::strong_actor_ptr handle_;

  mutable std::mutex mutex_;
  caf::strong_actor_ptr current_;
  std::deque<caf::mailbox_element_ptr> waiting_;
  caf::error closed_;
  uint64_t dropped_ = 0;
};

} // namespace kite::detail
