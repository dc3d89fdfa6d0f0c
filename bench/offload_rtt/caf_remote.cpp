#include "caf_remote.hpp"

#include <chrono>
#include <stdexcept>

#include <caf/event_based_actor.hpp>
#include <caf/scoped_actor.hpp>

#include "../caf_node.hpp"

namespace kite::bench {

namespace {

/// Answers every string with itself.
caf::behavior echo(caf::event_based_actor*) {
  return {[](std::string& payload) { return std::move(payload); }};
}

} // namespace

int serve_caf_echo(const std::string& ready_file) {
  caf_node node{2};
  return publish_and_serve(node, node.sys.spawn(echo), ready_file);
}

measurement measure_caf(const std::string& endpoint, size_t size, const workload& work) {
  caf_node node{work.threads};
  auto server = remote_actor(node, endpoint);
  caf::scoped_actor self{node.sys};
  std::string payload(size, 'k');
  // A dead server fails the run instead of hanging it.
  constexpr std::chrono::seconds timeout{120};
  auto check = [size](const std::string& answer) {
    if (answer.size() != size) throw std::runtime_error("caf: answer of the wrong size");
  };
  measurement out;
  out.transport = "caf basp";
  out.size = size;
  // An echo answers a plain send by sending its result back, so no request state piles up.
  auto send = [&] { self->send(server, payload); };
  auto receive = [&] {
    self->receive(
        check,
        caf::after(timeout) >> [] { throw std::runtime_error("caf: no answer within 120 s"); });
  };
  time_exchange(send, receive, work, out);
  return out;
}

} // namespace kite::bench
