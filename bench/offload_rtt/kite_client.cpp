#include "kite_client.hpp"

#include "../kite_edge.hpp"

namespace kite::bench {

measurement measure_kite(const std::string& endpoint, const keypair* client,
                         const std::string& server_key, size_t size, const workload& work) {
  bench_edge edge{endpoint, client, server_key, work.threads};
  actors::blob payload{std::string(size, 'k')};
  measurement out;
  out.transport = "kite";
  out.curve = client != nullptr;
  out.size = size;
  // Round trip: one request in flight.
  auto single = edge.drive("kite.echo", payload, size, work.warmup, work.round_trips, 1);
  out.p50_us = quantile(single.round_trips_us, 0.5);
  out.p99_us = quantile(single.round_trips_us, 0.99);
  // Throughput: `window` requests in flight, timed over the answers after the warm-up.
  auto piped = edge.drive("kite.echo", payload, size, work.warmup, work.pipelined, work.window);
  out.round_trips_per_s = piped.answers_per_s(work.pipelined);
  return out;
}

} // namespace kite::bench
