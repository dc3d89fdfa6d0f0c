// ZeroMQ links between nodes: one thread per link serves its sockets and bridges them to actors;
// a thread that sends while it waits sends itself, under the link's mutex (docs/wire.md).
// Servers (workers) bind a ROUTER and authenticate clients with CURVE and a ZAP allowlist;
// clients (edges) connect a DEALER outbound, say hello, heartbeat and reconnect with backoff.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>
#include <caf/expected.hpp>
#include <caf/message.hpp>

#include "kite/runtime/config.hpp"
#include "kite/runtime/keys.hpp"
#include "kite/runtime/message_types.hpp"
#include "kite/runtime/wire.hpp"

namespace kite {

/// Counters of one link, written by its thread and readable from any thread.
struct link_stats {
  std::atomic<uint64_t> frames_in{0};
  std::atomic<uint64_t> frames_out{0};
  std::atomic<uint64_t> bytes_in{0};
  std::atomic<uint64_t> bytes_out{0};
  std::array<std::atomic<uint64_t>, wire::frame_error_count> frame_errors{};
  std::atomic<uint64_t> refused_keys{0};
  /// Frames ZeroMQ would not take: the peer was gone, or a heartbeat or refusal met the
  /// high-water mark.
  std::atomic<uint64_t> send_failures{0};
  /// Requests and answers that met the high-water mark and waited for room, none dropped.
  std::atomic<uint64_t> frames_held{0};
  /// Client requests held back while the link was down; the caller retries them.
  std::atomic<uint64_t> requests_deferred{0};
  std::atomic<uint64_t> hellos{0};
  /// Server: resent requests recognised inside the duplicate window (dropped or re-answered).
  std::atomic<uint64_t> duplicates{0};
  /// Server: requests refused and answers withheld because their epoch was fenced off.
  std::atomic<uint64_t> fenced{0};
  /// Server: times a peer stayed silent long enough to have declared this node down.
  std::atomic<uint64_t> lapses{0};
  /// Exceptions from handlers that the link thread survived.
  std::atomic<uint64_t> handler_failures{0};
  /// Round-trip time EWMA over heartbeats in nanoseconds; 0 until the first sample.
  std::atomic<uint64_t> rtt_ewma_ns{0};

  /// Sum of all frame errors.
  uint64_t total_frame_errors() const;
};

/// What a link needs to know about its own node and its peer.
struct link_settings {
  std::string node_id;
  /// Server: where to bind (tcp://127.0.0.1:* picks a free port). Client: where to connect.
  std::string endpoint;
  link_config timing;
  bool curve = true;
  keypair own_keys;
  /// Server only: Z85 public keys of clients to accept.
  std::vector<std::string> allow;
  /// Client only: Z85 public key of the server.
  std::string server_key;
  /// Actor types this node hosts, announced in the hello.
  std::vector<std::string> actor_types;
  /// Server only: how long a relayed request may wait for its actor's answer.
  std::chrono::milliseconds request_timeout{5000};
  /// Server only: resent requests are recognised for this long, up to this many of them.
  std::chrono::milliseconds duplicate_window{10000};
  uint32_t duplicate_requests = 100000;
  /// Server only: refuse a lapsed peer's requests placed before the lapse (their actors may run
  /// elsewhere now). Off where requests carry no placement epoch, as at the placement service,
  /// whose clients would otherwise stay refused after any lapse.
  bool fence_on_lapse = true;
};

/// A client's request as a server link received it.
struct inbound_request {
  /// The server's id for the client node incarnation, the same across its reconnects.
  uint64_t peer = 0;
  uint64_t sequence = 0;
  /// The placement epoch the client gave the target.
  uint64_t epoch = 0;
  std::string_view actor_type;
  std::string_view actor_key;
  caf::message payload;
  /// The node id the peer gave in its hello.
  std::string_view node_id;
};

/// Server: the load of what the link relayed, for the placement service.
struct relay_load {
  /// Requests handed to actors and not answered yet.
  size_t backlog = 0;
  /// Service time per actor type, in seconds: from the later of a request's relay and its
  /// actor's previous answer, to its answer; each report window's mean, smoothed (EWMA 0.5).
  std::map<std::string, double> service_s;
};

/// The upper bounds of the service time histogram's buckets, in seconds (the last one beyond them
/// is unbounded).
const std::vector<double>& service_time_buckets();

/// Server: one actor type's relayed requests in flight, and its answers since the link started.
struct actor_type_load {
  /// Requests handed to actors of the type and not answered yet: its queue depth.
  size_t backlog = 0;
  /// Answers by service time: answers[i] took at most service_time_buckets()[i] and more than
  /// the bound before; the last entry took longer than every bound.
  std::vector<uint64_t> answers;
  /// Their service times added up, in seconds.
  double seconds = 0;
};

/// Server: what the link reports, each called on the link thread.
struct server_handlers {
  /// Every well-formed request that is not a duplicate, in the order they came.
  std::function<void(inbound_request&)> on_request;
  /// Peer `peer` was silent long enough to have declared this node down: what it placed here
  /// has moved, and its requests with older epochs are refused from now on.
  std::function<void(uint64_t peer)> on_lapse;
  /// A snapshot the peer sent for the actor's activation at `epoch` (sequence is 0).
  std::function<void(inbound_request&)> on_restore;
  /// Every heartbeat interval.
  std::function<void()> on_tick;
  /// The peer moves the actor elsewhere: answer `req` with its state (hand_over) and end it.
  /// Without a handler, release frames are answered with an error.
  std::function<void(inbound_request&)> on_release;
};

/// Client: what the link reports, each called on the link thread.
struct client_handlers {
  /// The answer to request `sequence` sent with `epoch`, or the error the worker gave or
  /// decoding found; errc::fenced when the worker refused the epoch.
  std::function<void(uint64_t sequence, uint64_t epoch, caf::expected<caf::message> answer)>
      on_response;
  /// The hello with the server completed, after the first connect and after every reconnect;
  /// `actor_types` are the types the server hosts.
  std::function<void(const std::vector<std::string>& actor_types)> on_up;
  /// The server closed the connection or went silent for the heartbeat window.
  std::function<void()> on_down;
  /// A snapshot of logical actor (type, key) that the server took at `epoch`.
  std::function<void(std::string type, std::string key, uint64_t epoch, caf::message state)>
      on_snapshot;
};

/// A running ZeroMQ link; shared by the actors that send through it.
class link {
public:
  struct impl;

