#include "kite/actors/udp_send.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <limits>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include "kite/actors/messages.hpp"
#include "kite/actors/sample_codec.hpp"
#include "kite/runtime/error.hpp"

using namespace kite::actors;

namespace {

using clock_type = stage_logic::clock_type;

/// A UDP socket bound to 127.0.0.1 on a free port; recv waits at most 5 seconds, so a datagram
/// that never comes fails the test instead of hanging it.
class receiver {
public:
  /// On `port`, or a free one when 0.
  explicit receiver(uint16_t port = 0) : fd_(socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) {
    REQUIRE(fd_ >= 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(port);
    REQUIRE(bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    socklen_t len = sizeof addr;
    REQUIRE(getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) == 0);
    port_ = ntohs(addr.sin_port);
    timeval timeout{5, 0};
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  }
  ~receiver() { close(fd_); }
  receiver(const receiver&) = delete;
  receiver& operator=(const receiver&) = delete;

  std::string address() const { return fmt::format("127.0.0.1:{}", port_); }
  uint16_t port() const { return port_; }

  /// The next datagram; "<none>" when none came within the timeout.
  std::string next() {
    std::vector<char> buffer(70'000);
    auto n = recv(fd_, buffer.data(), buffer.size(), 0);
    if (n < 0) return "<none>";
    return std::string{buffer.data(), static_cast<size_t>(n)};
  }

private:
  int fd_;
  uint16_t port_ = 0;
};

std::shared_ptr<udp_target> target_of(const std::string& address) {
  auto target = udp_target::connect(address);
  REQUIRE(target);
  return *target;
}

void send_all(stage_logic& sink, const std::vector<caf::message>& items) {
  std::vector<caf::message> out;
  for (const auto& item : items)
    sink.on_item(item, clock_type::now(), out);
  CHECK(out.empty());
}

} // namespace

TEST_CASE("udp send sends a sample's values, a feature, an alarm and each sample of a batch as "
          "one line of numbers per datagram") {
  receiver rx;
  auto target = target_of(rx.address());
  auto sink = make_udp_send(target, "sim");
  send_all(*sink, {caf::make_message(sensor_sample{1, 1000, {0.5f, -2, 3.25f}}),
                   caf::make_message(feature{2, 2000, 0.5, -1.5, 2}),
                   caf::make_message(kite::actors::alarm{3, 3000, 0.3, 0.35, true}),
                   caf::make_message(kite::actors::alarm{4, 4000, 0.5, 0.35, false}),
                   caf::make_message(
                       sample_batch{{sensor_sample{5, 5000, {1}}, sensor_sample{6, 6000, {2, 3}}}}),
                   caf::make_message(sample_batch{})});
  CHECK(rx.next() == "0.5,-2,3.25");
  CHECK(rx.next() == "0.5,-1.5,2");
  CHECK(rx.next() == "1,0.3,0.35");
  CHECK(rx.next() == "0,0.5,0.35");
  CHECK(rx.next() == "1");
  CHECK(rx.next() == "2,3");
  CHECK(target->failed() == 0);
}

TEST_CASE("udp send writes a sample's floats so that a udp source reads back the same values") {
  receiver rx;
  auto sink = make_udp_send(target_of(rx.address()), "sim");
  std::vector<float> values{0.1f,
                            1.0f / 3,
                            -123456.79f,
                            1e-7f,
                            std::numeric_limits<float>::max(),
                            std::numeric_limits<float>::lowest(),
                            std::numeric_limits<float>::min(),
                            0};
  send_all(*sink, {caf::make_message(sensor_sample{1, 1000, values})});
  std::vector<float> parsed;
  REQUIRE(parse_values(rx.next(), parsed));
  CHECK(parsed == values);
}

TEST_CASE("udp send counts a datagram over 65,507 bytes as failed and sends the next item") {
  receiver rx;
  auto target = target_of(rx.address());
  auto sink = make_udp_send(target, "sim");
  std::vector<float> huge(10'000, -1.2345678e-30f); // 15 characters and a comma each
  send_all(*sink, {caf::make_message(sensor_sample{1, 1000, huge}),
                   caf::make_message(sensor_sample{2, 2000, {7}})});
  CHECK(rx.next() == "7");
  CHECK(target->failed() == 1);
}

TEST_CASE("udp send to a port nobody listens on neither throws nor stops sending") {
  std::string address;
  {
    receiver gone; // bound, then closed: its port has no listener
    address = gone.address();
  }
  auto target = target_of(address);
  auto sink = make_udp_send(target, "sim");
  std::vector<caf::message> items;
  for (uint64_t i = 0; i < 5; ++i)
    items.push_back(caf::make_message(sensor_sample{i, 0, {1, 2}}));
  // Loopback reports a refused datagram on the next send, which fails and is counted; the first
  // send cannot know yet.
  CHECK_NOTHROW(send_all(*sink, items));
  CHECK(target->failed() < items.size());
}

TEST_CASE("udp send delivers the first item after its receiver comes back, though the kernel "
          "still holds the refusal of the one before") {
  uint16_t port = 0;
  std::string address;
  {
    receiver gone;
    port = gone.port();
    address = gone.address();
  }
  auto target = target_of(address);
  auto sink = make_udp_send(target, "stop");
  send_all(*sink, {caf::make_message(
                      kite::actors::alarm{1, 0, 0.5, 0.35, false})}); // refused: nobody there
  receiver back{port};
  // The robot's controller restarted: the next stop alarm must reach it.
  send_all(*sink, {caf::make_message(kite::actors::alarm{2, 0, 0.3, 0.35, true})});
  CHECK(back.next() == "1,0.3,0.35");
}

TEST_CASE("udp send's target needs a host and a port other than 0; the error names it") {
  for (auto address : {"127.0.0.1:0", ":7400", "127.0.0.1", "::1:7400"}) {
    INFO(address);
    auto target = udp_target::connect(address);
    REQUIRE_FALSE(target);
    CHECK_THAT(kite::describe(target.error()),
               Catch::Contains(fmt::format("udp target '{}': expected host:port", address)));
  }
}
