#include "child_proxy.hpp"

#include <fmt/format.h>

#include "kite/runtime/companion.hpp"
#include "kite/runtime/error.hpp"

namespace kite::detail {

child_proxy::child_proxy(caf::actor_system& sys, std::string id, size_t max_waiting)
    : sys_(sys), id_(std::move(id)), max_waiting_(max_waiting) {
  handle_ = spawn_companion(sys_, [this](caf::mailbox_element_ptr msg) {
    if (msg) on_message(std::move(msg));
  });
}

child_proxy::~child_proxy() {
  auto reason = caf::make_error(caf::sec::request_receiver_down);
  close(reason);
  retire_companion(sys_, handle_, [reason](caf::mailbox_element_ptr msg) {
    if (msg) bounce(*msg, reason);
  });
}

caf::actor child_proxy::handle() const {
  return caf::actor_cast<caf::actor>(handle_);
}

void child_proxy::on_message(caf::mailbox_element_ptr msg) {
  std::unique_lock<std::mutex> guard{mutex_};
  if (current_) {
    // Forwarded under the lock, so nothing overtakes what attach() is still handing over.
    current_->enqueue(std::move(msg), nullptr);
    return;
  }
  if (!closed_ && waiting_.size() < max_waiting_) {
    waiting_.push_back(std::move(msg));
    return;
  }
  ++dropped_;
  auto reason = closed_ ? closed_
                        : make_error(errc::overloaded,
                                     fmt::format("child '{}' is restarting and already holds {} "
                                                 "messages",
                                                 id_, waiting_.size()));
  guard.unlock();
  bounce(*msg, reason);
}

void child_proxy::attach(const caf::actor& incarnation) {
  std::lock_guard<std::mutex> guard{mutex_};
  current_ = caf::actor_cast<caf::strong_actor_ptr>(incarnation);
  closed_ = caf::error{}; // a temporary child that ended runs again in its supervisor's next life
  for (auto& msg : waiting_)
    current_->enqueue(std::move(msg), nullptr);
  waiting_.clear();
}

void child_proxy::detach() {
  std::lock_guard<std::mutex> guard{mutex_};
  current_ = nullptr;
}

void child_proxy::close(const caf::error& reason) {
  std::deque<caf::mailbox_element_ptr> failed;
  {
    std::lock_guard<std::mutex> guard{mutex_};
    current_ = nullptr;
    closed_ = reason;
    failed.swap(waiting_);
    dropped_ += failed.size();
  }
  for (auto& msg : failed)
    bounce(*msg, reason);
}

uint64_t child_proxy::dropped() const {
  std::lock_guard<std::mutex> guard{mutex_};
  return dropped_;
}

} // namespace kite::detail
