// A userspace TCP proxy for tests: forwards 127.0.0.1:port() to a target and impairs each
// direction with delay, jitter, a bandwidth limit, loss (as TCP sees it: a late retransmit) and
// holds or cuts, all changeable while connections run. There is no kernel netem here; this is
// how tests give each worker its own, changing RTT.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include <caf/expected.hpp>

namespace kite::test {

/// Client to target (the connecting side to the listening one), or back.
enum class direction { upstream, downstream };

/// What happens to bytes going one way; applies to the bytes read after it is set.
struct impairment {
  std::chrono::microseconds delay{0};
  /// Each chunk's delay varies by up to this much either way (never reordering bytes).
  std::chrono::microseconds jitter{0};
  /// Bytes per second; 0 is unlimited.
  double bandwidth = 0;
  /// Chance that a chunk is late by `retransmit_after`, as a lost TCP segment would be.
  double loss = 0;
  std::chrono::milliseconds retransmit_after{200};
  /// Hold everything (a partition that keeps connections open) until lifted.
  bool hold = false;
};

/// Counters of a proxy, readable from any thread.
struct proxy_stats {
  std::atomic<uint64_t> connections{0};
  std::atomic<uint64_t> bytes_up{0};
  std::atomic<uint64_t> bytes_down{0};
  std::atomic<uint64_t> cuts{0};
};

class tcp_proxy {
public:
  /// Listens on 127.0.0.1 at a port of the OS's choice and forwards each connection to
  /// `target_port` on 127.0.0.1.
  static caf::expected<std::unique_ptr<tcp_proxy>> start(uint16_t target_port);

  ~tcp_proxy();
  tcp_proxy(const tcp_proxy&) = delete;
  tcp_proxy& operator=(const tcp_proxy&) = delete;

  uint16_t port() const { return port_; }

  /// "tcp://127.0.0.1:<port>", for ZeroMQ.
  std::string endpoint() const;

  /// Thread-safe; bytes already on their way keep the impairment they were read under.
  void set(direction way, const impairment& how);

  /// Closes every connection now, both ends, with what was still on its way; new ones may
  /// connect at once.
  void cut();

  const proxy_stats& stats() const { return stats_; }

  struct state;

private:
  tcp_proxy(int listener, uint16_t port, uint16_t target_port);
  void run();

  int listener_;
  uint16_t port_;
  uint16_t target_port_;
  int wake_;
  std::unique_ptr<state> state_;
  std::atomic<bool> running_{true};
  proxy_stats stats_;
  std::thread thread_;
};

} // namespace kite::test
