// The only unit that includes <zmq.hpp>: every socket here is used under its link's io_mutex.
#include "kite/runtime/link.hpp"

#include <poll.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <deque>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <stdexcept>
#include <thread>
#include <tuple>
#include <unordered_map>
#include <unordered_set>

#include <caf/detail/scope_guard.hpp>
#include <caf/mailbox_element.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <zmq.hpp>
#include <zmq_addon.hpp>

#include "duplicate_window.hpp"
#include "kite/runtime/companion.hpp"
#include "kite/runtime/error.hpp"
#include "kite/runtime/protocol.hpp"
#include "kite/runtime/restart_policy.hpp"
#include "outbox.hpp"
#include "relay_table.hpp"

namespace kite {

namespace {

using clock_type = std::chrono::steady_clock;

/// A handler that keeps a link's owner in step with it failed: the link cannot go on.
struct out_of_step : std::runtime_error {
  using std::runtime_error::runtime_error;
};

constexpr const char* zap_endpoint = "inproc://zeromq.zap.01";
constexpr const char* zap_domain = "kite";
/// Frames read per wakeup before timers and the outbox get a turn.
constexpr int max_reads_per_poll = 256;
/// Answers kept for resent requests, across all peers of a server.
constexpr size_t max_kept_answer_bytes = 64u * 1024 * 1024;
/// A silent peer is forgotten after this long (or ten heartbeat windows, if longer).
constexpr std::chrono::seconds forget_silent_peer_after{60};
/// When each logical actor answered last is kept this long: enough to tell a queued request's
/// wait from its service, without growing with every key ever served.
constexpr std::chrono::seconds forget_answers_after{10};

/// A fresh random number per link, so a restarted node is told apart from its old self.
uint64_t new_incarnation() {
  std::random_device entropy;
  return (static_cast<uint64_t>(entropy()) << 32) | entropy();
}

uint64_t now_ns() {
  return static_cast<uint64_t>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(clock_type::now().time_since_epoch())
          .count());
}

std::vector<char> error_payload(const std::string& text) {
  return {text.begin(), text.end()};
}

/// Maps a peer's hello list of message types onto this node's indexes (-1: unknown here).
std::vector<int> map_types(const std::vector<std::string>& remote, const message_types& local) {
  std::vector<int> out;
  out.reserve(remote.size());
  for (const auto& name : remote)
    out.push_back(local.find(name));
  return out;
}

/// What the peer's payload_type names, for error messages.
std::string remote_type_name(const std::vector<std::string>& names, uint16_t index) {
  return index < names.size() ? names[index] : fmt::format("#{}", index);
}

} // namespace

uint64_t link_stats::total_frame_errors() const {
  uint64_t sum = 0;
  for (const auto& counter : frame_errors)
    sum += counter.load(std::memory_order_relaxed);
  return sum;
}

struct link::impl {
  /// A client node incarnation as the server knows it after its hello, across reconnects.
  struct peer {
    uint64_t id = 0;
    /// The connection it said hello on last.
    std::string routing_id;
    std::string node_id;
    uint64_t incarnation = 0;
    std::string key_fingerprint;
    std::vector<std::string> message_types;
    std::vector<int> type_map;
    clock_type::time_point last_seen;
    /// Silence after which the peer may have declared this node down.
    clock_type::duration lease{};
    uint64_t rtt_ewma_ns = 0;
    /// The highest epoch accepted from it; requests below fenced_below are refused.
    uint64_t max_epoch = 0;
    uint64_t fenced_below = 0;
    /// Silent past its lease and not heard from since.
    bool lapsed = false;
    /// Answers waiting for its full queue to drain, oldest first.
    std::deque<detail::outgoing_frame> held;
  };
  /// Who a peer is: key fingerprint, node id and incarnation.
  using peer_identity = std::tuple<std::string, std::string, uint64_t>;

  impl(caf::actor_system& sys, link_settings cfg, const message_types& types, bool server)
      : sys(sys), settings(std::move(cfg)), types(types), is_server(server), context(1),
        window(settings.duplicate_window, settings.duplicate_requests, max_kept_answer_bytes) {}

  caf::actor_system& sys;
  link_settings settings;
  const message_types& types;
  const bool is_server;
  std::string bound_endpoint;

  zmq::context_t context;
  zmq::socket_t socket;
  zmq::socket_t zap;
  zmq::socket_t monitor;
  detail::outbox out;
  /// What was taken from `out` last; kept to reuse its capacity.
  std::vector<detail::outgoing_frame> frames;
  /// Client: requests waiting for the socket's full queue to drain, oldest first, and their
  /// sequences.
  std::deque<detail::outgoing_frame> held_requests;
  std::unordered_set<uint64_t> held_sequences;
  /// Server: the peers with answers waiting (peer::held).
  std::set<uint64_t> holding_peers;
  /// The sockets and the state the link thread keeps. It holds this except while it waits; a
  /// thread that queues a frame meanwhile sends it itself, and spares the link thread a wakeup.
  std::mutex io_mutex;
  /// The link this thread runs, if it is a link thread: it queues its frames, as it holds
  /// io_mutex already.
  static thread_local const impl* running_here;
  std::thread thread;
  std::atomic<bool> running{false};
  /// The link thread serves the sockets: false before it starts and once it stopped or gave up.
  bool serving = false;
  std::mutex lifecycle;
  link_stats stats;
  /// The link thread's supervision: handler exceptions it survives, and why it gave up.
  restart_window handler_failures{10, std::chrono::seconds(10)};
  mutable std::mutex failure_mutex;
  caf::error failure;
  client_handlers client;

  // Server: where requests go, and the actor that relayed requests' answers come back to.
  server_handlers server;
  caf::strong_actor_ptr responder;
  detail::relay_table relays;

  // Server state, owned by the link thread.
  std::unordered_set<std::string> allowed_keys; // raw 32-byte keys
  std::unordered_map<uint64_t, peer> peers;
  std::unordered_map<std::string, uint64_t> peer_by_routing_id;
  std::map<peer_identity, uint64_t> peer_by_identity;
  uint64_t next_peer_id = 1;
  detail::duplicate_window window;

  // Client state, owned by the link thread except `up`.
  std::atomic<bool> up{false};
  std::vector<std::string> server_types;
  std::vector<int> server_type_map;
  clock_type::time_point last_heard;
  uint64_t server_rtt_ns = 0;
  mutable std::mutex server_id_mutex;
  std::string server_id;

  std::vector<char> hello_payload;
  clock_type::time_point next_tick;

  // -- setup ----------------------------------------------------------------

  /// Creates the socket with the options both sides share; throws zmq::error_t.
  void setup_common(zmq::socket_type type) {
    socket = zmq::socket_t{context, type};
    socket.set(zmq::sockopt::linger, 0);
    socket.set(zmq::sockopt::reconnect_ivl,
               static_cast<int>(settings.timing.reconnect_min.count()));
    socket.set(zmq::sockopt::reconnect_ivl_max,
               static_cast<int>(settings.timing.reconnect_max.count()));
    // Frames far above the limit are cut off by ZeroMQ itself, before they fill memory; those
    // just above it are read and counted as oversized.
    socket.set(
        zmq::sockopt::maxmsgsize,
        static_cast<int64_t>(settings.timing.max_frame_bytes * 2ull + wire::max_header_size));
    wire::hello h;
    h.node_id = settings.node_id;
    h.incarnation = new_incarnation();
    h.down_after_ms = static_cast<uint32_t>(down_window().count());
    h.message_types = types.names();
    h.actor_types = settings.actor_types;
    hello_payload = wire::encode_hello(h);
  }

