// Sends requests for offloaded logical actors over the edge's link and matches the answers;
// every request stays pending, and is resent with its sequence number, until answered.
// Actors talk to it as to an actor, but it has no mailbox: a request is sent on the
// requester's thread and its answer delivered from the link thread, with no hop between.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>
#include <caf/expected.hpp>
#include <caf/mailbox_element.hpp>
#include <caf/message.hpp>

#include "kite/runtime/config.hpp"
#include "kite/runtime/link.hpp"

namespace kite::edge {

/// One request waiting for its answer.
struct pending_offload {
  std::string type;
  std::string key;
  caf::message payload;
  /// The requester and its request id, to answer to.
  caf::strong_actor_ptr sender;
  caf::message_id id;
  std::chrono::steady_clock::time_point sent_at;
  uint32_t attempts = 0;
};

/// Counters of an offload router.
struct router_stats {
  uint64_t sent = 0;
  uint64_t retries = 0;
  uint64_t answered = 0;
  uint64_t failed = 0;
  uint64_t refused = 0;
  uint64_t pending = 0;
};

/// Routes offload requests; create it with start().
class offload_router {
public:
  /// Creates a router for `uplink` and starts the link with it.
  static std::shared_ptr<offload_router> start(caf::actor_system& sys, std::shared_ptr<link> uplink,
                                               offload_config cfg);

  ~offload_router();
  offload_router(const offload_router&) = delete;
  offload_router& operator=(const offload_router&) = delete;

  /// Where actors send requests: (offload_atom, actor type, actor key, payload message); the
  /// answer (or a caf::error) comes back as the response to that request.
  caf::actor handle() const;

  /// Resends the requests not answered within retry_interval; the router's timer calls it.
  void retry_due();

  router_stats stats() const;

  /// Stops the link and the timer; requests still pending get no answer. Idempotent.
  void stop();

private:
  /// What one transmission sends.
  struct outgoing {
    uint64_t sequence;
    std::string type;
    std::string key;
    caf::message payload;
    uint32_t attempt;
  };

  offload_router(caf::actor_system& sys, std::shared_ptr<link> uplink, offload_config cfg);

  void on_request(caf::mailbox_element_ptr request);
  void on_response(uint64_t sequence, caf::expected<caf::message> answer);
  void on_up();
  void on_down();
  /// Sends one request over the link; one whose payload can never go on the wire fails.
  void transmit(const outgoing& out);
  /// Marks `req` sent now and returns what to transmit.
  static outgoing next_attempt(uint64_t sequence, pending_offload& req);
  void answer(const pending_offload& req, caf::message content);

  caf::actor_system& sys_;
  std::shared_ptr<link> uplink_;
  offload_config cfg_;
  caf::strong_actor_ptr handle_;
  caf::actor timer_;

  mutable std::mutex mutex_;
  bool stopped_ = false;
  bool up_ = false;
  uint64_t next_sequence_ = 1;
  std::map<uint64_t, pending_offload> pending_;

  std::atomic<uint64_t> sent_{0};
  std::atomic<uint64_t> retries_{0};
  std::atomic<uint64_t> answered_{0};
  std::atomic<uint64_t> failed_{0};
  std::atomic<uint64_t> refused_{0};
};

} // namespace kite::edge
