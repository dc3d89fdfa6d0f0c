// kite-robot-sim: a simulated robot's drivers, talking to a kite-edge over loopback UDP as real
// ones would: LiDAR, IMU and odometry datagrams to the agent's udp sources; its emergency-stop
// alarms and the cloud's corrected poses back from its udp_send sinks. Runs in real time for
// --duration seconds, then writes what it measured as JSON, and the map as a PNG.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <thread>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "kite/robotics/png.hpp"
#include "kite/robotics/robot_sim.hpp"
#include "kite/runtime/cli_args.hpp"
#include "kite/runtime/error.hpp"
#include "kite/runtime/node.hpp"

namespace {

using namespace kite::robotics;
using clock_type = std::chrono::steady_clock;

constexpr const char* usage =
    "usage: kite-robot-sim --alarms-on HOST:PORT --poses-on HOST:PORT --targets FILE\n"
    "                      [--ready-file FILE] [--duration SECONDS] [--seed N]\n"
    "                      [--person-at SECONDS] [--summary FILE] [--png FILE]\n"
    "  Binds --alarms-on and --poses-on (port 0 picks one), writes both as HOST:PORT lines to\n"
    "  --ready-file, then waits for --targets to hold the agent's udp sources, one per line:\n"
    "  lidar HOST:PORT, imu HOST:PORT, odometry HOST:PORT; then runs for --duration seconds.\n";

/// How long the simulator waits for --targets.
constexpr std::chrono::seconds targets_timeout{60};

/// An IPv4 host:port; false when `text` is not one.
bool parse_address(const std::string& text, sockaddr_in& out) {
  auto colon = text.rfind(':');
  if (colon == std::string::npos) return false;
  out = {};
  out.sin_family = AF_INET;
  char* end = nullptr;
  auto port = std::strtoul(text.c_str() + colon + 1, &end, 10);
  if (*end != '\0' || port > 65535 || colon + 1 == text.size()) return false;
  out.sin_port = htons(static_cast<uint16_t>(port));
  return inet_pton(AF_INET, text.substr(0, colon).c_str(), &out.sin_addr) == 1;
}

/// A non-blocking UDP socket bound to `address`; -1 when it cannot be.
int bind_udp(const sockaddr_in& address) {
  int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
  if (fd < 0) return -1;
  if (bind(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

/// The address a bound socket has.
std::string address_of(int fd) {
  sockaddr_in bound{};
  socklen_t size = sizeof bound;
  getsockname(fd, reinterpret_cast<sockaddr*>(&bound), &size);
  char host[INET_ADDRSTRLEN] = {};
  inet_ntop(AF_INET, &bound.sin_addr, host, sizeof host);
  return fmt::format("{}:{}", host, ntohs(bound.sin_port));
}

/// Reads the agent's sources from `path` once it holds all three; an error message otherwise.
std::string read_targets(const std::string& path, sockaddr_in& lidar, sockaddr_in& imu,
                         sockaddr_in& odometry) {
  auto deadline = clock_type::now() + targets_timeout;
  for (;;) {
    std::ifstream in{path};
    std::map<std::string, std::string> found;
    for (std::string name, address; in >> name >> address;)
      found[name] = address;
    if (found.size() >= 3) {
      for (auto [name, out] : {std::pair{"lidar", &lidar}, {"imu", &imu}, {"odometry", &odometry}})
        if (!parse_address(found[name], *out))
          return fmt::format("{}: '{}' needs an IPv4 HOST:PORT, got '{}'", path, name, found[name]);
      return {};
    }
    if (clock_type::now() > deadline)
      return fmt::format("{} did not name lidar, imu and odometry within {} s", path,
                         targets_timeout.count());
    // A file another process writes: looked at again shortly, up to the deadline.
    std::this_thread::sleep_for(std::chrono::milliseconds{50});
  }
}

/// The comma-separated numbers of one datagram; empty when any is not a number.
std::vector<float> numbers_of(const char* data, size_t size) {
  std::vector<float> out;
  std::istringstream in{std::string{data, size}};
  for (std::string field; std::getline(in, field, ',');) {
    char* end = nullptr;
    float value = std::strtof(field.c_str(), &end);
    if (end == field.c_str()) return {};
    out.push_back(value);
  }
  return out;
}

/// Calls `take` with every datagram waiting on `fd`.
template <class F> void drain(int fd, F&& take) {
  char buffer[65536];
  for (;;) {
    auto got = recv(fd, buffer, sizeof buffer, 0);
    if (got < 0) return;
    take(numbers_of(buffer, static_cast<size_t>(got)));
  }
}

double percentile(std::vector<double> xs, double q) {
  if (xs.empty()) return 0;
  std::sort(xs.begin(), xs.end());
  return xs[std::min(xs.size() - 1, static_cast<size_t>(q * static_cast<double>(xs.size())))];
}

std::string json_of(const sim_report& r, double duration) {
  std::vector<std::string> stops;
  for (const auto& s : r.stops)
    stops.push_back(fmt::format(
        R"({{"at_s": {:.3f}, "scan_to_stop_ms": {:.2f}, "for_person": {}, "person_distance_m": {:.3f}}})",
        s.at, s.scan_to_stop * 1000, s.for_person, s.person_distance));
  return fmt::format(
      R"({{"duration_s": {:.1f}, "scans": {}, "imu_readings": {}, "odometry_readings": {},
"poses": {}, "round_trip_p50_ms": {:.2f}, "round_trip_p99_ms": {:.2f},
"corrected_error_mean_m": {:.4f}, "corrected_error_max_m": {:.4f},
"odometry_error_mean_m": {:.4f}, "odometry_error_max_m": {:.4f}, "map_known_cells": {},
"person_appeared": {}, "person": [{:.3f}, {:.3f}], "closest_to_person_m": {:.3f},
"stops": [{}]}}
)",
      duration, r.scans, r.imu_readings, r.odometry_readings, r.poses,
      percentile(r.round_trips, 0.5) * 1000, percentile(r.round_trips, 0.99) * 1000,
      r.corrected_error_mean, r.corrected_error_max, r.odometry_error_mean, r.odometry_error_max,
      r.map_known_cells, r.person_appeared, r.person.x, r.person.y,
      r.person_appeared ? r.closest_to_person : 0.0, fmt::join(stops, ", "));
}

} // namespace

