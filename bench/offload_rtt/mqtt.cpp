#include "mqtt.hpp"

#include <mosquitto.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <fstream>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

namespace kite::bench {

namespace {

using clock_type = std::chrono::steady_clock;

constexpr const char* request_topic = "kite/bench/request";
constexpr const char* reply_topic = "kite/bench/reply";

/// A loopback TCP port free now, for the broker to bind next.
int free_port() {
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

void check(int rc, const char* what) {
  if (rc != MOSQ_ERR_SUCCESS)
    throw std::runtime_error(std::string{"mqtt: "} + what + ": " + mosquitto_strerror(rc));
}

/// Connects `client` to the broker on `port`, retrying while the broker starts (10 s at most).
void connect(mosquitto* client, int port) {
  auto deadline = clock_type::now() + std::chrono::seconds{10};
  while (mosquitto_connect(client, "127.0.0.1", port, 60) != MOSQ_ERR_SUCCESS) {
    if (clock_type::now() > deadline) throw std::runtime_error("mqtt: the broker did not start");
    std::this_thread::sleep_for(std::chrono::milliseconds{20});
  }
}

/// The measuring client's replies, handed from libmosquitto's network thread.
struct inbox {
  std::mutex mutex;
  std::condition_variable arrived;
  size_t count = 0;
  size_t size = 0;
  bool wrong_size = false;
};

} // namespace

int serve_mqtt_echo(const std::string& mosquitto_bin, const std::string& dir,
                    const std::string& ready_file) {
  int port = free_port();
  auto conf = dir + "/mosquitto-" + std::to_string(port) + ".conf";
  // mosquitto's own advice for latency and throughput: no Nagle delay (without it a QoS 1 round
  // trip waits for delayed ACKs, 88 ms here), no limit on messages in flight, large queues. It
  // runs as this user, so it does not drop privileges, which would forget PR_SET_PDEATHSIG.
  const auto* user = getpwuid(getuid());
  std::ofstream{conf} << "listener " << port << " 127.0.0.1\nallow_anonymous true\n"
                      << "set_tcp_nodelay true\nmax_inflight_messages 0\n"
                      << "max_queued_messages 100000\n"
                      << "user " << (user != nullptr ? user->pw_name : "root") << '\n';
  if (fork() == 0) {
    prctl(PR_SET_PDEATHSIG, SIGKILL); // the broker ends with its echo
    execl(mosquitto_bin.c_str(), mosquitto_bin.c_str(), "-c", conf.c_str(), nullptr);
    _exit(127);
  }
  mosquitto_lib_init();
  auto* echo = mosquitto_new("kite-bench-echo", true, nullptr);
  mosquitto_int_option(echo, MOSQ_OPT_TCP_NODELAY, 1);
  mosquitto_message_callback_set(echo, [](mosquitto* m, void*, const mosquitto_message* msg) {
    mosquitto_publish(m, nullptr, reply_topic, msg->payloadlen, msg->payload, msg->qos, false);
  });
  connect(echo, port);
  check(mosquitto_subscribe(echo, nullptr, request_topic, 1), "subscribe");
  // The subscription is in place once the broker answered it: one turn of the loop is enough
  // on loopback, a few more leave no doubt.
  for (int i = 0; i < 10; ++i)
    mosquitto_loop(echo, 10, 1);
  {
    std::ofstream out{ready_file + ".tmp"};
    out << "127.0.0.1:" << port << '\n';
  }
  std::rename((ready_file + ".tmp").c_str(), ready_file.c_str());
  return mosquitto_loop_forever(echo, -1, 1);
}

measurement measure_mqtt(const std::string& endpoint, int qos, size_t size, const workload& work) {
  mosquitto_lib_init();
  inbox box;
  box.size = size;
  auto* client = mosquitto_new(nullptr, true, &box);
  mosquitto_int_option(client, MOSQ_OPT_TCP_NODELAY, 1);
  mosquitto_message_callback_set(client, [](mosquitto*, void* data, const mosquitto_message* msg) {
    auto* b = static_cast<inbox*>(data);
    std::lock_guard<std::mutex> guard{b->mutex};
    b->wrong_size = b->wrong_size || static_cast<size_t>(msg->payloadlen) != b->size;
    ++b->count;
    b->arrived.notify_one();
  });
  connect(client, std::stoi(endpoint.substr(endpoint.rfind(':') + 1)));
  check(mosquitto_subscribe(client, nullptr, reply_topic, qos), "subscribe");
  check(mosquitto_loop_start(client), "loop_start");
  std::vector<char> payload(size, 'k');
  size_t received = 0;
  auto send = [&] {
    check(mosquitto_publish(client, nullptr, request_topic, static_cast<int>(size), payload.data(),
                            qos, false),
          "publish");
  };
  // A dead echo or broker fails the run instead of hanging it.
  auto receive = [&] {
    std::unique_lock<std::mutex> lock{box.mutex};
    if (!box.arrived.wait_for(lock, std::chrono::seconds{120},
                              [&] { return box.count > received; }))
      throw std::runtime_error("mqtt: no answer within 120 s");
    if (box.wrong_size) throw std::runtime_error("mqtt: answer of the wrong size");
    ++received;
  };
  measurement out;
  out.transport = qos == 0 ? "mqtt qos0" : "mqtt qos1";
  out.size = size;
  time_exchange(send, receive, work, out);
  mosquitto_disconnect(client);
  mosquitto_loop_stop(client, true);
  mosquitto_destroy(client);
  return out;
}

} // namespace kite::bench
