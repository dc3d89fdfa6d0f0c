// The queue actors hand outgoing frames to; an eventfd wakes the link thread's poll.
#pragma once

#include <cstdint>
#include <mutex>
#include <vector>

namespace kite::detail {

/// What a server's outgoing frame is, for the duplicate window.
enum class frame_role : uint8_t {
  /// An answer to a handled request: kept for resends.
  answer,
  /// A refusal of a fenced request, which was not handled: forgotten.
  refusal,
  /// A snapshot, no answer at all.
  snapshot,
};

/// One frame waiting for the link thread: header and payload parts; for servers, the peer,
/// sequence and epoch of the request it answers, and its role.
struct outgoing_frame {
  uint64_t peer = 0;
  uint64_t sequence = 0;
  uint64_t epoch = 0;
  frame_role role = frame_role::answer;
  std::vector<char> header;
  std::vector<char> payload;
};

/// A many-producer, one-consumer queue whose consumer waits on `fd()` with zmq_poll.
class outbox {
public:
  outbox();
  ~outbox();
  outbox(const outbox&) = delete;
  outbox& operator=(const outbox&) = delete;

  /// Queues a frame from any thread; wakes the consumer when the queue was empty.
  void push(outgoing_frame frame);

  /// Whether no frame waits; another thread may queue one at any time.
  bool empty();

  /// Wakes the consumer without a frame (to stop it, for instance).
  void wake();

  /// Consumer: clears the wakeup, then moves every queued frame into `out`.
  void drain(std::vector<outgoing_frame>& out);

  /// The eventfd to poll for readability.
  int fd() const { return fd_; }

private:
  int fd_;
  std::mutex mutex_;
  std::vector<outgoing_frame> queue_;
};

} // namespace kite::detail
