#include "simulated_edges.hpp"

#include <sys/epoll.h>
#include <time.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <memory>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include <caf/message.hpp>
#include <fmt/format.h>
#include <zmq.hpp>
#include <zmq_addon.hpp>

#include "kite/actors/messages.hpp"
#include "kite/runtime/message_types.hpp"
#include "kite/runtime/wire.hpp"

namespace kite::bench {
namespace {

using clock_type = std::chrono::steady_clock;

/// Index of kite.blob in every simulated edge's hello list of message types.
constexpr uint16_t blob_index = 0;

std::vector<char> header(wire::kind kind, uint64_t sequence, uint64_t correlation,
                         uint16_t payload_type, const std::string& type = {},
                         const std::string& key = {}) {
  wire::header hdr;
  hdr.type = kind;
  hdr.sequence = sequence;
  hdr.correlation = correlation;
  hdr.payload_type = payload_type;
  hdr.epoch = 1;
  hdr.actor_type = type;
  hdr.actor_key = key;
  std::vector<char> out;
  wire::encode(hdr, out);
  return out;
}

double thread_cpu_s() {
  timespec now{};
  ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) / 1e9;
}

struct simulated_edge {
  zmq::socket_t socket;
  std::string key;
  size_t in_flight = 0;
  uint64_t next_sequence = 2; // 1 is the hello
  bool said_hello = false;
};

/// The edges and the loop that serves their sockets.
class edge_set {
public:
  edge_set(const std::string& endpoint, const edge_load& load)
      : load_(load), per_edge_limit_((load.window + load.edges - 1) / load.edges),
        in_ready_(load.edges, false) {
    // Two descriptors an edge: its TCP connection and its socket's signal.
    context_.set(zmq::ctxopt::max_sockets, static_cast<int>(load.edges + 16));
    epoll_ = ::epoll_create1(EPOLL_CLOEXEC);
    if (epoll_ < 0) throw std::runtime_error("epoll_create1 failed");
    message_types types;
    types.add<actors::blob>("kite.blob");
    if (!types.encode(caf::make_message(actors::blob{std::string(load.payload_bytes, 'x')}),
                      payload_))
      throw std::runtime_error("cannot encode the payload");
    std::mt19937_64 random{std::random_device{}()};
    edges_.reserve(load.edges);
    for (size_t i = 0; i < load.edges; ++i) {
      edges_.push_back({zmq::socket_t{context_, zmq::socket_type::dealer}, fmt::format("e{}", i)});
      auto& socket = edges_.back().socket;
      socket.set(zmq::sockopt::linger, 0);
      socket.connect(endpoint);
      epoll_event ev{};
      ev.events = EPOLLIN;
      ev.data.u64 = i;
      if (::epoll_ctl(epoll_, EPOLL_CTL_ADD, socket.get(zmq::sockopt::fd), &ev) != 0)
        throw std::runtime_error("epoll_ctl failed (too many open files?)");
      if (!load.kite_protocol) {
        ++hellos_;
        continue;
      }
      wire::hello hello;
      hello.node_id = fmt::format("sim-{}", i);
      hello.incarnation = random();
      hello.message_types = {"kite.blob"};
      send(i, header(wire::kind::hello, 1, 0, wire::no_payload_type), wire::encode_hello(hello));
    }
  }

  ~edge_set() { ::close(epoll_); }
  edge_set(const edge_set&) = delete;
  edge_set& operator=(const edge_set&) = delete;

  edge_result run(const std::function<void(bool)>& on_timing) {
    serve_until([this] { return hellos_ == edges_.size(); });
    size_t total = load_.warmup + load_.timed;
    while (sent_ < load_.window && sent_ < total)
      send_request();
    clock_type::time_point start;
    double cpu_start = 0;
    size_t answered_before = 0;
    bool timing = false;
    serve_until([&] {
      // Checked between sockets, so the warm-up may end a few answers late.
      if (answered_ >= load_.warmup && !timing) {
        timing = true;
        on_timing(true);
        start = clock_type::now();
        cpu_start = thread_cpu_s();
        answered_before = answered_;
      }
      while (sent_ < total && sent_ - answered_ < load_.window)
        send_request();
      return answered_ == total;
    });
    auto seconds = std::chrono::duration<double>(clock_type::now() - start).count();
    auto cpu = thread_cpu_s() - cpu_start;
    on_timing(false);
    auto timed = static_cast<double>(answered_ - answered_before);
    return {timed / seconds, answered_ - answered_before, cpu * 1e6 / timed};
  }

private:
  void send(size_t i, const std::vector<char>& head, const std::vector<char>& payload) {
    std::array<zmq::const_buffer, 2> parts{zmq::buffer(head), zmq::buffer(payload)};
    if (!zmq::send_multipart(edges_[i].socket, parts))
      throw std::runtime_error("a simulated edge could not send");
    mark_ready(i); // sending may have taken the signal its descriptor was about to give
  }

