// Numbered items for tests of stream queues and what feeds them.
#pragma once

#include <vector>

#include <caf/make_message.hpp>
#include <caf/message.hpp>

#include "kite/runtime/stream_queue.hpp"

namespace kite::test {

inline caf::message item(int n) {
  return caf::make_message(n);
}

/// Takes everything the queue holds; the numbers, oldest first.
inline std::vector<int> drain(stream_queue& queue) {
  std::vector<int> out;
  while (auto taken = queue.take())
    out.push_back(taken->get_as<int>(0));
  return out;
}

} // namespace kite::test