  caf::error setup_server() {
    try {
      setup_common(zmq::socket_type::router);
      socket.set(zmq::sockopt::router_mandatory, 1);
      if (settings.curve) {
        for (const auto& key : settings.allow) {
          std::string raw(32, '\0');
          if (zmq_z85_decode(reinterpret_cast<uint8_t*>(raw.data()), key.c_str()) == nullptr)
            return make_error(errc::key, fmt::format("allowlist entry '{}' is not a Z85 key", key));
          allowed_keys.insert(raw);
        }
        zap = zmq::socket_t{context, zmq::socket_type::rep};
        zap.set(zmq::sockopt::linger, 0);
        zap.bind(zap_endpoint);
        socket.set(zmq::sockopt::curve_server, 1);
        socket.set(zmq::sockopt::curve_secretkey, settings.own_keys.secret_key);
        socket.set(zmq::sockopt::zap_domain, zap_domain);
      }
      socket.bind(settings.endpoint);
      bound_endpoint = socket.get(zmq::sockopt::last_endpoint);
    } catch (const zmq::error_t& e) {
      return make_error(errc::io, fmt::format("cannot bind '{}': {}", settings.endpoint, e.what()));
    }
    return caf::none;
  }

  caf::error setup_client() {
    try {
      setup_common(zmq::socket_type::dealer);
      // Never queue frames for a connection that is not up: the caller retries them instead.
      socket.set(zmq::sockopt::immediate, 1);
      if (settings.curve) {
        socket.set(zmq::sockopt::curve_serverkey, settings.server_key);
        socket.set(zmq::sockopt::curve_publickey, settings.own_keys.public_key);
        socket.set(zmq::sockopt::curve_secretkey, settings.own_keys.secret_key);
      }
      auto monitor_endpoint = fmt::format("inproc://kite.monitor.{}", static_cast<void*>(this));
      if (zmq_socket_monitor(socket.handle(), monitor_endpoint.c_str(),
                             ZMQ_EVENT_HANDSHAKE_FAILED_AUTH | ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL |
                                 ZMQ_EVENT_HANDSHAKE_SUCCEEDED | ZMQ_EVENT_DISCONNECTED) != 0)
        throw zmq::error_t{};
      monitor = zmq::socket_t{context, zmq::socket_type::pair};
      monitor.connect(monitor_endpoint);
      socket.connect(settings.endpoint);
      bound_endpoint = settings.endpoint;
    } catch (const zmq::error_t& e) {
      return make_error(errc::io,
                        fmt::format("cannot connect to '{}': {}", settings.endpoint, e.what()));
    }
    return caf::none;
  }

  // -- sending --------------------------------------------------------------

  enum class send_result { sent, blocked, failed };

  /// Sends one frame without waiting: `blocked` when its queue is at the high-water mark.
  send_result try_send(const std::string* routing_id, const std::vector<char>& header,
                       const std::vector<char>& payload) {
    try {
      // Only a frame's first part can meet the high-water mark; the rest follow it, and one
      // refused after the first is a failure.
      auto more = zmq::send_flags::sndmore | zmq::send_flags::dontwait;
      if (routing_id != nullptr && !socket.send(zmq::buffer(*routing_id), more))
        return send_result::blocked;
      if (!socket.send(zmq::buffer(header), more))
        return routing_id == nullptr ? send_result::blocked : failed_send();
      if (!socket.send(zmq::buffer(payload), zmq::send_flags::dontwait)) return failed_send();
    } catch (const zmq::error_t& e) {
      // EHOSTUNREACH: the peer's connection is gone (router_mandatory).
      spdlog::debug("link {}: send failed: {}", settings.node_id, e.what());
      return failed_send();
    }
    stats.frames_out.fetch_add(1, std::memory_order_relaxed);
    stats.bytes_out.fetch_add(header.size() + payload.size(), std::memory_order_relaxed);
    return send_result::sent;
  }

  /// Sends a frame that is not worth holding (heartbeats, refusals): one at the high-water
  /// mark is dropped, and the peer asks again.
  void send_parts(const std::string* routing_id, const std::vector<char>& header,
                  const std::vector<char>& payload) {
    if (try_send(routing_id, header, payload) == send_result::blocked) send_failed();
  }

  void send_failed() { stats.send_failures.fetch_add(1, std::memory_order_relaxed); }

  send_result failed_send() {
    send_failed();
    return send_result::failed;
  }

  /// Held frames at most, per queue: beyond, a frame is dropped as before there was holding,
  /// and the router's resend recovers it. Ten times ZeroMQ's own queue.
  static constexpr size_t max_held_frames = 10000;

  /// Queues `frame` behind those already waiting for room; false when the queue is full and
  /// it was dropped.
  bool hold(std::deque<detail::outgoing_frame>& queue, detail::outgoing_frame& frame) {
    if (queue.size() >= max_held_frames) {
      send_failed();
      return false;
    }
    stats.frames_held.fetch_add(1, std::memory_order_relaxed);
    queue.push_back(std::move(frame));
    return true;
  }

  void send_control(const std::string* routing_id, wire::kind kind, uint64_t sequence,
                    uint64_t correlation, std::vector<char> payload = {}) {
    wire::header hdr;
    hdr.type = kind;
    hdr.sequence = sequence;
    hdr.correlation = correlation;
    std::vector<char> header;
    wire::encode(hdr, header);
    send_parts(routing_id, header, payload);
  }

  void send_reject(const std::string* routing_id, uint64_t sequence, wire::frame_error reason,
                   const std::string& text) {
    send_control(routing_id, wire::kind::reject, sequence, static_cast<uint64_t>(reason),
                 error_payload(text));
  }

  /// With io_mutex held.
  void flush_outbox() {
    frames.clear();
    out.drain(frames);
    for (auto& frame : frames)
      send_frame(frame);
  }

  /// With io_mutex held: sends a frame `push` made.
  void send_frame(detail::outgoing_frame& frame) {
    if (is_server) {
      // Read per frame: a pause may fall between two of them.
      send_answer(frame, clock_type::now());
    } else if (!up.load(std::memory_order_relaxed)) {
      stats.requests_deferred.fetch_add(1, std::memory_order_relaxed);
    } else if (frame.sequence != 0 && held_sequences.count(frame.sequence) != 0) {
      // The router's resend of a request still held here: the held copy goes first.
    } else if (!held_requests.empty() ||
               try_send(nullptr, frame.header, frame.payload) == send_result::blocked) {
      auto sequence = frame.sequence;
      if (hold(held_requests, frame) && sequence != 0) held_sequences.insert(sequence);
    }
  }

  bool holds_frames() const { return !held_requests.empty() || !holding_peers.empty(); }

