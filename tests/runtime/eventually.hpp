// Waiting in unit tests for what other threads do: a deadline, never a bare sleep.
#pragma once

#include <chrono>
#include <thread>

namespace kite::test {

/// Polls `done` every millisecond for at most 5 s; whether it came true.
template <class Predicate> bool eventually(Predicate done) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return true;
}

} // namespace kite::test
