// Kite's error codes and the one way to turn any caf::error into a sentence a person can act on.
#pragma once

#include <cstdint>
#include <string>

#include <caf/error.hpp>

namespace kite {

/// Failures at Kite's boundaries: config, wire, keys, CLI, hosting.
enum class errc : uint8_t {
  config = 1,
  wire,
  key,
  io,
  unknown_type,
  unknown_actor_type,
  link_down,
  overloaded,
  usage,
  /// The remote node answered a request with an error.
  remote,
  /// A supervisor restarted its children more often than its intensity allows.
  restart_limit,
  /// A worker refused a request placed at an epoch older than the one it knows.
  fenced,
  /// A logical actor's factory threw or gave no actor.
  start_failed,
};

/// Returns the short name of an error code.
const char* to_string(errc code);

/// Makes a Kite error that carries a human-readable message.
caf::error make_error(errc code, std::string message);

/// Whether `err` is Kite's error `code`.
bool matches(const caf::error& err, errc code);

/// Renders any error, Kite's or CAF's, as one line of text.
std::string describe(const caf::error& err);

} // namespace kite