  /// With io_mutex held: sends what waited for room, oldest first, until a queue is full again.
  void resend_held() {
    while (!held_requests.empty()) {
      auto& frame = held_requests.front();
      if (try_send(nullptr, frame.header, frame.payload) == send_result::blocked) return;
      held_sequences.erase(frame.sequence);
      held_requests.pop_front();
    }
    for (auto id = holding_peers.begin(); id != holding_peers.end();) {
      auto i = peers.find(*id);
      if (i != peers.end()) resend_answers(i->second);
      id = i == peers.end() || i->second.held.empty() ? holding_peers.erase(id) : std::next(id);
    }
  }

  void resend_answers(peer& p) {
    while (!p.held.empty()) {
      auto& frame = p.held.front();
      if (!fenced_off(p, frame) && deliver_answer(p, frame) == send_result::blocked) return;
      p.held.pop_front();
    }
  }

  /// Sends an answer a hosted actor gave, unless its epoch was fenced off meanwhile.
  void send_answer(detail::outgoing_frame& frame, clock_type::time_point now) {
    auto i = peers.find(frame.peer);
    if (i == peers.end()) {
      send_failed(); // the peer was forgotten before its answer was ready
      return;
    }
    auto& p = i->second;
    // Checked here too: after a pause this may run before any frame from the peer is read.
    if (now - p.last_seen > p.lease) lapse(p);
    if (fenced_off(p, frame)) return;
    // Behind the answers already waiting, so that a peer gets its answers in order.
    if (!p.held.empty() || deliver_answer(p, frame) == send_result::blocked) {
      holding_peers.insert(p.id);
      hold(p.held, frame);
    }
  }

  /// Whether `frame` answers a request whose epoch was fenced off meanwhile: it is dropped.
  bool fenced_off(peer& p, detail::outgoing_frame& frame) {
    if (frame.epoch >= p.fenced_below) return false;
    // The request was placed elsewhere meanwhile; a copy that comes again is handled anew.
    stats.fenced.fetch_add(1, std::memory_order_relaxed);
    window.forget(p.id, frame.sequence, frame.epoch);
    return true;
  }

  /// Sends an answer and notes it in the duplicate window, unless the peer's queue is full.
  send_result deliver_answer(peer& p, detail::outgoing_frame& frame) {
    auto result = try_send(&p.routing_id, frame.header, frame.payload);
    if (result == send_result::blocked) return result;
    switch (frame.role) {
    case detail::frame_role::answer:
      window.answered(p.id, frame.sequence, frame.epoch, std::move(frame.header),
                      std::move(frame.payload));
      break;
    case detail::frame_role::refusal:
      // Not handled: the copy the client sends again with a new epoch must be.
      stats.fenced.fetch_add(1, std::memory_order_relaxed);
      window.forget(p.id, frame.sequence, frame.epoch);
      break;
    case detail::frame_role::snapshot:
      break;
    }
    return result;
  }

  /// The peer may have declared this node down and moved everything it placed here.
  /// Its connection is detached too: what it sent before its next hello (requests that queued
  /// up while this node hung, placed at epochs this node never saw) is refused with no_hello.
  void lapse(peer& p) {
    if (p.lapsed) return;
    p.lapsed = true;
    peer_by_routing_id.erase(p.routing_id);
    p.routing_id.clear();
    stats.lapses.fetch_add(1, std::memory_order_relaxed);
    auto silent_ms = std::chrono::duration_cast<std::chrono::milliseconds>(p.lease).count();
    if (settings.fence_on_lapse) {
      p.fenced_below = p.max_epoch + 1;
      spdlog::warn("link {}: peer '{}' silent for over {} ms: it may have moved what it placed "
                   "here; its requests before epoch {} are fenced off until it says hello again",
                   settings.node_id, p.node_id, silent_ms, p.fenced_below);
    } else {
      spdlog::info("link {}: peer '{}' silent for over {} ms; it is heard again after its next "
                   "hello",
                   settings.node_id, p.node_id, silent_ms);
    }
    if (server.on_lapse) call_in_step("lapse", [&] { server.on_lapse(p.id); });
  }

  /// How long this side waits before declaring a silent peer down.
  std::chrono::milliseconds down_window() const {
    return settings.timing.heartbeat_interval * settings.timing.heartbeat_misses;
  }

  /// A peer's lease: its down window less one of this side's heartbeat intervals. The peer
  /// declares this node down after hearing nothing for its window; this side sends at least
  /// every interval, so by then it has heard nothing from the peer for at least the lease.
  clock_type::duration lease_for(uint32_t peer_down_after_ms) const {
    auto interval = settings.timing.heartbeat_interval;
    auto window =
        peer_down_after_ms > 0 ? std::chrono::milliseconds{peer_down_after_ms} : down_window();
    return std::max<clock_type::duration>(interval, window - interval);
  }

  // -- receiving ------------------------------------------------------------

  void count(wire::frame_error reason) {
    auto& counter = stats.frame_errors[static_cast<size_t>(reason)];
    auto seen = counter.fetch_add(1, std::memory_order_relaxed) + 1;
    // Log the first few of each reason and then every power of two, so a flood stays quiet.
    if (seen <= 4 || (seen & (seen - 1)) == 0)
      spdlog::warn("link {}: rejected frame ({}), {} so far", settings.node_id,
                   wire::to_string(reason), seen);
  }

  /// Reads one multipart message; returns false when nothing was waiting.
  bool read_one() {
    std::array<zmq::message_t, 3> parts;
    size_t received = 0;
    size_t expected = is_server ? 3 : 2;
    bool more = true;
    while (more) {
      zmq::message_t part;
      auto result =
          socket.recv(part, received == 0 ? zmq::recv_flags::dontwait : zmq::recv_flags::none);
      if (!result) return received != 0;
      more = part.more();
      if (received < parts.size()) parts[received] = std::move(part);
      ++received;
    }
    stats.frames_in.fetch_add(1, std::memory_order_relaxed);
    size_t bytes = 0;
    for (size_t i = 0; i < std::min(received, parts.size()); ++i)
      bytes += parts[i].size();
    stats.bytes_in.fetch_add(bytes, std::memory_order_relaxed);
    if (received != expected) {
      count(wire::frame_error::bad_parts);
      return true;
    }
    if (is_server)
      on_server_frame(parts[0], parts[1], parts[2]);
    else
      on_client_frame(parts[0], parts[1]);
    return true;
  }

  bool decode_header(const zmq::message_t& part, wire::header& hdr, wire::frame_error& reason) {
    if (!wire::decode(part.data<char>(), part.size(), hdr, reason)) {
      count(reason);
      return false;
    }
    return true;
  }

