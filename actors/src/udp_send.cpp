#include "kite/actors/udp_send.hpp"

#include <netdb.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <caf/detail/scope_guard.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "kite/actors/messages.hpp"
#include "kite/runtime/error.hpp"
#include "kite/runtime/host_port.hpp"

namespace kite::actors {

caf::expected<std::shared_ptr<udp_target>> udp_target::connect(const std::string& target) {
  auto address = parse_host_port(target);
  if (!address || address->host.empty() || address->port == 0)
    return make_error(errc::config, fmt::format("udp target '{}': expected host:port", target));
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_DGRAM;
  hints.ai_flags = AI_NUMERICSERV;
  addrinfo* found = nullptr;
  auto port = std::to_string(address->port);
  if (auto rc = getaddrinfo(address->host.c_str(), port.c_str(), &hints, &found); rc != 0)
    return make_error(errc::io, fmt::format("udp target '{}': {}", target, gai_strerror(rc)));
  auto free_found = caf::detail::make_scope_guard([found] { freeaddrinfo(found); });
  int fd = socket(found->ai_family, found->ai_socktype | SOCK_CLOEXEC, 0);
  // Connected, so the kernel reports a datagram that found no listener (ECONNREFUSED) on the
  // next send, where the sink counts it.
  if (fd < 0 || ::connect(fd, found->ai_addr, found->ai_addrlen) != 0) {
    auto err = make_error(
        errc::io, fmt::format("udp target '{}': cannot connect: {}", target, std::strerror(errno)));
    if (fd >= 0) close(fd);
    return err;
  }
  return std::shared_ptr<udp_target>{new udp_target{fd, target}};
}

udp_target::~udp_target() {
  close(fd_);
}

int udp_target::send(std::string_view datagram) {
  int failure = 0;
  auto once = [&] {
    return ::send(fd_, datagram.data(), datagram.size(), MSG_DONTWAIT | MSG_NOSIGNAL) < 0 ? errno
                                                                                          : 0;
  };
  if (datagram.size() > max_datagram_bytes) {
    failure = EMSGSIZE;
  } else if ((failure = once()) == ECONNREFUSED) {
    // The refusal belongs to an earlier datagram, and this one was not sent: sent again, so an
    // alarm after a receiver's restart is not lost with it.
    failure = once();
  }
  if (failure != 0) ++failed_;
  return failure;
}

std::vector<std::string> datagrams_of(const caf::message& item) {
  // "{}" writes the shortest text that reads back as the same float (or double).
  auto values = [](const sensor_sample& s) { return fmt::format("{}", fmt::join(s.values, ",")); };
  if (item.match_elements<sensor_sample>()) return {values(item.get_as<sensor_sample>(0))};
  if (item.match_elements<feature>()) {
    const auto& f = item.get_as<feature>(0);
    return {fmt::format("{},{},{}", f.mean, f.min, f.max)};
  }
  if (item.match_elements<alarm>()) {
    const auto& a = item.get_as<alarm>(0);
    return {fmt::format("{},{},{}", a.raised ? 1 : 0, a.value, a.limit)};
  }
  std::vector<std::string> out;
  if (item.match_elements<sample_batch>())
    for (const auto& s : item.get_as<sample_batch>(0).samples)
      out.push_back(values(s));
  return out;
}

namespace {

class udp_send final : public stage_logic {
public:
  udp_send(std::shared_ptr<udp_target> target, std::string node)
      : target_(std::move(target)), node_(std::move(node)) {}

  void on_item(const caf::message& in, clock_type::time_point now,
               std::vector<caf::message>&) override {
    auto datagrams = datagrams_of(in);
    if (datagrams.empty() && !in.match_elements<sample_batch>()) {
      warn(now, "skipped an item that is not a sample, feature, alarm or batch");
      return;
    }
    for (const auto& datagram : datagrams) {
      auto failure = target_->send(datagram);
      if (failure == EMSGSIZE && datagram.size() > max_datagram_bytes)
        warn(now, fmt::format("did not send a {}-byte datagram: UDP carries at most {}",
                              datagram.size(), max_datagram_bytes));
      else if (failure != 0)
        warn(now,
             fmt::format("cannot send to udp {}: {}", target_->name(), std::strerror(failure)));
    }
  }

private:
  /// Logs at most once a second: a receiver that is away would otherwise flood the log.
  void warn(clock_type::time_point now, const std::string& what) {
    if (warned_ && now - last_warning_ < std::chrono::seconds{1}) return;
    warned_ = true;
    last_warning_ = now;
    spdlog::warn("{}: {} ({} not sent so far)", node_, what, target_->failed());
  }

  std::shared_ptr<udp_target> target_;
  std::string node_;
  bool warned_ = false;
  clock_type::time_point last_warning_;
};

} // namespace

std::unique_ptr<stage_logic> make_udp_send(std::shared_ptr<udp_target> target, std::string node) {
  return std::make_unique<udp_send>(std::move(target), std::move(node));
}

} // namespace kite::actors
