#include "tcp_proxy.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <deque>
#include <list>
#include <random>
#include <vector>

#include <fmt/format.h>

#include "kite/runtime/error.hpp"

namespace kite::test {

namespace {

using clock_type = std::chrono::steady_clock;

/// Bytes read from one side, to be written to the other from `release_at` on.
struct chunk {
  clock_type::time_point release_at;
  std::string bytes;
  size_t written = 0;
};

/// Bytes a direction holds before it stops reading, so the sender feels backpressure.
constexpr size_t max_queued = 1 << 20;

/// One direction of one connection.
struct flow {
  int from = -1;
  int to = -1;
  std::deque<chunk> queue;
  size_t queued = 0;
  /// When the last chunk is released: later ones never overtake it, and bandwidth paces it.
  clock_type::time_point last_release;
};

struct connection {
  flow up;
  flow down;
  bool closed = false;
};

void set_nonblocking(int fd) {
  ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
}

int connect_to(uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    ::close(fd);
    return -1;
  }
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  set_nonblocking(fd);
  return fd;
}

} // namespace

struct tcp_proxy::state {
  std::mutex mutex;
  impairment ways[2];
  bool cut = false;
  std::mt19937_64 random{std::random_device{}()};
  std::list<connection> connections;
};

caf::expected<std::unique_ptr<tcp_proxy>> tcp_proxy::start(uint16_t target_port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
      ::listen(fd, 64) != 0 || ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    auto why = std::strerror(errno);
    if (fd >= 0) ::close(fd);
    return make_error(errc::io, fmt::format("tcp_proxy: cannot listen on 127.0.0.1: {}", why));
  }
  set_nonblocking(fd);
  return std::unique_ptr<tcp_proxy>{new tcp_proxy(fd, ntohs(addr.sin_port), target_port)};
}

tcp_proxy::tcp_proxy(int listener, uint16_t port, uint16_t target_port)
    : listener_(listener), port_(port), target_port_(target_port),
      wake_(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)), state_(std::make_unique<state>()) {
  thread_ = std::thread{[this] { run(); }};
}

tcp_proxy::~tcp_proxy() {
  running_ = false;
  uint64_t one = 1;
  (void)!::write(wake_, &one, sizeof(one));
  thread_.join();
  for (auto& c : state_->connections) {
    ::close(c.up.from);
    ::close(c.up.to);
  }
  ::close(listener_);
  ::close(wake_);
}

std::string tcp_proxy::endpoint() const {
  return fmt::format("tcp://127.0.0.1:{}", port_);
}

void tcp_proxy::set(direction way, const impairment& how) {
  {
    std::lock_guard<std::mutex> guard{state_->mutex};
    state_->ways[static_cast<int>(way)] = how;
  }
  uint64_t one = 1;
  (void)!::write(wake_, &one, sizeof(one));
}

void tcp_proxy::cut() {
  {
    std::lock_guard<std::mutex> guard{state_->mutex};
    state_->cut = true;
  }
  uint64_t one = 1;
  (void)!::write(wake_, &one, sizeof(one));
}