  void on_server_frame(const zmq::message_t& rid, const zmq::message_t& head,
                       const zmq::message_t& payload) {
    std::string routing_id{rid.data<char>(), rid.size()};
    wire::header hdr;
    wire::frame_error reason{};
    if (!decode_header(head, hdr, reason)) {
      send_reject(&routing_id, 0, reason,
                  fmt::format("malformed header: {}", wire::to_string(reason)));
      return;
    }
    if (payload.size() > settings.timing.max_frame_bytes) {
      count(wire::frame_error::oversized);
      if (hdr.type == wire::kind::request)
        send_error(routing_id, hdr.sequence,
                   fmt::format("payload of {} bytes exceeds the limit of {}", payload.size(),
                               settings.timing.max_frame_bytes));
      return;
    }
    if (hdr.type == wire::kind::hello) {
      on_hello(routing_id, head, payload, hdr.sequence);
      return;
    }
    auto i = peer_by_routing_id.find(routing_id);
    if (i == peer_by_routing_id.end() || !heard_from(peers.at(i->second))) {
      count(wire::frame_error::no_hello);
      send_reject(&routing_id, hdr.sequence, wire::frame_error::no_hello, "hello required");
      return;
    }
    auto& p = peers.at(i->second);
    switch (hdr.type) {
    case wire::kind::heartbeat:
      send_control(&routing_id, wire::kind::heartbeat_ack, hdr.sequence, hdr.correlation);
      return;
    case wire::kind::heartbeat_ack:
      update_rtt(p.rtt_ewma_ns, hdr.correlation);
      return;
    case wire::kind::request:
      on_request(p, hdr, payload);
      return;
    case wire::kind::snapshot:
      on_restore(p, hdr, payload);
      return;
    case wire::kind::release:
      on_release(p, hdr);
      return;
    default:
      count(wire::frame_error::bad_kind);
      send_reject(&routing_id, hdr.sequence, wire::frame_error::bad_kind,
                  "a worker accepts hello, heartbeat, request, snapshot and release frames only");
      return;
    }
  }

  void on_hello(const std::string& routing_id, const zmq::message_t& head,
                const zmq::message_t& payload, uint64_t sequence) {
    wire::hello h;
    if (!wire::decode_hello(payload.data<char>(), payload.size(), h)) {
      count(wire::frame_error::bad_payload);
      send_reject(&routing_id, sequence, wire::frame_error::bad_payload, "malformed hello");
      return;
    }
    stats.hellos.fetch_add(1, std::memory_order_relaxed);
    auto fingerprint = settings.curve ? user_id_of(head) : std::string{};
    auto [known, added] =
        peer_by_identity.try_emplace({fingerprint, h.node_id, h.incarnation}, next_peer_id);
    auto& p = peers[known->second];
    if (added) {
      p.id = next_peer_id++;
      p.node_id = h.node_id;
      p.incarnation = h.incarnation;
      p.key_fingerprint = fingerprint;
      p.last_seen = clock_type::now();
    } else {
      heard_from(p); // under the lease it had: a gap lapses it before it joins again
    }
    if (p.routing_id != routing_id) {
      peer_by_routing_id.erase(p.routing_id);
      // A connection speaks for one peer: the one that said hello on it last.
      if (auto old = peer_by_routing_id.find(routing_id); old != peer_by_routing_id.end())
        peers.at(old->second).routing_id.clear();
      peer_by_routing_id[routing_id] = p.id;
      p.routing_id = routing_id;
    }
    p.lease = lease_for(h.down_after_ms);
    p.lapsed = false;
    p.type_map = map_types(h.message_types, types);
    p.message_types = std::move(h.message_types);
    spdlog::info("link {}: peer '{}' {}{}", settings.node_id, p.node_id,
                 added ? "joined" : "rejoined",
                 p.key_fingerprint.empty() ? "" : " with key " + p.key_fingerprint);
    send_control(&routing_id, wire::kind::hello_ack, sequence, 0, hello_payload);
  }

  /// Notes a frame from `p`; false when a gap past its lease lapsed it (it may have declared
  /// this node down meanwhile), so the frame needs a new hello first.
  bool heard_from(peer& p) {
    auto now = clock_type::now();
    bool gap = now - p.last_seen > p.lease;
    if (gap) lapse(p);
    p.last_seen = now;
    return !gap;
  }

  /// The ZAP handler's user id for the connection a frame came on: the key's fingerprint.
  static std::string user_id_of(const zmq::message_t& part) {
    const char* value = zmq_msg_gets(part.handle(), "User-Id");
    return value != nullptr ? value : "";
  }

  /// The header of an error answer to request `sequence`.
  static wire::header error_header(uint64_t sequence) {
    wire::header hdr;
    hdr.type = wire::kind::response;
    hdr.flags = wire::flag_error;
    hdr.sequence = sequence;
    return hdr;
  }

  void send_error(const std::string& routing_id, uint64_t sequence, const std::string& text) {
    std::vector<char> header;
    wire::encode(error_header(sequence), header);
    send_parts(&routing_id, header, error_payload(text));
  }

  /// The header of a refusal of request `sequence` placed at `epoch`.
  static wire::header fenced_header(uint64_t sequence, uint64_t epoch) {
    auto hdr = error_header(sequence);
    hdr.flags |= wire::flag_fenced;
    hdr.epoch = epoch;
    return hdr;
  }

  void on_request(peer& p, const wire::header& hdr, const zmq::message_t& payload) {
    if (hdr.epoch < p.fenced_below) {
      stats.fenced.fetch_add(1, std::memory_order_relaxed);
      std::vector<char> header;
      wire::encode(fenced_header(hdr.sequence, hdr.epoch), header);
      send_parts(
          &p.routing_id, header,
          error_payload(fmt::format("worker '{}': epoch {} of ({}, {}) is fenced off; "
                                    "place it again",
                                    settings.node_id, hdr.epoch, hdr.actor_type, hdr.actor_key)));
      return;
    }
    caf::message msg;
    if (auto problem = decode_payload(p, hdr, payload, msg); !problem.empty()) {
      send_error(p.routing_id, hdr.sequence, problem);
      return;
    }
    switch (window.admit(p.id, hdr.sequence, hdr.epoch, clock_type::now())) {
    case detail::delivery::fresh:
      break;
    case detail::delivery::in_flight:
      stats.duplicates.fetch_add(1, std::memory_order_relaxed);
      return;
    case detail::delivery::answered:
      stats.duplicates.fetch_add(1, std::memory_order_relaxed);
      if (const auto* kept = window.answer(p.id, hdr.sequence))
        send_parts(&p.routing_id, kept->header, kept->payload);
      else
        send_error(p.routing_id, hdr.sequence,
                   fmt::format("request {} was answered already and its answer is no longer "
                               "kept (worker duplicate window)",
                               hdr.sequence));
      return;
    }
    p.max_epoch = std::max(p.max_epoch, hdr.epoch);
    inbound_request req{p.id,          hdr.sequence,   hdr.epoch, hdr.actor_type,
                        hdr.actor_key, std::move(msg), p.node_id};
    try {
      server.on_request(req);
    } catch (const std::exception& e) {
      // The requester learns why now. The window still holds it in flight: the handler may
      // have handed it on before it threw, and a resend must not run it a second time.
      send_error(p.routing_id, hdr.sequence,
                 fmt::format("worker '{}' failed to handle it: {}", settings.node_id, e.what()));
      throw; // counted against the link thread's intensity
    }
  }