int main(int argc, char** argv) {
  auto args = kite::parse_cli(argc, argv, 1,
                              {"alarms-on", "poses-on", "targets", "ready-file", "duration", "seed",
                               "person-at", "summary", "png"});
  if (!args || args->get("targets").empty()) {
    std::fprintf(stderr, "kite-robot-sim: %s\n%s",
                 args ? "--targets is required" : kite::describe(args.error()).c_str(), usage);
    return 2;
  }
  sockaddr_in lidar{}, imu{}, odometry{}, alarms_on{}, poses_on{};
  for (auto [name, address] : {std::pair{"alarms-on", &alarms_on}, {"poses-on", &poses_on}})
    if (!parse_address(args->get(name), *address)) {
      std::fprintf(stderr, "kite-robot-sim: --%s: expected an IPv4 host:port, got '%s'\n%s", name,
                   args->get(name).c_str(), usage);
      return 2;
    }
  sim_settings settings;
  double duration = 0;
  try {
    duration = std::stod(args->get("duration", "20"));
    settings.seed = std::stoull(args->get("seed", "1"));
    settings.person_at = std::stod(args->get("person-at", "4"));
  } catch (const std::exception&) {
    std::fprintf(stderr, "kite-robot-sim: --duration, --seed and --person-at take numbers\n%s",
                 usage);
    return 2;
  }
  int alarms = bind_udp(alarms_on);
  int poses = bind_udp(poses_on);
  int out = socket(AF_INET, SOCK_DGRAM, 0);
  if (alarms < 0 || poses < 0 || out < 0) {
    std::perror("kite-robot-sim: cannot bind --alarms-on or --poses-on");
    return 1;
  }
  if (auto ready = args->get("ready-file");
      !ready.empty() &&
      !kite::write_ready_file(ready, address_of(alarms) + "\n" + address_of(poses)))
    return 1;
  if (auto err = read_targets(args->get("targets"), lidar, imu, odometry); !err.empty()) {
    std::fprintf(stderr, "kite-robot-sim: %s\n", err.c_str());
    return 1;
  }

  robot_sim sim{settings};
  auto start = clock_type::now();
  auto elapsed = [start] {
    return std::chrono::duration<double>(clock_type::now() - start).count();
  };
  auto take_alarms = [&] {
    drain(alarms, [&](const std::vector<float>& v) {
      if (v.size() == 3) sim.on_alarm(elapsed(), v[0] != 0);
    });
  };
  auto take_poses = [&] {
    drain(poses, [&](const std::vector<float>& v) {
      if (auto p = unpack_pose(v)) sim.on_pose(elapsed(), *p);
    });
  };
  // Takes what the agent sends as it arrives, so latencies are measured to the microsecond,
  // not to the next physics step.
  auto listen_until = [&](clock_type::time_point deadline) {
    for (auto now = clock_type::now(); now < deadline; now = clock_type::now()) {
      auto left = std::chrono::duration_cast<std::chrono::nanoseconds>(deadline - now).count();
      timespec timeout{left / 1'000'000'000, left % 1'000'000'000};
      pollfd fds[] = {{alarms, POLLIN, 0}, {poses, POLLIN, 0}};
      if (ppoll(fds, 2, &timeout, nullptr) <= 0) continue;
      take_alarms();
      take_poses();
    }
  };
  std::vector<sim_output> due;
  auto step = std::chrono::microseconds{1'000'000 / settings.step_hz};
  auto steps = static_cast<int64_t>(duration * settings.step_hz);
  for (int64_t k = 1; k <= steps; ++k) {
    // Real time: the agent measures what a robot's drivers would make it measure.
    listen_until(start + k * step);
    due.clear();
    sim.step(elapsed(), due);
    for (const auto& d : due) {
      auto text = fmt::format("{}", fmt::join(d.values, ","));
      const auto* to = d.to == sim_output::stream::lidar ? &lidar
                       : d.to == sim_output::stream::imu ? &imu
                                                         : &odometry;
      // Best effort, as UDP: a missing agent loses datagrams, not the robot.
      sendto(out, text.data(), text.size(), 0, reinterpret_cast<const sockaddr*>(to), sizeof *to);
    }
  }
  // Answers to the last scans still on their way.
  listen_until(clock_type::now() + std::chrono::seconds{1});
  auto json = json_of(sim.report(), duration);
  std::fputs(json.c_str(), stdout);
  if (auto path = args->get("summary"); !path.empty()) std::ofstream{path} << json;
  if (auto path = args->get("png"); !path.empty())
    if (auto err = write_png(sim.picture(), path)) {
      std::fprintf(stderr, "kite-robot-sim: %s\n", kite::describe(err).c_str());
      return 1;
    }
  close(alarms);
  close(poses);
  close(out);
  return 0;
}
