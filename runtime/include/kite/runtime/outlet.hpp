// The sending side of a pipeline source or stage: pushes each item to every queue it feeds,
// and holds what a blocking queue refused, in order, until that queue has room again.
#pragma once

#include <deque>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <caf/actor.hpp>
#include <caf/message.hpp>

#include "kite/runtime/stream_queue.hpp"

namespace kite {

/// Owned by one actor incarnation; not thread-safe.
class outlet {
public:
  outlet() = default;
  outlet(std::string producer, std::vector<std::shared_ptr<stream_queue>> targets)
      : producer_(std::move(producer)), targets_(std::move(targets)) {}

  /// Sends `item` to every target, behind anything held. False when something is held now:
  /// `self` gets resume_atom when there is room, and should then call flush().
  bool push(const caf::message& item, const caf::actor& self);

  /// Retries what is held; true when nothing is held any more.
  bool flush(const caf::actor& self);

  bool holding() const { return !held_.empty(); }

  /// Tells every target this producer sends nothing more; call when nothing is held.
  void end();

  const std::string& producer() const { return producer_; }

private:
  std::string producer_;
  std::vector<std::shared_ptr<stream_queue>> targets_;
  /// Items a blocking target refused, and the targets each still has to reach.
  std::deque<std::pair<size_t, caf::message>> held_;
};

} // namespace kite