  /// Decodes a peer's payload; on failure counts it and returns what was wrong.
  std::string decode_payload(const peer& p, const wire::header& hdr, const zmq::message_t& payload,
                             caf::message& out) {
    int local = hdr.payload_type < p.type_map.size() ? p.type_map[hdr.payload_type] : -1;
    if (local < 0) {
      count(wire::frame_error::unknown_type);
      return fmt::format("worker '{}' does not know message type '{}'", settings.node_id,
                         remote_type_name(p.message_types, hdr.payload_type));
    }
    if (!types.decode(static_cast<uint16_t>(local), payload.data<char>(), payload.size(), out)) {
      count(wire::frame_error::bad_payload);
      return fmt::format("malformed payload of type '{}'",
                         remote_type_name(p.message_types, hdr.payload_type));
    }
    return {};
  }

  /// A snapshot the client keeps for an actor it placed here again; fenced epochs are moot.
  void on_restore(peer& p, const wire::header& hdr, const zmq::message_t& payload) {
    caf::message state;
    if (hdr.epoch < p.fenced_below || !decode_payload(p, hdr, payload, state).empty()) return;
    inbound_request req{p.id,     0, hdr.epoch, hdr.actor_type, hdr.actor_key, std::move(state),
                        p.node_id};
    if (server.on_restore) server.on_restore(req);
  }

  /// The peer moves an actor away; its state goes back as the answer to the frame's sequence.
  void on_release(peer& p, const wire::header& hdr) {
    if (!server.on_release) {
      send_error(p.routing_id, hdr.sequence,
                 fmt::format("'{}' hosts no actors to release", settings.node_id));
      return;
    }
    inbound_request req{p.id,          hdr.sequence, hdr.epoch, hdr.actor_type,
                        hdr.actor_key, {},           p.node_id};
    server.on_release(req);
  }

  void on_client_frame(const zmq::message_t& head, const zmq::message_t& payload) {
    wire::header hdr;
    wire::frame_error reason{};
    if (!decode_header(head, hdr, reason)) return;
    if (payload.size() > settings.timing.max_frame_bytes) {
      count(wire::frame_error::oversized);
      return;
    }
    last_heard = clock_type::now();
    switch (hdr.type) {
    case wire::kind::hello_ack:
      on_hello_ack(payload);
      return;
    case wire::kind::heartbeat:
      send_control(nullptr, wire::kind::heartbeat_ack, hdr.sequence, hdr.correlation);
      return;
    case wire::kind::heartbeat_ack:
      update_rtt(server_rtt_ns, hdr.correlation);
      stats.rtt_ewma_ns.store(server_rtt_ns, std::memory_order_relaxed);
      return;
    case wire::kind::response:
      on_response(hdr, payload);
      return;
    case wire::kind::reject:
      on_reject(hdr, payload);
      return;
    case wire::kind::snapshot:
      on_snapshot(hdr, payload);
      return;
    default:
      count(wire::frame_error::bad_kind);
      return;
    }
  }

  void on_snapshot(const wire::header& hdr, const zmq::message_t& payload) {
    auto state = decode_from_server(hdr, payload);
    if (state && client.on_snapshot)
      client.on_snapshot(hdr.actor_type, hdr.actor_key, hdr.epoch, std::move(*state));
  }

  void on_hello_ack(const zmq::message_t& payload) {
    wire::hello h;
    if (!wire::decode_hello(payload.data<char>(), payload.size(), h)) {
      count(wire::frame_error::bad_payload);
      return;
    }
    stats.hellos.fetch_add(1, std::memory_order_relaxed);
    server_type_map = map_types(h.message_types, types);
    server_types = std::move(h.message_types);
    {
      std::lock_guard<std::mutex> guard{server_id_mutex};
      server_id = h.node_id;
    }
    if (!up.exchange(true)) {
      spdlog::info("link {}: connected to '{}' at {}", settings.node_id, h.node_id,
                   settings.endpoint);
      // The RTT is measured at once, not a heartbeat interval later: placement waits for it.
      send_control(nullptr, wire::kind::heartbeat, 0, now_ns());
      call_in_step("up", [&] { client.on_up(h.actor_types); });
    }
  }

  void on_response(const wire::header& hdr, const zmq::message_t& payload) {
    if ((hdr.flags & wire::flag_error) != 0) {
      std::string text{payload.data<char>(), payload.size()};
      auto code = (hdr.flags & wire::flag_fenced) != 0 ? errc::fenced : errc::remote;
      client.on_response(hdr.sequence, hdr.epoch, make_error(code, std::move(text)));
      return;
    }
    client.on_response(hdr.sequence, hdr.epoch, decode_from_server(hdr, payload));
  }

  /// Decodes a typed payload the server sent; on failure counts it and says why.
  caf::expected<caf::message> decode_from_server(const wire::header& hdr,
                                                 const zmq::message_t& payload) {
    int local = hdr.payload_type < server_type_map.size() ? server_type_map[hdr.payload_type] : -1;
    if (local < 0) {
      count(wire::frame_error::unknown_type);
      return make_error(errc::unknown_type,
                        fmt::format("answer of unknown message type '{}'",
                                    remote_type_name(server_types, hdr.payload_type)));
    }
    caf::message msg;
    if (!types.decode(static_cast<uint16_t>(local), payload.data<char>(), payload.size(), msg)) {
      count(wire::frame_error::bad_payload);
      return make_error(
          errc::wire, fmt::format("malformed answer of type '{}'", server_types[hdr.payload_type]));
    }
    return msg;
  }

  void on_reject(const wire::header& hdr, const zmq::message_t& payload) {
    std::string text{payload.data<char>(), payload.size()};
    if (hdr.correlation == static_cast<uint64_t>(wire::frame_error::no_hello)) {
      // The server restarted and forgot us: say hello again; pending requests follow link_up.
      mark_down("the worker asked for a new hello");
      send_control(nullptr, wire::kind::hello, 0, 0, hello_payload);
      return;
    }
    spdlog::warn("link {}: worker rejected frame {}: {}", settings.node_id, hdr.sequence, text);
  }

  void mark_down(const char* why) {
    // The router resends them once up, placed anew: sent after a reconnect they could run twice.
    stats.requests_deferred.fetch_add(held_requests.size(), std::memory_order_relaxed);
    held_requests.clear();
    held_sequences.clear();
    if (up.exchange(false)) {
      spdlog::warn("link {}: link to {} down: {}", settings.node_id, settings.endpoint, why);
      call_in_step("down", [&] { client.on_down(); });
    }
  }

  void update_rtt(uint64_t& ewma, uint64_t sent_ns) {
    auto now = now_ns();
    if (sent_ns == 0 || sent_ns > now) return;
    auto sample = now - sent_ns;
    // EWMA with weight 1/5: smooth enough to ignore one slow beat, quick to follow a change.
    ewma = ewma == 0 ? sample : (ewma * 4 + sample) / 5;
  }

