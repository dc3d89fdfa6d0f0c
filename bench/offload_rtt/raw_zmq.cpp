#include "raw_zmq.hpp"

#include <stdexcept>
#include <vector>

#include <zmq.hpp>
#include <zmq_addon.hpp>

#include "../zmq_sockets.hpp"

namespace kite::bench {

int serve_raw_echo(const std::string& endpoint, const std::string& secret_key,
                   const std::string& ready_file) {
  zmq::context_t context{1};
  auto router = bind_router(context, endpoint, secret_key, ready_file);
  // Every part comes back, the sender's routing id first: one-part and multipart frames alike.
  std::vector<zmq::message_t> parts;
  for (;;) {
    parts.clear();
    if (zmq::recv_multipart(router, std::back_inserter(parts))) zmq::send_multipart(router, parts);
  }
}

measurement measure_raw(const std::string& endpoint, const keypair* client,
                        const std::string& server_key, size_t size, const workload& work) {
  zmq::context_t context{1};
  auto dealer = connect_dealer(context, endpoint, client, server_key);
  // A dead echo server fails the run instead of hanging it.
  dealer.set(zmq::sockopt::rcvtimeo, 120000);
  std::vector<char> payload(size, 'k');
  auto send = [&] { dealer.send(zmq::buffer(payload), zmq::send_flags::none); };
  auto receive = [&] {
    zmq::message_t reply;
    if (!dealer.recv(reply)) throw std::runtime_error("raw zmq: no answer within 120 s");
    if (reply.size() != size) throw std::runtime_error("raw zmq: answer of the wrong size");
  };
  measurement out;
  out.transport = "raw zmq";
  out.curve = client != nullptr;
  out.size = size;
  time_exchange(send, receive, work, out);
  return out;
}

} // namespace kite::bench
