// Which sequence numbers of one upload stream an actor was already given: the newest and a
// window of 65,536 behind it, as IPsec's anti-replay window. An edge sends a record again only
// while it waits for the answer, with at most max_in_flight ahead of it, so a number older
// than the window was handed over long ago.
#pragma once

#include <bitset>
#include <cstdint>

namespace kite {

/// The sequence numbers seen on one stream; not thread-safe.
class upload_window {
public:
  static constexpr uint64_t span = 65536;

  /// Records `sequence` (from 1); false when it was seen before or is older than the window.
  bool first_time(uint64_t sequence);

private:
  /// The highest sequence number seen; bit (n % span) marks n for n in (newest - span, newest].
  uint64_t newest_ = 0;
  std::bitset<span> seen_;
};

} // namespace kite
