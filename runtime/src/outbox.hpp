// The queue actors hand outgoing frames to; an eventfd wakes the link thread's poll.
#pragma once

#include <cstdint>
#include <mutex>
#include <vector>

namespace kite::detail {

/// One frame waiting for the link thread: header and payload parts; for servers, the answer's
/// peer, sequence and epoch.
struct outgoing_frame {
  uint64_t peer = 0;
  uint64_t sequence = 0;
  uint64_t epoch = 0;
  /// A refusal of a fenced request, which leaves no trace in the duplicate window.
  bool refusal = false;
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
