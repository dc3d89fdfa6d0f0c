#include "caf_remote.hpp"

#include <chrono>
#include <stdexcept>

#include <caf/scoped_actor.hpp>
#include <caf/stateful_actor.hpp>

#include "../caf_node.hpp"

namespace kite::bench {

namespace {

using ack_atom = caf::atom_constant<caf::atom("ack")>;

/// What the counting actor knows: its sender, and how many messages it sent.
struct sink_state {
  static constexpr const char* name = "bench.caf_sink";
  caf::strong_actor_ptr sender;
  uint64_t count = 0;
};

/// Counts the strings it gets and tells their sender the count every `ack_every` of them; a new
/// sender starts the count again.
caf::behavior caf_sink(caf::stateful_actor<sink_state>* self, uint64_t ack_every) {
  return {[self, ack_every](const std::string&) {
    auto& s = self->state;
    if (self->current_sender() != s.sender) {
      s.sender = self->current_sender();
      s.count = 0;
    }
    if (++s.count % ack_every == 0)
      self->send(caf::actor_cast<caf::actor>(s.sender), ack_atom::value, s.count);
  }};
}

} // namespace

int serve_caf_sink(size_t ack_every, const std::string& ready_file) {
  caf_node node{2};
  return publish_and_serve(node, node.sys.spawn(caf_sink, uint64_t{ack_every}), ready_file);
}

stream_measurement measure_caf_stream(const std::string& endpoint, size_t size,
                                      const stream_workload& work, pid_t sink) {
  caf_node node{work.threads};
  auto server = remote_actor(node, endpoint);
  caf::scoped_actor self{node.sys};
  std::string payload(size, 'k');
  uint64_t acked = 0;
  auto on_ack = [&](ack_atom, uint64_t count) { acked = std::max(acked, count); };
  auto send = [&] { self->send(server, payload); };
  auto confirmed = [&](bool wait) {
    // A dead sink fails the run instead of hanging it.
    if (wait)
      self->receive(
          on_ack, caf::after(std::chrono::seconds{120}) >>
                      [] { throw std::runtime_error("caf: no confirmation within 120 s"); });
    for (bool more = true; more;)
      self->receive(
          on_ack, caf::after(std::chrono::seconds{0}) >> [&] { more = false; });
    return static_cast<size_t>(acked);
  };
  auto out = time_stream(send, confirmed, work.window, size, work, {sink});
  out.transport = "caf basp";
  return out;
}

} // namespace kite::bench
