#include "outbox.hpp"

#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>

namespace kite::detail {

outbox::outbox() : fd_(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) {
  if (fd_ < 0) throw std::runtime_error(std::string{"eventfd: "} + std::strerror(errno));
}

outbox::~outbox() {
  ::close(fd_);
}

void outbox::push(outgoing_frame frame) {
  bool was_empty = false;
  {
    std::lock_guard<std::mutex> guard{mutex_};
    was_empty = queue_.empty();
    queue_.push_back(std::move(frame));
  }
  // Only the push that makes the queue non-empty needs a syscall: the consumer drains all.
  if (was_empty) wake();
}

void outbox::wake() {
  uint64_t one = 1;
  // A full counter (impossible in practice) still leaves the fd readable, so ignore the result.
  static_cast<void>(::write(fd_, &one, sizeof(one)));
}

bool outbox::empty() {
  std::lock_guard<std::mutex> guard{mutex_};
  return queue_.empty();
}

void outbox::drain(std::vector<outgoing_frame>& out) {
  uint64_t count = 0;
  // Clear the wakeup before taking the queue, so a push racing with us wakes the next poll.
  static_cast<void>(::read(fd_, &count, sizeof(count)));
  std::lock_guard<std::mutex> guard{mutex_};
  out.swap(queue_);
}

} // namespace kite::detail
