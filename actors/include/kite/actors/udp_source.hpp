// A source that listens for UDP datagrams, one sample each (`value,value,...`, sample_codec.hpp),
// timestamped on arrival. It runs on a thread of its own, blocked in recv, so an idle sensor
// costs no polling.
#pragma once

#include <string>

#include <caf/blocking_actor.hpp>

#include "kite/runtime/outlet.hpp"
#include "kite/runtime/pipeline_config.hpp"

namespace kite::actors {

/// Binds `cfg.listen` and sends each well-formed datagram on as a sample; a malformed one is
/// counted and logged (at most once a second). While `out` is held, it stops reading: the
/// kernel's socket buffer queues, then drops. Ends on an exit message; a failed bind ends it
/// with an errc::io error.
void udp_source(caf::blocking_actor* self, std::string node, udp_config cfg, outlet out);

} // namespace kite::actors
