// The edge's pipeline as edge.yaml declares it, run by a real kite-edge: a recording replayed
// through filter and downsample stages into file and log sinks, a UDP sensor, and a slow sink
// whose bounded queue blocks the source or drops and counts.
#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <csignal>
#include <fstream>
#include <sstream>
#include <thread>

#include <fmt/format.h>

#include "../fault/edge_log.hpp"
#include "loopback_cluster.hpp"

using namespace std::chrono_literals;
using namespace kite::test;

namespace {

void write(const std::string& path, const std::string& text) {
  std::ofstream{path} << text;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in{text};
  for (std::string line; std::getline(in, line);)
    out.push_back(line);
  return out;
}

/// A UDP port free now, for a source to bind next.
uint16_t free_udp_port() {
  int fd = socket(AF_INET, SOCK_DGRAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  close(fd);
  return ntohs(addr.sin_port);
}

void send_datagram(uint16_t port, const std::string& text) {
  int fd = socket(AF_INET, SOCK_DGRAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(port);
  sendto(fd, text.data(), text.size(), 0, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  close(fd);
}

} // namespace

TEST_CASE("a replayed recording flows through filter and downsample into file and log sinks, and "
          "the agent ends with the recording") {
  loopback_cluster cluster;
  cluster.start_worker();
  std::string recording = "# timestamp_ns,channel 0,channel 1\n";
  for (int i = 0; i < 100; ++i) {
    recording += fmt::format("{},{},{}\n", 1'000'000 * i, i % 10, -i);
    if (i == 50) recording += "this line is broken\n";
  }
  auto csv = cluster.dir() + "/recording.csv";
  write(csv, recording);
  auto kept = cluster.dir() + "/kept.txt";
  edge_options options;
  options.pipeline = fmt::format(R"(pipeline:
  sources:
    recording: {{ kind: replay, file: {}, speed: 0, to: [high, sparse] }}
  stages:
    high: {{ kind: filter, channel: 0, min: 5, to: kept }}
    sparse: {{ kind: downsample, every: 10, to: logged }}
  sinks:
    kept: {{ kind: file, path: {} }}
    logged: {{ kind: log }}
)",
                                 csv, kept);
  auto edge = cluster.start_edge(options);
  auto code = edge->wait_for(20s);
  REQUIRE(code.has_value());
  auto log = read_file(edge->log_path());
  INFO(log);
  CHECK(*code == 0);
  // The broken line is named with its place, skipped, and the rest goes on.
  CHECK(log.find("recording.csv:53: expected timestamp_ns,value,value,...") != std::string::npos);
  CHECK(log.find("replayed 100 samples") != std::string::npos);
  // Channel 0 runs 0..9 ten times: the filter keeps the 50 samples from 5 up, in order.
  auto written = lines_of(read_file(kept));
  REQUIRE(written.size() == 50);
  CHECK(written.front().find("kite.sensor_sample(5, 5000000, [5.000000, -5.000000])") !=
        std::string::npos);
  CHECK(written.back().find("kite.sensor_sample(99, 99000000, [9.000000, -99.000000])") !=
        std::string::npos);
  // One in ten reaches the log sink: sequences 0, 10, ..., 90.
  CHECK(occurrences(log, "logged: kite.sensor_sample(") == 10);
  CHECK(log.find("logged: kite.sensor_sample(90, 90000000, [0.000000, -90.000000])") !=
        std::string::npos);
}

TEST_CASE("a UDP source turns each datagram into a sample and ignores malformed ones") {
  loopback_cluster cluster;
  cluster.start_worker();
  auto port = free_udp_port();
  auto out = cluster.dir() + "/udp.txt";
  edge_options options;
  options.pipeline = fmt::format(R"(pipeline:
  sources:
    bumper: {{ kind: udp, listen: "127.0.0.1:{}", to: out }}
  sinks:
    out: {{ kind: file, path: {} }}
)",
                                 port, out);
  auto edge = cluster.start_edge(options);
  REQUIRE(wait_for_text(edge->log_path(), fmt::format("listening for samples on udp port {}", port),
                        10s));
  send_datagram(port, "1.5,2.5");
  send_datagram(port, "not numbers");
  send_datagram(port, "3,4,5\n");
  auto deadline = std::chrono::steady_clock::now() + 10s;
  while (lines_of(read_file(out)).size() < 2 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(10ms);
  auto written = lines_of(read_file(out));
  REQUIRE(written.size() == 2);
  CHECK(written[0].find("kite.sensor_sample(0, ") != std::string::npos);
  CHECK(written[0].find("[1.500000, 2.500000]") != std::string::npos);
  CHECK(written[1].find("kite.sensor_sample(1, ") != std::string::npos);
  CHECK(written[1].find("[3.000000, 4.000000, 5.000000]") != std::string::npos);
  CHECK(wait_for_text(edge->log_path(), "ignored a datagram that is not comma-separated numbers",
                      5s));
  edge->signal(SIGTERM);
  CHECK(edge->wait_for(10s) == 0);
}

TEST_CASE("a slow sink behind a blocking queue pauses the source and loses nothing, and behind "
          "drop_newest it drops and counts") {
  loopback_cluster cluster;
  cluster.start_worker();
  // kite.busy costs 10 ms a request and the sink sends one at a time: at most 100 a second,
  // against a source of 400 a second.
  auto pipeline = [](const char* policy) {
    return fmt::format(R"(pipeline:
  sources:
    fast: {{ kind: synthetic, rate_hz: 400, values: 4, count: 120, to: smooth }}
  stages:
    smooth: {{ kind: window, size: 2, to: slow }}
  sinks:
    slow: {{ kind: offload, type: kite.busy, max_in_flight: 1, queue: {{ capacity: 5, when_full: {} }} }}
)",
                       policy);
  };
  edge_options blocking;
  blocking.name = "blocking";
  blocking.pipeline = pipeline("block");
  auto edge = cluster.start_edge(blocking);
  auto code = edge->wait_for(30s);
  REQUIRE(code.has_value());
  auto log = read_file(edge->log_path());
  {
    INFO(log);
    CHECK(*code == 0);
    CHECK(counter_in(log, "answered") == 120);
    CHECK(counter_in(log, "dropped") == 0);
    // The source met a full queue and waited for room.
    CHECK(counter_in(log, "waited") > 0);
  }

  edge_options dropping;
  dropping.name = "dropping";
  dropping.pipeline = pipeline("drop_newest");
  edge = cluster.start_edge(dropping);
  code = edge->wait_for(30s);
  REQUIRE(code.has_value());
  log = read_file(edge->log_path());
  INFO(log);
  CHECK(*code == 0);
  auto answered = counter_in(log, "answered");
  auto dropped = counter_in(log, "dropped");
  CHECK(dropped > 0);
  CHECK(answered + dropped == 120);
}

TEST_CASE("an offload stage passes each answer on, in the order of its requests, and ends with "
          "them") {
  loopback_cluster cluster;
  cluster.start_worker();
  auto csv = cluster.dir() + "/recording.csv";
  std::string recording;
  for (int i = 0; i < 30; ++i)
    recording += fmt::format("{},{}\n", 1'000'000 * i, i);
  write(csv, recording);
  auto answers = cluster.dir() + "/answers.txt";
  edge_options options;
  // max_in_flight 1: each answer is back before the next request goes, so their order is known.
  options.pipeline = fmt::format(R"(pipeline:
  sources:
    recording: {{ kind: replay, file: {}, speed: 0, to: echoed }}
  stages:
    echoed: {{ kind: offload, type: kite.echo, answers: samples, max_in_flight: 1, to: kept }}
  sinks:
    kept: {{ kind: file, path: {} }}
)",
                                 csv, answers);
  auto edge = cluster.start_edge(options);
  auto code = edge->wait_for(20s);
  REQUIRE(code.has_value());
  INFO(read_file(edge->log_path()));
  CHECK(*code == 0);
  // kite.echo on the worker answers each sample with itself: all 30 come back, in order.
  auto written = lines_of(read_file(answers));
  REQUIRE(written.size() == 30);
  for (int i = 0; i < 30; ++i)
    CHECK(written[i].find(fmt::format("kite.sensor_sample({}, {}, [{}.000000])", i, 1'000'000 * i,
                                      i)) != std::string::npos);
}