void tcp_proxy::run() {
  auto& s = *state_;
  std::vector<pollfd> fds;
  // The connection and direction (0 up, 1 down) each fd entry reads or writes for.
  std::vector<std::pair<connection*, int>> owners;
  char buf[64 * 1024];
  while (running_) {
    impairment ways[2];
    bool cut = false;
    {
      std::lock_guard<std::mutex> guard{s.mutex};
      ways[0] = s.ways[0];
      ways[1] = s.ways[1];
      std::swap(cut, s.cut);
    }
    if (cut) {
      for (auto& c : s.connections)
        c.closed = true;
      stats_.cuts.fetch_add(1, std::memory_order_relaxed);
    }
    for (auto i = s.connections.begin(); i != s.connections.end();) {
      if (!i->closed) {
        ++i;
        continue;
      }
      ::close(i->up.from);
      ::close(i->up.to);
      i = s.connections.erase(i);
    }
    auto now = clock_type::now();
    // Writes what is due; collects what to wait for.
    fds.assign({{listener_, POLLIN, 0}, {wake_, POLLIN, 0}});
    owners.assign({{nullptr, 0}, {nullptr, 0}});
    auto next = clock_type::time_point::max();
    bool ended = false; // a connection closed while writing: start over without it
    for (auto& c : s.connections) {
      for (int way = 0; way < 2 && !c.closed; ++way) {
        auto& f = way == 0 ? c.up : c.down;
        bool held = ways[way].hold;
        while (!held && !f.queue.empty() && f.queue.front().release_at <= now) {
          auto& head = f.queue.front();
          auto n = ::send(f.to, head.bytes.data() + head.written, head.bytes.size() - head.written,
                          MSG_NOSIGNAL);
          if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
          if (n <= 0) {
            c.closed = true;
            ended = true;
            break;
          }
          (way == 0 ? stats_.bytes_up : stats_.bytes_down).fetch_add(static_cast<uint64_t>(n));
          head.written += static_cast<size_t>(n);
          f.queued -= static_cast<size_t>(n);
          if (head.written == head.bytes.size()) f.queue.pop_front();
        }
        if (c.closed || held) continue;
        if (f.queued < max_queued) {
          fds.push_back({f.from, POLLIN, 0});
          owners.emplace_back(&c, way);
        }
        if (!f.queue.empty()) {
          if (f.queue.front().release_at <= now) {
            fds.push_back({f.to, POLLOUT, 0});
            owners.emplace_back(&c, way);
          } else {
            next = std::min(next, f.queue.front().release_at);
          }
        }
      }
    }
    if (ended) continue;
    int timeout = -1;
    if (next != clock_type::time_point::max())
      timeout = static_cast<int>(
          std::chrono::duration_cast<std::chrono::milliseconds>(next - now).count() + 1);
    if (::poll(fds.data(), fds.size(), timeout) < 0 && errno != EINTR) return;
    if (fds[1].revents & POLLIN) {
      uint64_t count;
      (void)!::read(wake_, &count, sizeof(count));
    }

    if (fds[0].revents & POLLIN) {
      for (int client; (client = ::accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC)) >= 0;) {
        int server = connect_to(target_port_);
        if (server < 0) {
          ::close(client); // the target is down: so is the path through the proxy
          continue;
        }
        int one = 1;
        ::setsockopt(client, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
        set_nonblocking(client);
        auto& c = s.connections.emplace_back();
        c.up.from = c.down.to = client;
        c.up.to = c.down.from = server;
        stats_.connections.fetch_add(1, std::memory_order_relaxed);
      }
    }
    now = clock_type::now();
    for (size_t i = 2; i < fds.size(); ++i) {
      if ((fds[i].events & POLLIN) == 0 || fds[i].revents == 0) continue;
      auto [c, index] = owners[i];
      auto& f = index == 0 ? c->up : c->down;
      auto n = ::recv(f.from, buf, sizeof(buf), 0);
      if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK)) {
        c->closed = true; // one side ended: so does the connection, as a cable pulled
        continue;
      }
      if (n < 0) continue;
      impairment way;
      {
        // Taken after the read: what was set before these bytes were sent applies to them.
        std::lock_guard<std::mutex> guard{s.mutex};
        way = s.ways[index];
      }
      auto delay = std::chrono::duration_cast<clock_type::duration>(way.delay);
      if (way.jitter.count() > 0) {
        std::uniform_int_distribution<int64_t> spread{-way.jitter.count(), way.jitter.count()};
        delay += std::chrono::microseconds{spread(s.random)};
      }
      if (way.loss > 0 && std::uniform_real_distribution<double>{0, 1}(s.random) < way.loss)
        delay += way.retransmit_after;
      auto release = std::max(now + std::max(delay, clock_type::duration::zero()), f.last_release);
      if (way.bandwidth > 0)
        release += std::chrono::duration_cast<clock_type::duration>(
            std::chrono::duration<double>(static_cast<double>(n) / way.bandwidth));
      f.last_release = release;
      f.queued += static_cast<size_t>(n);
      f.queue.push_back({release, std::string(buf, static_cast<size_t>(n)), 0});
    }
  }
}

} // namespace kite::test