  /// Binds a server link; requests go to the target given to start().
  static caf::expected<std::shared_ptr<link>> serve(caf::actor_system& sys, link_settings settings,
                                                    const message_types& types);

  /// Creates a client link to one server; responses and up/down events go to start()'s handlers.
  static caf::expected<std::shared_ptr<link>>
  connect(caf::actor_system& sys, link_settings settings, const message_types& types);

  ~link();
  link(const link&) = delete;
  link& operator=(const link&) = delete;

  /// Client: starts the link thread, reporting responses and up/down events to `handlers`.
  void start(client_handlers handlers);

  /// Server: starts the link thread, reporting requests and lapsed peers to `handlers`.
  void start(server_handlers handlers);

  /// Stops the thread and drops the handlers; later sends are dropped. Idempotent.
  void stop();

  /// Client: sends request `sequence` to logical actor (type, key) placed at `epoch`. Fails if
  /// the payload's type was never announced. While the link is down the frame is dropped and
  /// counted; the caller keeps it pending and resends after link_up.
  caf::error send_request(uint64_t sequence, uint64_t epoch, const std::string& actor_type,
                          const std::string& actor_key, const caf::message& payload);

  /// Client: asks the server to answer `sequence` with the state of (type, key) at `epoch` and
  /// end it there (a release frame).
  caf::error send_release(uint64_t sequence, uint64_t epoch, const std::string& actor_type,
                          const std::string& actor_key);

  /// Server: answers a release `req` with the state `dest` gives for snapshot_atom.
  void hand_over(const caf::actor& dest, const inbound_request& req);

  /// Server: backlog and service times of relayed requests, the latter over the answers since
  /// the last call (call it once per report); any thread.
  relay_load load();

  /// Server: each actor type's queue depth and service time histogram; any thread, any time.
  std::map<std::string, actor_type_load> actor_loads() const;

  /// Client: the node id the server gave in its last hello_ack; empty before the first.
  std::string server_id() const;

  /// Server: sends `req`'s payload to `dest` as a CAF request from the link; its answer goes
  /// back over the link, or an error when none comes within request_timeout. Any thread;
  /// requests relayed from one thread reach `dest` in that order.
  void relay(const caf::actor& dest, inbound_request& req);

  /// Server: answers `req` with `answer` itself, without relaying it to an actor.
  void respond(const inbound_request& req, const caf::message& answer);

  /// Server: answers `req` with an error text.
  void respond_error(const inbound_request& req, const std::string& text);

  /// Server: refuses `req` because its epoch is older than the target's here.
  void respond_fenced(const inbound_request& req, const std::string& text);

  /// Server: asks `dest`, logical actor (type, key) placed by `peer` at `epoch`, for its state
  /// and sends the answer to that peer as a snapshot.
  void request_snapshot(const caf::actor& dest, uint64_t peer, uint64_t epoch, std::string type,
                        std::string key);

  /// Client: sends a snapshot of (type, key) for its activation at `epoch`, ahead of requests.
  caf::error send_snapshot(const std::string& actor_type, const std::string& actor_key,
                           uint64_t epoch, const caf::message& state);

  /// Server: the endpoint actually bound, with the port resolved.
  const std::string& endpoint() const;

  /// Client: whether the hello with the server completed and heartbeats flow.
  bool up() const;

  const link_stats& stats() const;

  /// Why the link thread gave up: its handlers threw more than 10 times within 10 s (the link
  /// thread is supervised like a child with that intensity), or polling failed. Empty while it
  /// runs; the process should then exit non-zero so its service manager restarts it.
  caf::error failure() const;

private:
  explicit link(std::unique_ptr<impl> self);

  caf::error send_to_server(wire::kind kind, uint64_t sequence, uint64_t epoch,
                            const std::string& actor_type, const std::string& actor_key,
                            const caf::message& payload);

  std::unique_ptr<impl> impl_;
};

} // namespace kite
