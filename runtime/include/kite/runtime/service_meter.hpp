// Service time per actor type as the placement service weighs it: the mean over each report
// window, smoothed across windows. One answer's time varies too much to weigh hosts by (an
// exponential service time swings a per-answer EWMA by half); a window's mean does not.
#pragma once

#include <cstdint>
#include <map>
#include <string>

namespace kite {

/// Not thread-safe: its owner locks.
class service_meter {
public:
  /// One request of `type` took `seconds`.
  void add(const std::string& type, double seconds);

  /// Closes the window: each type's figure moves halfway to the window's mean (to it, at the
  /// first window); types without answers in it keep theirs.
  const std::map<std::string, double>& take();

private:
  struct window {
    double seconds = 0;
    uint64_t answers = 0;
  };
  std::map<std::string, window> window_;
  std::map<std::string, double> smoothed_;
};

} // namespace kite
