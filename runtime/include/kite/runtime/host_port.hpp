// A UDP or TCP address as configs write it: "host:port", or "[v6 address]:port".
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace kite {

/// An address split into its host (brackets removed; may be empty) and port.
struct host_port {
  std::string host;
  uint16_t port = 0;
};

/// Splits "host:port" or "[v6]:port"; none without a decimal port up to 65535, or when the
/// host holds ':' outside brackets (an IPv6 address must be bracketed, or its port is ambiguous).
std::optional<host_port> parse_host_port(const std::string& text);

} // namespace kite
