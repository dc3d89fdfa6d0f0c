// MQTT in bench/stream: a client publishes on a topic of its own through a local mosquitto
// broker, at QoS 0 or QoS 1, and a subscriber in another process counts. The subscriber confirms
// every `ack_every` messages of a topic on a reply topic, and the publisher keeps at most a
// window unconfirmed: MQTT's own flow control (QoS 1's messages in flight) bounds only the hop
// to the broker, which would queue for a slower subscriber and then drop. No TLS: CURVE-off rows.
#pragma once

#include <string>
#include <vector>

#include "stream_timing.hpp"

namespace kite::bench {

/// Starts `mosquitto` on a free loopback port as a child that dies with this process, and a
/// counting subscriber on it; writes "127.0.0.1:PORT" to `ready_file` once it is subscribed,
/// then serves until killed.
int serve_mqtt_sink(const std::string& mosquitto, const std::string& dir, size_t ack_every,
                    const std::string& ready_file);

/// Measures a stream at `qos` through the broker at `endpoint`; `sink` is the subscriber's
/// process, the broker's parent.
stream_measurement measure_mqtt_stream(const std::string& endpoint, int qos, size_t size,
                                       const stream_workload& work, pid_t sink);

} // namespace kite::bench
