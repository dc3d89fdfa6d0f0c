// An item of an upload stream on its way from an edge's spool to a logical actor. The worker
// unwraps it and hands the actor the item alone; the stream's sequence numbers let the worker
// drop a copy that an edge sends again after losing the answer (across its own restart too).
#pragma once

#include <cstdint>
#include <string>

#include <caf/meta/type_name.hpp>

namespace kite {

/// One spooled item: its stream ("<node id>/<sink>"), its sequence number in that stream
/// (only growing), and the item encoded for the wire under its announced type name.
struct upload_record {
  std::string stream;
  uint64_t sequence = 0;
  std::string type;
  std::string payload;
};

template <class Inspector> typename Inspector::result_type inspect(Inspector& f, upload_record& x) {
  return f(caf::meta::type_name("kite.upload_record"), x.stream, x.sequence, x.type, x.payload);
}

/// A worker's answer to an upload_record it had already handed to the actor.
struct upload_duplicate {
  std::string stream;
  uint64_t sequence = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, upload_duplicate& x) {
  return f(caf::meta::type_name("kite.upload_duplicate"), x.stream, x.sequence);
}

} // namespace kite
