#include "mqtt.hpp"

#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstring>
#include <mutex>
#include <stdexcept>
#include <unordered_map>

#include "../mqtt_broker.hpp"

namespace kite::bench {

namespace {

constexpr const char* stream_prefix = "kite/bench/stream/";
constexpr const char* ack_prefix = "kite/bench/ack/";

/// The broker's configuration: no limit on messages in flight to a client and large queues, as
/// mosquitto's documentation advises for throughput; and no Nagle delay. mosquitto's default
/// keeps Nagle's algorithm, but with it a stream stalls whenever the sender waits for a
/// confirmation: the tail of what it sent waits for a delayed ACK (4,000 messages/s at 64 B
/// here, CPUs idle, against 40,000 without).
constexpr const char* broker_tuning =
    "set_tcp_nodelay true\nmax_inflight_messages 0\nmax_queued_messages 100000\n";

/// The subscriber's count of each stream, by the topic's last level.
struct sink_counts {
  uint64_t ack_every = 64;
  std::unordered_map<std::string, uint64_t> received;
};

/// The publisher's confirmations, handed from libmosquitto's network thread.
struct confirmations {
  std::mutex mutex;
  std::condition_variable arrived;
  uint64_t count = 0;
};

} // namespace

int serve_mqtt_sink(const std::string& mosquitto_bin, const std::string& dir, size_t ack_every,
                    const std::string& ready_file) {
  sink_counts counts;
  counts.ack_every = ack_every;
  return serve_subscriber(
      mosquitto_bin, dir, broker_tuning, "kite/bench/stream/+", &counts,
      [](mosquitto* m, void* data, const mosquitto_message* msg) {
        auto* c = static_cast<sink_counts*>(data);
        std::string stream{msg->topic + std::strlen(stream_prefix)};
        auto count = ++c->received[stream];
        if (count % c->ack_every != 0) return;
        auto topic = ack_prefix + stream;
        mosquitto_publish(m, nullptr, topic.c_str(), sizeof count, &count, msg->qos, false);
      },
      ready_file);
}

stream_measurement measure_mqtt_stream(const std::string& endpoint, int qos, size_t size,
                                       const stream_workload& work, pid_t sink) {
  // A topic per measurement, so that the subscriber counts each from 0.
  static int streams = 0;
  auto name = std::to_string(::getpid()) + "-" + std::to_string(++streams);
  auto topic = stream_prefix + name;
  confirmations box;
  // libmosquitto's advice for throughput: more QoS 1 messages in flight than its 20.
  mqtt_client client{endpoint,
                     ack_prefix + name,
                     qos,
                     &box,
                     [](mosquitto*, void* data, const mosquitto_message* msg) {
                       auto* b = static_cast<confirmations*>(data);
                       uint64_t count = 0;
                       if (msg->payloadlen == sizeof count)
                         std::memcpy(&count, msg->payload, sizeof count);
                       std::lock_guard<std::mutex> guard{b->mutex};
                       b->count = std::max(b->count, count);
                       b->arrived.notify_one();
                     },
                     static_cast<int>(work.window)};
  std::vector<char> payload(size, 'k');
  uint64_t acked = 0;
  auto send = [&] { client.publish(topic, payload, qos); };
  auto confirmed = [&](bool wait) {
    std::unique_lock<std::mutex> lock{box.mutex};
    // A dead subscriber or broker fails the run instead of hanging it.
    if (wait &&
        !box.arrived.wait_for(lock, std::chrono::seconds{120}, [&] { return box.count > acked; }))
      throw std::runtime_error("mqtt: no confirmation within 120 s");
    acked = box.count;
    return static_cast<size_t>(acked);
  };
  auto out = time_stream(send, confirmed, work.window, size, work, {sink});
  out.transport = qos == 0 ? "mqtt qos0" : "mqtt qos1";
  return out;
}

} // namespace kite::bench