  /// Answers one ZAP request; false when none was waiting.
  bool on_zap() {
    std::vector<zmq::message_t> request;
    if (!zmq::recv_multipart(zap, std::back_inserter(request), zmq::recv_flags::dontwait))
      return false;
    // ZAP 1.0: version, request id, domain, address, identity, mechanism, credentials...
    if (request.size() < 6) return true;
    auto version = request[0].to_string();
    auto request_id = request[1].to_string();
    auto address = request[3].to_string();
    auto mechanism = request[5].to_string();
    bool allowed = false;
    std::string fp = "none";
    std::string user_id;
    if (mechanism == "CURVE" && request.size() >= 7 && request[6].size() == 32) {
      std::string raw = request[6].to_string();
      fp = fingerprint_raw(reinterpret_cast<const unsigned char*>(raw.data()), raw.size());
      allowed = allowed_keys.count(raw) > 0;
      user_id = fp;
    }
    if (!allowed) {
      stats.refused_keys.fetch_add(1, std::memory_order_relaxed);
      spdlog::warn("link {}: refused client key {} from {} (not on the allowlist)",
                   settings.node_id, fp, address);
    }
    std::string status = allowed ? "200" : "400";
    std::string status_text = allowed ? "OK" : "key not allowed";
    std::array<zmq::const_buffer, 6> reply{zmq::buffer(version), zmq::buffer(request_id),
                                           zmq::buffer(status),  zmq::buffer(status_text),
                                           zmq::buffer(user_id), zmq::const_buffer{}};
    zmq::send_multipart(zap, reply);
    return true;
  }

  /// Handles one monitor event; false when none was waiting.
  bool on_monitor() {
    std::vector<zmq::message_t> event;
    if (!zmq::recv_multipart(monitor, std::back_inserter(event), zmq::recv_flags::dontwait))
      return false;
    if (event.empty() || event[0].size() < 6) return true;
    uint16_t id = 0;
    uint32_t value = 0;
    std::memcpy(&id, event[0].data(), sizeof(id));
    std::memcpy(&value, event[0].data<char>() + sizeof(id), sizeof(value));
    if (id == ZMQ_EVENT_HANDSHAKE_FAILED_AUTH)
      spdlog::error("link {}: worker at {} refused this node's key (status {}); add its public "
                    "key to the worker's security.allow",
                    settings.node_id, settings.endpoint, value);
    else if (id == ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL)
      spdlog::error("link {}: handshake with {} failed: check upstream.server_key and "
                    "security.curve on both sides",
                    settings.node_id, settings.endpoint);
    else if (id == ZMQ_EVENT_HANDSHAKE_SUCCEEDED && !up)
      send_control(nullptr, wire::kind::hello, 0, 0, hello_payload); // don't wait for the tick
    else if (id == ZMQ_EVENT_DISCONNECTED)
      mark_down("connection closed");
    return true;
  }

  // -- timers ---------------------------------------------------------------

  void tick() {
    auto now = clock_type::now();
    auto window = down_window();
    if (is_server) {
      expire_relays(now);
      relays.forget_answers_before(now - forget_answers_after);
      if (server.on_tick) call_in_step("tick", [&] { server.on_tick(); });
      auto forget_after = std::max<clock_type::duration>(forget_silent_peer_after, window * 10);
      for (auto i = peers.begin(); i != peers.end();) {
        auto& p = i->second;
        auto silent = now - p.last_seen;
        if (silent > forget_after) {
          spdlog::info("link {}: forgetting peer '{}', silent for {} s", settings.node_id,
                       p.node_id, std::chrono::duration_cast<std::chrono::seconds>(silent).count());
          lapse(p);
          peer_by_identity.erase({p.key_fingerprint, p.node_id, p.incarnation});
          i = peers.erase(i);
          continue;
        }
        if (silent > p.lease) lapse(p);
        // A peer heard from within the interval is alive, and it measures the RTT it needs with
        // its own heartbeats: to a thousand busy edges these would be 10,000 frames/s for nothing.
        if (!p.lapsed && !p.routing_id.empty() &&
            now - p.last_seen >= settings.timing.heartbeat_interval)
          send_control(&p.routing_id, wire::kind::heartbeat, 0, now_ns());
        ++i;
      }
      return;
    }
    if (up && now - last_heard > window) mark_down("no heartbeat answered in time");
    if (up)
      send_control(nullptr, wire::kind::heartbeat, 0, now_ns());
    else
      send_control(nullptr, wire::kind::hello, 0, 0, hello_payload);
  }

  // -- relaying to hosted actors ---------------------------------------------

  void start_responder() {
    responder = spawn_companion(sys, [this](caf::mailbox_element_ptr answer) {
      if (!answer || !answer->mid.is_response()) return;
      auto req = relays.take(answer->mid.integer_value() & caf::message_id::request_id_mask,
                             clock_type::now());
      if (!req) return; // answered with a timeout error already
      auto& content = answer->content();
      if (req->purpose == detail::relay_purpose::snapshot) {
        if (content.size() == 1 && content.match_element<caf::error>(0))
          spdlog::debug("link {}: no snapshot of ({}, {}): {}", settings.node_id, req->actor_type,
                        req->actor_key, describe(content.get_as<caf::error>(0)));
        else
          push_snapshot(*req, answer->move_content_to_message());
        return;
      }
      if (content.size() == 1 && content.match_element<caf::error>(0))
        push_error(*req, fmt::format("({}, {}) failed: {}", req->actor_type, req->actor_key,
                                     describe(content.get_as<caf::error>(0))));
      else
        push_response(*req, answer->move_content_to_message());
    });
  }

  void relay(const caf::actor& dest, detail::relayed_request req, caf::message payload) {
    req.deadline = clock_type::now() + settings.request_timeout;
    auto id = relays.add(std::move(req));
    dest->enqueue(
        caf::make_mailbox_element(responder, caf::make_message_id(id), {}, std::move(payload)),
        nullptr);
  }

  void expire_relays(clock_type::time_point now) {
    for (auto& req : relays.expire(now))
      push_error(req, fmt::format("({}, {}) did not answer within {} ms", req.actor_type,
                                  req.actor_key, settings.request_timeout.count()));
  }

  void push_response(const detail::relayed_request& req, const caf::message& result) {
    std::vector<char> bytes;
    auto index = types.encode(result, bytes);
    if (!index) {
      push_error(req, describe(index.error()));
      return;
    }
    wire::header hdr;
    hdr.type = wire::kind::response;
    hdr.payload_type = *index;
    hdr.sequence = req.sequence;
    hdr.epoch = req.epoch;
    push(req.peer, hdr, std::move(bytes));
  }

  void push_snapshot(const detail::relayed_request& req, const caf::message& state) {
    std::vector<char> bytes;
    auto index = types.encode(state, bytes);
    if (!index) {
      spdlog::warn("link {}: cannot send the snapshot of ({}, {}): {}", settings.node_id,
                   req.actor_type, req.actor_key, describe(index.error()));
      return;
    }
    wire::header hdr;
    hdr.type = wire::kind::snapshot;
    hdr.payload_type = *index;
    hdr.epoch = req.epoch;
    hdr.actor_type = req.actor_type;
    hdr.actor_key = req.actor_key;
    push(req.peer, hdr, std::move(bytes));
  }

  void push_error(const detail::relayed_request& req, const std::string& text) {
    auto hdr = error_header(req.sequence);
    hdr.epoch = req.epoch;
    push(req.peer, hdr, error_payload(text));
  }

