#include "tcp_proxy.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>

#include <catch2/catch.hpp>

using namespace std::chrono_literals;
using kite::test::direction;
using kite::test::impairment;
using kite::test::tcp_proxy;

namespace {

/// Echoes every connection on 127.0.0.1 at a port of the OS's choice, until destroyed.
struct echo_server {
  echo_server() {
    listener = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof(addr);
    ::bind(listener, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
    ::listen(listener, 8);
    ::getsockname(listener, reinterpret_cast<sockaddr*>(&addr), &len);
    port = ntohs(addr.sin_port);
    thread = std::thread{[this] {
      std::vector<std::thread> echoes;
      for (int fd; (fd = ::accept(listener, nullptr, nullptr)) >= 0;)
        echoes.emplace_back([fd] {
          char buf[16384];
          for (ssize_t n; (n = ::recv(fd, buf, sizeof(buf), 0)) > 0;)
            if (::send(fd, buf, static_cast<size_t>(n), MSG_NOSIGNAL) != n) break;
          ::close(fd);
        });
      for (auto& t : echoes)
        t.join();
    }};
  }
  ~echo_server() {
    ::shutdown(listener, SHUT_RDWR); // ends accept()
    ::close(listener);
    thread.join();
  }
  int listener;
  uint16_t port;
  std::thread thread;
};

int connect_to(uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0);
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  return fd;
}

/// Reads exactly `n` bytes, waiting at most 5 s for each piece; fewer when the peer ends.
std::string read_exactly(int fd, size_t n) {
  std::string out;
  char buf[16384];
  while (out.size() < n) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 5000) <= 0) break;
    auto got = ::recv(fd, buf, std::min(sizeof(buf), n - out.size()), 0);
    if (got <= 0) break;
    out.append(buf, static_cast<size_t>(got));
  }
  return out;
}

/// The time one byte takes through the proxy to the echo and back.
std::chrono::milliseconds round_trip(int fd) {
  auto start = std::chrono::steady_clock::now();
  REQUIRE(::send(fd, "x", 1, MSG_NOSIGNAL) == 1);
  REQUIRE(read_exactly(fd, 1) == "x");
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                               start);
}

impairment delayed(std::chrono::milliseconds d) {
  impairment out;
  out.delay = d;
  return out;
}

} // namespace

TEST_CASE("tcp proxy: bytes arrive intact and in order both ways, under jitter") {
  echo_server echo;
  auto proxy = tcp_proxy::start(echo.port);
  REQUIRE(proxy);
  impairment jittery;
  jittery.delay = 2ms;
  jittery.jitter = 2ms;
  (*proxy)->set(direction::upstream, jittery);
  (*proxy)->set(direction::downstream, jittery);
  int fd = connect_to((*proxy)->port());
  std::string sent;
  for (int i = 0; i < 200000; ++i)
    sent.push_back(static_cast<char>('a' + (i * 7919) % 26));
  std::thread writer{[&] { ::send(fd, sent.data(), sent.size(), MSG_NOSIGNAL); }};
  auto back = read_exactly(fd, sent.size());
  writer.join();
  CHECK(back == sent);
  CHECK((*proxy)->stats().bytes_up == sent.size());
  ::close(fd);
}

TEST_CASE("tcp proxy: each direction's delay adds to the round trip, and changes at run time") {
  echo_server echo;
  auto proxy = tcp_proxy::start(echo.port);
  REQUIRE(proxy);
  (*proxy)->set(direction::upstream, delayed(30ms));
  (*proxy)->set(direction::downstream, delayed(20ms));
  int fd = connect_to((*proxy)->port());
  // The proxy never releases a byte early, so these lower bounds hold on any machine.
  CHECK(round_trip(fd) >= 50ms);
  (*proxy)->set(direction::upstream, delayed(80ms));
  (*proxy)->set(direction::downstream, delayed(0ms));
  CHECK(round_trip(fd) >= 80ms);
  impairment lossy;
  lossy.loss = 1.0; // every chunk is a lost segment, late by its retransmission
  lossy.retransmit_after = 100ms;
  (*proxy)->set(direction::upstream, lossy);
  CHECK(round_trip(fd) >= 100ms);
  ::close(fd);
}

TEST_CASE("tcp proxy: a bandwidth limit paces a transfer") {
  echo_server echo;
  auto proxy = tcp_proxy::start(echo.port);
  REQUIRE(proxy);
  impairment narrow;
  narrow.bandwidth = 1'000'000; // 100 KB takes at least 100 ms
  (*proxy)->set(direction::upstream, narrow);
  int fd = connect_to((*proxy)->port());
  std::string sent(100000, 'b');
  auto start = std::chrono::steady_clock::now();
  std::thread writer{[&] { ::send(fd, sent.data(), sent.size(), MSG_NOSIGNAL); }};
  CHECK(read_exactly(fd, sent.size()) == sent);
  writer.join();
  CHECK(std::chrono::steady_clock::now() - start >= 100ms);
  ::close(fd);
}

TEST_CASE("tcp proxy: hold keeps bytes until lifted; cut closes connections, new ones work") {
  echo_server echo;
  auto proxy = tcp_proxy::start(echo.port);
  REQUIRE(proxy);
  int fd = connect_to((*proxy)->port());
  CHECK(round_trip(fd) >= 0ms);
  impairment held;
  held.hold = true;
  (*proxy)->set(direction::upstream, held);
  REQUIRE(::send(fd, "h", 1, MSG_NOSIGNAL) == 1);
  pollfd p{fd, POLLIN, 0};
  CHECK(::poll(&p, 1, 100) == 0); // nothing can come back while the way up is held
  (*proxy)->set(direction::upstream, impairment{});
  CHECK(read_exactly(fd, 1) == "h");

  (*proxy)->cut();
  char byte;
  p.revents = 0;
  REQUIRE(::poll(&p, 1, 5000) == 1);
  CHECK(::recv(fd, &byte, 1, 0) == 0); // the proxy closed it
  CHECK((*proxy)->stats().cuts == 1);
  ::close(fd);
  int again = connect_to((*proxy)->port());
  CHECK(round_trip(again) >= 0ms);
  CHECK((*proxy)->stats().connections == 2);
  ::close(again);
}
