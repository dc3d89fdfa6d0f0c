#include "raw_zmq.hpp"

#include <chrono>
#include <cstdint>
#include <cstring>
#include <stdexcept>

#include <zmq.hpp>

#include "../zmq_sockets.hpp"

namespace kite::bench {

int serve_raw_sink(const std::string& endpoint, const std::string& secret_key, size_t ack_every,
                   const std::string& ready_file) {
  zmq::context_t context{1};
  auto router = bind_router(context, endpoint, secret_key, ready_file);
  // One sender at a time: a new one (a new routing id) starts the count again.
  std::string sender;
  uint64_t count = 0;
  for (;;) {
    zmq::message_t id;
    zmq::message_t payload;
    if (!router.recv(id) || !router.recv(payload)) continue;
    if (id.to_string_view() != sender) {
      sender = id.to_string();
      count = 0;
    }
    if (++count % ack_every != 0) continue;
    router.send(id, zmq::send_flags::sndmore);
    router.send(zmq::buffer(&count, sizeof count), zmq::send_flags::none);
  }
}

stream_measurement measure_raw_stream(const std::string& endpoint, const keypair* client,
                                      const std::string& server_key, size_t size,
                                      const stream_workload& work, pid_t sink) {
  zmq::context_t context{1};
  auto dealer = connect_dealer(context, endpoint, client, server_key);
  std::vector<char> payload(size, 'k');
  uint64_t acked = 0;
  auto send = [&] { dealer.send(zmq::buffer(payload), zmq::send_flags::none); };
  auto confirmed = [&](bool wait) {
    // A dead sink fails the run instead of hanging it.
    if (wait) {
      zmq::pollitem_t item{dealer.handle(), 0, ZMQ_POLLIN, 0};
      if (zmq::poll(&item, 1, std::chrono::milliseconds{120000}) == 0)
        throw std::runtime_error("raw zmq: no confirmation within 120 s");
    }
    zmq::message_t ack;
    while (dealer.recv(ack, zmq::recv_flags::dontwait)) {
      if (ack.size() != sizeof acked) throw std::runtime_error("raw zmq: a malformed confirmation");
      std::memcpy(&acked, ack.data(), sizeof acked);
    }
    return static_cast<size_t>(acked);
  };
  auto out = time_stream(send, confirmed, unbounded, size, work, {sink});
  out.transport = "raw zmq";
  return out;
}

} // namespace kite::bench
