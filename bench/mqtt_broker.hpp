// MQTT as a peer of Kite's: a local mosquitto broker started on a free loopback port, and the
// libmosquitto calls every MQTT client of the benchmarks makes. Needs libmosquitto
// (KITE_BENCH_MQTT) and the broker's binary.
#pragma once

#include <mosquitto.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "server_process.hpp"

namespace kite::bench {

/// Throws when a libmosquitto call failed.
inline void check(int rc, const char* what) {
  if (rc != MOSQ_ERR_SUCCESS)
    throw std::runtime_error(std::string{"mqtt: "} + what + ": " + mosquitto_strerror(rc));
}

/// A loopback TCP port free now, for the broker to bind next.
inline int free_port() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  close(fd);
  return ntohs(addr.sin_port);
}

/// Starts `mosquitto_bin` on a free loopback port as a child that dies with this process, with
/// `tuning` (mosquitto.conf lines) in its configuration, written under `dir`; returns the port.
inline int start_mosquitto(const std::string& mosquitto_bin, const std::string& dir,
                           const std::string& tuning) {
  int port = free_port();
  auto conf = dir + "/mosquitto-" + std::to_string(port) + ".conf";
  // It runs as this user, so it does not drop privileges, which would forget PR_SET_PDEATHSIG.
  const auto* user = getpwuid(getuid());
  std::ofstream{conf} << "listener " << port << " 127.0.0.1\nallow_anonymous true\n"
                      << tuning << "user " << (user != nullptr ? user->pw_name : "root") << '\n';
  if (fork() == 0) {
    prctl(PR_SET_PDEATHSIG, SIGKILL); // the broker ends with the process that started it
    execl(mosquitto_bin.c_str(), mosquitto_bin.c_str(), "-c", conf.c_str(), nullptr);
    _exit(127);
  }
  return port;
}

/// Connects `client` to the broker on `port`, retrying while the broker starts (10 s at most).
inline void connect(mosquitto* client, int port) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds{10};
  while (mosquitto_connect(client, "127.0.0.1", port, 60) != MOSQ_ERR_SUCCESS) {
    if (std::chrono::steady_clock::now() > deadline)
      throw std::runtime_error("mqtt: the broker did not start");
    std::this_thread::sleep_for(std::chrono::milliseconds{20});
  }
}

/// What a client calls with each message, as libmosquitto's message callback.
using message_handler = void (*)(mosquitto*, void*, const mosquitto_message*);

/// Starts mosquitto (start_mosquitto) and a subscriber to `topic` on it, with `handler` called
/// with `data` for each message; writes "127.0.0.1:PORT" to `ready_file` once it is subscribed
/// and runs the subscriber until the process is killed. Every client of the benchmarks sets
/// TCP_NODELAY: with Nagle's algorithm a small message can wait for a delayed ACK (40 ms).
inline int serve_subscriber(const std::string& mosquitto_bin, const std::string& dir,
                            const std::string& tuning, const char* topic, void* data,
                            message_handler handler, const std::string& ready_file) {
  int port = start_mosquitto(mosquitto_bin, dir, tuning);
  mosquitto_lib_init();
  auto* client = mosquitto_new("kite-bench-subscriber", true, data);
  mosquitto_int_option(client, MOSQ_OPT_TCP_NODELAY, 1);
  mosquitto_message_callback_set(client, handler);
  connect(client, port);
  check(mosquitto_subscribe(client, nullptr, topic, 1), "subscribe");
  // The subscription is in place once the broker answered it: one turn of the loop is enough
  // on loopback, a few more leave no doubt.
  for (int i = 0; i < 10; ++i)
    mosquitto_loop(client, 10, 1);
  write_ready_file(ready_file, "127.0.0.1:" + std::to_string(port));
  return mosquitto_loop_forever(client, -1, 1);
}

/// The port of an endpoint "127.0.0.1:PORT".
inline int port_of(const std::string& endpoint) {
  return std::stoi(endpoint.substr(endpoint.rfind(':') + 1));
}

/// A measuring client, connected to the broker at `endpoint` ("127.0.0.1:PORT") and subscribed
/// to `topic` at `qos`, with its network loop on libmosquitto's thread calling `handler` with
/// `data`; at most `in_flight` QoS 1 messages unacknowledged by the broker (0: libmosquitto's
/// default, 20). Disconnects when dropped.
class mqtt_client {
public:
  mqtt_client(const std::string& endpoint, const std::string& topic, int qos, void* data,
              message_handler handler, int in_flight = 0) {
    mosquitto_lib_init();
    client_ = mosquitto_new(nullptr, true, data);
    mosquitto_int_option(client_, MOSQ_OPT_TCP_NODELAY, 1);
    if (in_flight > 0)
      check(mosquitto_int_option(client_, MOSQ_OPT_SEND_MAXIMUM, in_flight), "send maximum");
    mosquitto_message_callback_set(client_, handler);
    connect(client_, port_of(endpoint));
    check(mosquitto_subscribe(client_, nullptr, topic.c_str(), qos), "subscribe");
    check(mosquitto_loop_start(client_), "loop_start");
  }

  ~mqtt_client() {
    mosquitto_disconnect(client_);
    mosquitto_loop_stop(client_, true);
    mosquitto_destroy(client_);
  }

  mqtt_client(const mqtt_client&) = delete;
  mqtt_client& operator=(const mqtt_client&) = delete;

  /// Publishes `payload` on `topic` at `qos`, or throws.
  void publish(const std::string& topic, const std::vector<char>& payload, int qos) {
    check(mosquitto_publish(client_, nullptr, topic.c_str(), static_cast<int>(payload.size()),
                            payload.data(), qos, false),
          "publish");
  }

private:
  mosquitto* client_ = nullptr;
};

} // namespace kite::bench