  /// The next edge in turn below its share of the window sends one request.
  void send_request() {
    while (edges_[cursor_].in_flight >= per_edge_limit_)
      cursor_ = (cursor_ + 1) % edges_.size();
    auto& edge = edges_[cursor_];
    ++edge.in_flight;
    ++sent_;
    send(cursor_,
         header(wire::kind::request, edge.next_sequence++, 0, blob_index, load_.actor_type,
                edge.key),
         payload_);
    cursor_ = (cursor_ + 1) % edges_.size();
  }

  void mark_ready(size_t i) {
    if (!in_ready_[i]) {
      in_ready_[i] = true;
      ready_.push_back(i);
    }
  }

  /// Serves the sockets until `done()` holds; `done` may send.
  template <class Done> void serve_until(Done&& done) {
    auto last_progress = clock_type::now();
    while (!done()) {
      if (ready_.empty()) {
        std::array<epoll_event, 64> events;
        int n = ::epoll_wait(epoll_, events.data(), static_cast<int>(events.size()), 1000);
        for (int k = 0; k < n; ++k)
          mark_ready(events[k].data.u64);
        if (clock_type::now() - last_progress > std::chrono::seconds(10))
          throw std::runtime_error(
              fmt::format("no answer for 10 s ({} of {} edges said hello, {} answered)", hellos_,
                          edges_.size(), answered_));
        continue;
      }
      auto i = ready_.back();
      ready_.pop_back();
      in_ready_[i] = false;
      while (edges_[i].socket.get(zmq::sockopt::events) & ZMQ_POLLIN) {
        std::vector<zmq::message_t> parts;
        if (!zmq::recv_multipart(edges_[i].socket, std::back_inserter(parts),
                                 zmq::recv_flags::dontwait))
          break;
        on_frame(i, parts);
        last_progress = clock_type::now();
      }
    }
  }

  void on_frame(size_t i, const std::vector<zmq::message_t>& parts) {
    wire::header hdr;
    wire::frame_error reason{};
    if (parts.empty() || !wire::decode(parts[0].data<char>(), parts[0].size(), hdr, reason))
      throw std::runtime_error("the worker sent a frame that does not decode");
    auto text = [&] { return parts.size() > 1 ? parts[1].to_string() : std::string{}; };
    switch (hdr.type) {
    case wire::kind::request: // the raw echo's answer
      --edges_[i].in_flight;
      ++answered_;
      return;
    case wire::kind::hello_ack:
      if (!edges_[i].said_hello) ++hellos_;
      edges_[i].said_hello = true;
      return;
    case wire::kind::heartbeat:
      send(i,
           header(wire::kind::heartbeat_ack, hdr.sequence, hdr.correlation, wire::no_payload_type),
           {});
      return;
    case wire::kind::response:
      if (hdr.flags & wire::flag_error)
        throw std::runtime_error(fmt::format("the worker failed a request: {}", text()));
      --edges_[i].in_flight;
      ++answered_;
      return;
    case wire::kind::reject:
      throw std::runtime_error(fmt::format("the worker rejected a frame: {}", text()));
    default:
      return;
    }
  }

  edge_load load_;
  size_t per_edge_limit_;
  zmq::context_t context_;
  int epoll_ = -1;
  std::vector<char> payload_;
  std::vector<simulated_edge> edges_;
  std::vector<size_t> ready_;
  std::vector<bool> in_ready_;
  size_t cursor_ = 0;
  size_t hellos_ = 0;
  size_t sent_ = 0;
  size_t answered_ = 0;
};

} // namespace

edge_result drive_edges(const std::string& endpoint, const edge_load& load,
                        const std::function<void(bool)>& on_timing) {
  edge_set edges{endpoint, load};
  return edges.run(on_timing);
}

} // namespace kite::bench
