#include "raw_zmq.hpp"

#include <fstream>
#include <stdexcept>
#include <vector>

#include <zmq.hpp>
#include <zmq_addon.hpp>

namespace kite::bench {

int serve_raw_echo(const std::string& endpoint, const std::string& secret_key,
                   const std::string& ready_file) {
  zmq::context_t context{1};
  zmq::socket_t router{context, zmq::socket_type::router};
  router.set(zmq::sockopt::linger, 0);
  if (!secret_key.empty()) {
    router.set(zmq::sockopt::curve_server, 1);
    router.set(zmq::sockopt::curve_secretkey, secret_key);
  }
  router.bind(endpoint);
  {
    std::ofstream out{ready_file + ".tmp"};
    out << router.get(zmq::sockopt::last_endpoint) << '\n';
  }
  std::rename((ready_file + ".tmp").c_str(), ready_file.c_str());
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
  zmq::socket_t dealer{context, zmq::socket_type::dealer};
  dealer.set(zmq::sockopt::linger, 0);
  // A dead echo server fails the run instead of hanging it.
  dealer.set(zmq::sockopt::rcvtimeo, 120000);
  if (client != nullptr) {
    dealer.set(zmq::sockopt::curve_serverkey, server_key);
    dealer.set(zmq::sockopt::curve_publickey, client->public_key);
    dealer.set(zmq::sockopt::curve_secretkey, client->secret_key);
  }
  dealer.connect(endpoint);
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