  // -- the thread -----------------------------------------------------------

  /// Reads every message waiting on `sock` (at most `limit`); false when more may be waiting.
  template <class Handler>
  static bool drain_socket(zmq::socket_t& sock, int limit, Handler&& handle) {
    for (int i = 0; i < limit; ++i)
      if (!handle()) return true;
    return (sock.get(zmq::sockopt::events) & ZMQ_POLLIN) == 0;
  }

  // zmq_poll costs two passes with a ZMQ_EVENTS query (getpid and poll syscalls) per socket
  // each time; polling the sockets' notification fds ourselves costs one poll per wakeup. Those
  // fds are edge-triggered: after a wakeup a socket is read until it reports EAGAIN.
  void run() {
    running_here = this;
    std::unique_lock<std::mutex> lock{io_mutex};
    serving = true;
    // Whichever way the loop ends, no other thread sends on the sockets after it.
    auto stop_serving = caf::detail::make_scope_guard([this] { serving = false; });
    std::vector<pollfd> fds;
    fds.push_back({socket.get(zmq::sockopt::fd), POLLIN, 0});
    fds.push_back({out.fd(), POLLIN, 0});
    zmq::socket_t* side = zap ? &zap : monitor ? &monitor : nullptr;
    if (side != nullptr) fds.push_back({side->get(zmq::sockopt::fd), POLLIN, 0});
    next_tick = clock_type::now();
    last_heard = clock_type::now();
    // Read before the first wait, and again whenever a read stopped at its limit.
    bool socket_backlog = true;
    bool side_backlog = side != nullptr;
    while (running.load(std::memory_order_relaxed)) {
      auto now = clock_type::now();
      if (now >= next_tick) {
        next_tick = now + settings.timing.heartbeat_interval;
        socket_backlog = true; // its sends may have taken the socket's wakeup
        try {
          tick();
        } catch (const out_of_step& e) {
          give_up(make_error(errc::io, e.what()));
          break;
        }
      }
      auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(next_tick - now);
      int timeout = socket_backlog || side_backlog
                        ? 0
                        : static_cast<int>(std::max<int64_t>(wait.count(), 0) + 1);
      // ZeroMQ may take the signal that room opened while it refuses a send (it reads its
      // commands about once a millisecond): while frames wait, look again that often.
      if (holds_frames()) timeout = std::min(timeout, 1);
      for (auto& fd : fds)
        fd.revents = 0;
      lock.unlock();
      int polled = ::poll(fds.data(), fds.size(), timeout);
      int poll_errno = errno;
      lock.lock();
      if (polled < 0 && poll_errno != EINTR) {
        give_up(make_error(errc::io, fmt::format("link {}: poll: {}", settings.node_id,
                                                 std::strerror(poll_errno))));
        break;
      }
      try {
        if (fds[1].revents & POLLIN) flush_outbox();
        if (side != nullptr && (side_backlog || (fds[2].revents & POLLIN) != 0)) {
          if (side == &zap)
            side_backlog = !drain_socket(zap, max_reads_per_poll, [this] { return on_zap(); });
          else
            side_backlog =
                !drain_socket(monitor, max_reads_per_poll, [this] { return on_monitor(); });
        }
        // Sending may have taken the socket's wakeup, so read it last and every time round.
        socket_backlog = !drain_socket(socket, max_reads_per_poll, [this] { return read_one(); });
        if (holds_frames()) {
          resend_held();
          socket_backlog = socket_backlog || (socket.get(zmq::sockopt::events) & ZMQ_POLLIN);
        }
      } catch (const out_of_step& e) {
        give_up(make_error(errc::io, e.what()));
        break;
      } catch (const zmq::error_t& e) {
        if (e.num() == ETERM) break;
        if (e.num() == EFSM) { // a socket owes a reply it can no longer send: stuck for good
          give_up(make_error(errc::io, fmt::format("link {}: {}", settings.node_id, e.what())));
          break;
        }
        spdlog::error("link {}: {}", settings.node_id, e.what());
        // A read cut short may have left frames whose wakeup is already taken.
        socket_backlog = true;
        side_backlog = side != nullptr;
      } catch (const std::exception& e) {
        if (!survive(e.what())) break;
        socket_backlog = true;
        side_backlog = side != nullptr;
      } catch (...) {
        if (!survive("a non-standard exception")) break;
        socket_backlog = true;
        side_backlog = side != nullptr;
      }
    }
  }

  /// A request's or an answer's handler threw `what`: whether the link goes on, which it does
  /// within the link thread's restart intensity.
  bool survive(const char* what) {
    stats.handler_failures.fetch_add(1, std::memory_order_relaxed);
    if (!handler_failures.admit(clock_type::now())) {
      give_up(make_error(errc::restart_limit,
                         fmt::format("link {}: handlers failed more than 10 times within 10 s, "
                                     "the last with: {}",
                                     settings.node_id, what)));
      return false;
    }
    spdlog::error("link {}: a handler failed: {}; the link goes on", settings.node_id, what);
    return true;
  }

  void give_up(caf::error why) {
    spdlog::critical("{}; the link stops", describe(why));
    up = false; // nothing it queues from now on is sent
    std::lock_guard<std::mutex> guard{failure_mutex};
    failure = std::move(why);
  }

  /// Runs a handler that keeps the link's owner in step with the link (up, down, lapse, tick):
  /// if it throws, they are out of step for good, and the link gives up.
  template <class Handler> void call_in_step(const char* name, Handler&& handler) {
    try {
      handler();
    } catch (const std::exception& e) {
      throw out_of_step{
          fmt::format("link {}: the {} handler failed: {}", settings.node_id, name, e.what())};
    }
  }

  /// Queues a frame for the link thread; a server's goes to `peer`.
  void push(uint64_t peer, const wire::header& hdr, std::vector<char> payload) {
    detail::outgoing_frame frame;
    frame.peer = peer;
    frame.sequence = hdr.sequence;
    frame.epoch = hdr.epoch;
    frame.role = hdr.type == wire::kind::snapshot       ? detail::frame_role::snapshot
                 : (hdr.flags & wire::flag_fenced) != 0 ? detail::frame_role::refusal
                                                        : detail::frame_role::answer;
    wire::encode(hdr, frame.header);
    frame.payload = std::move(payload);
    if (running_here != this && io_mutex.try_lock()) {
      std::lock_guard<std::mutex> guard{io_mutex, std::adopt_lock};
      // Only while nothing waits before it: a frame queued or held goes first.
      if (serving && out.empty() && !holds_frames() && send_directly(frame)) {
        try {
          // Sending may have taken the wakeup the link thread waits for, for a frame that came
          // or for room; what waits for room is the link thread's to resend.
          if (holds_frames() || (socket.get(zmq::sockopt::events) & ZMQ_POLLIN)) out.wake();
        } catch (const zmq::error_t&) {
          out.wake();
        }
        return;
      }
    }
    out.push(std::move(frame));
  }

