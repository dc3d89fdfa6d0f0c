#include "mqtt.hpp"

#include <mosquitto.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <stdexcept>
#include <vector>

#include "../mqtt_broker.hpp"

namespace kite::bench {

namespace {

constexpr const char* request_topic = "kite/bench/request";
constexpr const char* reply_topic = "kite/bench/reply";

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
  // mosquitto's own advice for latency and throughput: no Nagle delay (without it a QoS 1 round
  // trip waits for delayed ACKs, 88 ms here), no limit on messages in flight, large queues.
  return serve_subscriber(
      mosquitto_bin, dir,
      "set_tcp_nodelay true\nmax_inflight_messages 0\nmax_queued_messages 100000\n", request_topic,
      nullptr,
      [](mosquitto* m, void*, const mosquitto_message* msg) {
        mosquitto_publish(m, nullptr, reply_topic, msg->payloadlen, msg->payload, msg->qos, false);
      },
      ready_file);
}

measurement measure_mqtt(const std::string& endpoint, int qos, size_t size, const workload& work) {
  inbox box;
  box.size = size;
  mqtt_client client{
      endpoint, reply_topic, qos, &box, [](mosquitto*, void* data, const mosquitto_message* msg) {
        auto* b = static_cast<inbox*>(data);
        std::lock_guard<std::mutex> guard{b->mutex};
        b->wrong_size = b->wrong_size || static_cast<size_t>(msg->payloadlen) != b->size;
        ++b->count;
        b->arrived.notify_one();
      }};
  std::vector<char> payload(size, 'k');
  size_t received = 0;
  auto send = [&] { client.publish(request_topic, payload, qos); };
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
  return out;
}

} // namespace kite::bench
