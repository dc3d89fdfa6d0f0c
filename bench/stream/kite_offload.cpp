#include "kite_offload.hpp"

#include "../kite_edge.hpp"

namespace kite::bench {

stream_measurement measure_kite_stream(const std::string& endpoint, const keypair* client,
                                       const std::string& server_key, const kite_target& target,
                                       size_t size, const stream_workload& work, pid_t worker) {
  bench_edge edge{endpoint, client, server_key, work.threads};
  actors::blob payload{std::string(size, 'k')};
  auto answer_size = target.echoes ? size : 0;
  // As time_stream does: two warm-up phases, the second's rate sizes the timed window, and
  // each phase ends when its last answer is in.
  auto phase = work.warmup_phase(size);
  edge.drive(target.type, payload, answer_size, 0, phase, work.window);
  auto warm = edge.drive(target.type, payload, answer_size, 0, phase, work.window);
  stream_measurement out;
  out.transport = target.transport;
  out.messages = work.timed(warm.answers_per_s(phase));
  cpu_meter cpu{{worker}};
  cpu.start();
  auto timed = edge.drive(target.type, payload, answer_size, 0, out.messages, work.window);
  out.cpu_seconds = cpu.stop();
  out.seconds = std::chrono::duration<double>(timed.last_answered - timed.measuring_since).count();
  return out;
}

} // namespace kite::bench
