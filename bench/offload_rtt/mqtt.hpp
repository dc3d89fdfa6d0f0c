// MQTT through a local mosquitto broker, a peer users might pick instead of Kite: a request
// published on one topic, echoed by a client of its own process onto another, with the same
// payloads, at QoS 0 and QoS 1. No TLS: CURVE-off rows only.
#pragma once

#include <string>

#include "measurement.hpp"

namespace kite::bench {

/// Starts `mosquitto` on a free loopback port as a child that dies with this process, and an
/// echo client on it; writes "127.0.0.1:PORT" to `ready_file` once the echo is subscribed, then
/// serves until killed.
int serve_mqtt_echo(const std::string& mosquitto, const std::string& dir,
                    const std::string& ready_file);

/// Measures round trips and pipelined throughput through the broker at `endpoint` at `qos`.
measurement measure_mqtt(const std::string& endpoint, int qos, size_t size, const workload& work);

} // namespace kite::bench
