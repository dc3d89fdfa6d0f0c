#include "kite/actors/udp_source.hpp"

#include <arpa/inet.h>
#include <netdb.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>

#include <caf/detail/scope_guard.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "kite/actors/messages.hpp"
#include "kite/actors/sample_codec.hpp"
#include "kite/runtime/error.hpp"
#include "kite/runtime/host_port.hpp"
#include "kite/runtime/protocol.hpp"

namespace kite::actors {

namespace {

/// How long recv blocks before the actor looks at its mailbox: the latency of stopping.
constexpr std::chrono::milliseconds mailbox_check{100};

} // namespace

caf::expected<std::shared_ptr<udp_socket>> udp_socket::bind(const std::string& listen) {
  auto address = parse_host_port(listen);
  if (!address)
    return make_error(errc::config, fmt::format("udp listen '{}': expected host:port", listen));
  const auto& host = address->host;
  auto port = std::to_string(address->port);
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_DGRAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* found = nullptr;
  if (auto rc = getaddrinfo(host.empty() ? nullptr : host.c_str(), port.c_str(), &hints, &found);
      rc != 0)
    return make_error(errc::io, fmt::format("udp listen '{}': {}", listen, gai_strerror(rc)));
  auto free_found = caf::detail::make_scope_guard([found] { freeaddrinfo(found); });
  int fd = socket(found->ai_family, found->ai_socktype | SOCK_CLOEXEC, 0);
  if (fd < 0 || ::bind(fd, found->ai_addr, found->ai_addrlen) != 0) {
    auto err = make_error(
        errc::io, fmt::format("udp listen '{}': cannot bind: {}", listen, std::strerror(errno)));
    if (fd >= 0) close(fd);
    return err;
  }
  timeval timeout{0, static_cast<suseconds_t>(mailbox_check.count() * 1000)};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  return std::shared_ptr<udp_socket>{new udp_socket{fd}};
}

udp_socket::~udp_socket() {
  close(fd_);
}

uint16_t udp_socket::port() const {
  sockaddr_storage addr{};
  socklen_t len = sizeof addr;
  getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
  if (addr.ss_family == AF_INET6) return ntohs(reinterpret_cast<sockaddr_in6*>(&addr)->sin6_port);
  return ntohs(reinterpret_cast<sockaddr_in*>(&addr)->sin_port);
}

void udp_source(caf::blocking_actor* self, std::string node, std::shared_ptr<udp_socket> socket,
                outlet out) {
  const int fd = socket->fd();
  spdlog::info("{}: listening for samples on udp port {}", node, socket->port());
  std::vector<char> datagram(65536);
  std::vector<float> values;
  uint64_t sequence = 0;
  uint64_t malformed = 0;
  auto last_warning = std::chrono::steady_clock::time_point{};
  for (bool running = true; running;) {
    self->receive([&](resume_atom) { out.flush(self); },
                  [&](caf::exit_msg& exit) {
                    running = false;
                    self->fail_state(std::move(exit.reason));
                  },
                  caf::after(out.holding() ? mailbox_check : std::chrono::milliseconds{0}) >>
                      [] {});
    if (!running || out.holding()) continue;
    auto n = recv(fd, datagram.data(), datagram.size(), 0);
    if (n < 0) continue; // the timeout, or a signal: look at the mailbox again
    if (!parse_values(std::string_view{datagram.data(), static_cast<size_t>(n)}, values)) {
      ++malformed;
      auto now = std::chrono::steady_clock::now();
      if (now - last_warning >= std::chrono::seconds{1}) {
        last_warning = now;
        spdlog::warn("{}: ignored a datagram that is not comma-separated numbers ({} so far)", node,
                     malformed);
      }
      continue;
    }
    sensor_sample sample;
    sample.sequence = sequence++;
    sample.timestamp_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                              std::chrono::system_clock::now().time_since_epoch())
                              .count();
    sample.values = values;
    out.push(caf::make_message(std::move(sample)), self);
  }
}

} // namespace kite::actors
