#include "raw_zmq.hpp"

#include <chrono>
#include <fstream>
#include <stdexcept>
#include <vector>

#include <zmq.hpp>

namespace kite::bench {

namespace {

using clock_type = std::chrono::steady_clock;

double micros(clock_type::duration d) {
  return std::chrono::duration<double, std::micro>(d).count();
}

} // namespace

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
  for (;;) {
    zmq::message_t id;
    zmq::message_t payload;
    if (!router.recv(id) || !router.recv(payload)) continue;
    router.send(id, zmq::send_flags::sndmore);
    router.send(payload, zmq::send_flags::none);
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
  for (size_t i = 0; i < work.warmup; ++i) {
    send();
    receive();
  }
  std::vector<double> samples;
  samples.reserve(work.round_trips);
  for (size_t i = 0; i < work.round_trips; ++i) {
    auto start = clock_type::now();
    send();
    receive();
    samples.push_back(micros(clock_type::now() - start));
  }
  measurement out;
  out.transport = "raw zmq";
  out.curve = client != nullptr;
  out.size = size;
  out.p50_us = quantile(samples, 0.5);
  out.p99_us = quantile(samples, 0.99);

  // Same rules as Kite's side: `window` in flight, timed over the answers after the warm-up.
  size_t total = work.warmup + work.pipelined;
  size_t sent = 0;
  auto start = clock_type::now();
  for (; sent < work.window && sent < total; ++sent)
    send();
  for (size_t answered = 0; answered < total;) {
    receive();
    if (++answered == work.warmup) start = clock_type::now();
    if (sent < total) {
      send();
      ++sent;
    }
  }
  out.round_trips_per_s = static_cast<double>(work.pipelined) /
                          std::chrono::duration<double>(clock_type::now() - start).count();
  return out;
}

} // namespace kite::bench
