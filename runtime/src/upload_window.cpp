#include "kite/runtime/upload_window.hpp"

namespace kite {

bool upload_window::first_time(uint64_t sequence) {
  if (sequence == 0) return false;
  if (sequence > newest_) {
    // Numbers that fall out of the window's far end free their bits for the new ones.
    if (sequence - newest_ >= span) {
      seen_.reset();
    } else {
      for (uint64_t n = newest_ + 1; n < sequence; ++n)
        seen_.reset(n % span);
    }
    newest_ = sequence;
    seen_.set(sequence % span);
    return true;
  }
  if (newest_ - sequence >= span || seen_.test(sequence % span)) return false;
  seen_.set(sequence % span);
  return true;
}

} // namespace kite
