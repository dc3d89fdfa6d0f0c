// A source that listens for UDP datagrams, one sample each (`value,value,...`, sample_codec.hpp),
// timestamped on arrival. It runs on a thread of its own, blocked in recv, so an idle sensor
// costs no polling.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include <caf/expected.hpp>

#include <caf/blocking_actor.hpp>

#include "kite/runtime/outlet.hpp"
#include "kite/runtime/pipeline_config.hpp"

namespace kite::actors {

/// A bound UDP socket, made before the source starts, so a wrong address stops the agent at
/// start, and kept across the source's restarts; closed with the last reference.
class udp_socket {
public:
  /// Binds `listen` ("host:port", "[v6]:port"); an error names the address and what failed.
  static caf::expected<std::shared_ptr<udp_socket>> bind(const std::string& listen);

  ~udp_socket();
  udp_socket(const udp_socket&) = delete;
  udp_socket& operator=(const udp_socket&) = delete;

  int fd() const { return fd_; }
  uint16_t port() const;

private:
  explicit udp_socket(int fd) : fd_(fd) {}
  int fd_;
};

/// Sends each well-formed datagram on `socket` on as a sample; a malformed one is counted and
/// logged (at most once a second). While `out` is held, it stops reading: the kernel's socket
/// buffer queues, then drops. Ends on an exit message.
void udp_source(caf::blocking_actor* self, std::string node, std::shared_ptr<udp_socket> socket,
                outlet out);

} // namespace kite::actors
