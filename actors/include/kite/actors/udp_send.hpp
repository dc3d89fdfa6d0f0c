// A sink that sends each item as one UDP datagram, a line of comma-separated numbers, for a
// process on the robot (a simulator, a controller) or another agent's udp source. Best effort,
// as UDP is: a datagram that cannot be sent is counted and logged, never retried or thrown, so
// a receiver that is briefly absent does not make the sink restart.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <caf/expected.hpp>
#include <caf/message.hpp>

#include "kite/actors/stage_logic.hpp"

namespace kite::actors {

/// The largest UDP payload over IPv4; a longer datagram is not sent.
constexpr size_t max_datagram_bytes = 65'507;

/// A UDP socket connected to a sink's target, made before the sink starts, so a target that does
/// not resolve stops the agent at start; kept across the sink's restarts.
class udp_target {
public:
  /// Resolves `target` ("host:port", "[v6]:port") and connects to it; an error names the target
  /// and what failed.
  static caf::expected<std::shared_ptr<udp_target>> connect(const std::string& target);

  ~udp_target();
  udp_target(const udp_target&) = delete;
  udp_target& operator=(const udp_target&) = delete;

  /// Sends one datagram without waiting: 0, or the errno that failed it (EMSGSIZE for one over
  /// max_datagram_bytes, EAGAIN for a full socket buffer, ECONNREFUSED after an earlier datagram
  /// found no listener). A failure is counted.
  int send(std::string_view datagram);

  /// Datagrams not sent so far.
  uint64_t failed() const { return failed_; }

  /// The target as configured.
  const std::string& name() const { return name_; }

private:
  udp_target(int fd, std::string name) : fd_(fd), name_(std::move(name)) {}
  int fd_;
  std::string name_;
  std::atomic<uint64_t> failed_{0};
};

/// The datagrams that carry `item`, each `n,n,...` in text a udp source parses: a sample's
/// values; a feature's `mean,min,max`; an alarm's `raised,value,limit` (raised 1 or 0); one per
/// sample of a batch; none for other items.
std::vector<std::string> datagrams_of(const caf::message& item);

/// Sends each item to `target` as datagrams_of says. A failure is logged, naming `node`, at most
/// once a second; the logic never throws.
std::unique_ptr<stage_logic> make_udp_send(std::shared_ptr<udp_target> target, std::string node);

} // namespace kite::actors
