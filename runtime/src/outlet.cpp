#include "kite/runtime/outlet.hpp"

namespace kite {

bool outlet::push(const caf::message& item, const caf::actor& self) {
  for (size_t i = 0; i < targets_.size(); ++i) {
    // Behind a held item, so each target sees this producer's items in order.
    if (holding() || targets_[i]->push(item, self) == stream_queue::push_result::full)
      held_.emplace_back(i, item);
  }
  return !holding();
}

bool outlet::flush(const caf::actor& self) {
  while (!held_.empty()) {
    auto& [target, item] = held_.front();
    if (targets_[target]->push(item, self) == stream_queue::push_result::full) return false;
    held_.pop_front();
  }
  return true;
}

void outlet::end() {
  for (const auto& target : targets_)
    target->end(producer_);
}

} // namespace kite