  /// With io_mutex held, on another thread than the link thread: sends `frame`, or holds it
  /// for room; false, leaving it to the link thread, when that needs the link's handlers (a
  /// peer past its lease is lapsed there) or the link is down.
  bool send_directly(detail::outgoing_frame& frame) {
    if (!is_server) {
      if (!up.load(std::memory_order_relaxed)) return false;
      send_frame(frame);
      return true;
    }
    auto now = clock_type::now();
    auto i = peers.find(frame.peer);
    if (i == peers.end() || now - i->second.last_seen > i->second.lease) return false;
    send_answer(frame, now);
    return true;
  }
};

thread_local const link::impl* link::impl::running_here = nullptr;

link::link(std::unique_ptr<impl> self) : impl_(std::move(self)) {}

link::~link() {
  stop();
}

caf::expected<std::shared_ptr<link>> link::serve(caf::actor_system& sys, link_settings settings,
                                                 const message_types& types) {
  auto self = std::make_unique<impl>(sys, std::move(settings), types, true);
  if (auto err = self->setup_server()) return err;
  return std::shared_ptr<link>{new link(std::move(self))};
}

caf::expected<std::shared_ptr<link>> link::connect(caf::actor_system& sys, link_settings settings,
                                                   const message_types& types) {
  if (settings.curve && !is_z85_key(settings.server_key))
    return make_error(errc::key, "the server's public key is not a 40-character Z85 key");
  auto self = std::make_unique<impl>(sys, std::move(settings), types, false);
  if (auto err = self->setup_client()) return err;
  return std::shared_ptr<link>{new link(std::move(self))};
}

void link::start(client_handlers handlers) {
  std::lock_guard<std::mutex> guard{impl_->lifecycle};
  if (impl_->running || impl_->is_server) return;
  impl_->client = std::move(handlers);
  impl_->running = true;
  impl_->thread = std::thread{[this] { impl_->run(); }};
}

void link::start(server_handlers handlers) {
  std::lock_guard<std::mutex> guard{impl_->lifecycle};
  if (impl_->running || !impl_->is_server) return;
  impl_->server = std::move(handlers);
  impl_->start_responder();
  impl_->running = true;
  impl_->thread = std::thread{[this] { impl_->run(); }};
}

void link::stop() {
  std::lock_guard<std::mutex> guard{impl_->lifecycle};
  if (!impl_->running) return;
  {
    // No thread is sending on the sockets once this holds it, and none starts to.
    std::lock_guard<std::mutex> io{impl_->io_mutex};
    impl_->running = false;
  }
  impl_->out.wake();
  impl_->thread.join();
  // The handlers may hold what holds this link.
  impl_->client = {};
  impl_->server = {};
  // Answers that come later are dropped: the peers retry them.
  if (impl_->responder) retire_companion(impl_->sys, impl_->responder);
}

caf::error link::send_request(uint64_t sequence, uint64_t epoch, const std::string& actor_type,
                              const std::string& actor_key, const caf::message& payload) {
  return send_to_server(wire::kind::request, sequence, epoch, actor_type, actor_key, payload);
}

caf::error link::send_release(uint64_t sequence, uint64_t epoch, const std::string& actor_type,
                              const std::string& actor_key) {
  return send_to_server(wire::kind::release, sequence, epoch, actor_type, actor_key, {});
}

caf::error link::send_snapshot(const std::string& actor_type, const std::string& actor_key,
                               uint64_t epoch, const caf::message& state) {
  return send_to_server(wire::kind::snapshot, 0, epoch, actor_type, actor_key, state);
}

caf::error link::send_to_server(wire::kind kind, uint64_t sequence, uint64_t epoch,
                                const std::string& actor_type, const std::string& actor_key,
                                const caf::message& payload) {
  if (actor_type.size() > wire::max_actor_type_size || actor_key.size() > wire::max_actor_key_size)
    return make_error(errc::wire,
                      fmt::format("actor type '{}' or key '{}' is longer than the wire allows "
                                  "({} and {} bytes)",
                                  actor_type, actor_key, wire::max_actor_type_size,
                                  wire::max_actor_key_size));
  std::vector<char> bytes;
  uint16_t payload_type = wire::no_payload_type;
  if (!payload.empty()) {
    auto index = impl_->types.encode(payload, bytes);
    if (!index) return index.error();
    payload_type = *index;
  }
  if (bytes.size() > impl_->settings.timing.max_frame_bytes)
    return make_error(errc::wire,
                      fmt::format("payload of {} bytes exceeds link.max_frame_bytes {}",
                                  bytes.size(), impl_->settings.timing.max_frame_bytes));
  wire::header hdr;
  hdr.type = kind;
  hdr.payload_type = payload_type;
  hdr.sequence = sequence;
  hdr.epoch = epoch;
  hdr.actor_type = actor_type;
  hdr.actor_key = actor_key;
  impl_->push(0, hdr, std::move(bytes));
  return caf::none;
}

namespace {

detail::relayed_request answer_to(const inbound_request& req,
                                  detail::relay_purpose purpose = detail::relay_purpose::request) {
  return {
      req.peer, req.sequence, req.epoch, std::string{req.actor_type}, std::string{req.actor_key},
      {},       purpose,      {}};
}

} // namespace

void link::relay(const caf::actor& dest, inbound_request& req) {
  impl_->relay(dest, answer_to(req), std::move(req.payload));
}

void link::respond(const inbound_request& req, const caf::message& answer) {
  impl_->push_response(answer_to(req), answer);
}

void link::respond_error(const inbound_request& req, const std::string& text) {
  impl_->push_error(answer_to(req), text);
}

void link::request_snapshot(const caf::actor& dest, uint64_t peer, uint64_t epoch, std::string type,
                            std::string key) {
  detail::relayed_request req{
      peer, 0, epoch, std::move(type), std::move(key), {}, detail::relay_purpose::snapshot, {}};
  impl_->relay(dest, std::move(req), caf::make_message(snapshot_atom::value));
}

void link::hand_over(const caf::actor& dest, const inbound_request& req) {
  impl_->relay(dest, answer_to(req, detail::relay_purpose::hand_over),
               caf::make_message(snapshot_atom::value));
}

const std::vector<double>& service_time_buckets() {
  // From a fast in-memory handler (0.5 ms) to a heavy offloaded one (10 s).
  static const std::vector<double> bounds{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                          0.1,    0.25,  0.5,    1,     2.5,  5,     10};
  return bounds;
}

relay_load link::load() {
  return impl_->relays.load();
}

std::map<std::string, actor_type_load> link::actor_loads() const {
  return impl_->relays.by_type();
}

std::string link::server_id() const {
  std::lock_guard<std::mutex> guard{impl_->server_id_mutex};
  return impl_->server_id;
}

void link::respond_fenced(const inbound_request& req, const std::string& text) {
  impl_->push(req.peer, impl::fenced_header(req.sequence, req.epoch), error_payload(text));
}

const std::string& link::endpoint() const {
  return impl_->bound_endpoint;
}

bool link::up() const {
  return impl_->up.load();
}

const link_stats& link::stats() const {
  return impl_->stats;
}

caf::error link::failure() const {
  std::lock_guard<std::mutex> guard{impl_->failure_mutex};
  return impl_->failure;
}

} // namespace kite
