// Tells the service manager (systemd, Type=notify) how the node is doing, over the datagram
// socket it names in NOTIFY_SOCKET: ready, alive (for WatchdogSec=), stopping. Without
// NOTIFY_SOCKET, as when run by hand, every call does nothing.
#pragma once

#include <chrono>
#include <optional>
#include <string>

namespace kite {

/// Sends `state` (such as "READY=1\nSTATUS=...") to NOTIFY_SOCKET; false when there is none or
/// the send failed.
bool notify_service_manager(const std::string& state);

/// How often the service manager expects WATCHDOG=1 (WATCHDOG_USEC, when WATCHDOG_PID is unset
/// or this process); none when it does not.
std::optional<std::chrono::microseconds> watchdog_interval();

} // namespace kite
