#include "kite/runtime/stream_queue.hpp"

#include <algorithm>
#include <utility>

#include <caf/send.hpp>

#include "kite/runtime/metrics.hpp"
#include "kite/runtime/protocol.hpp"

namespace kite {

stream_queue::stream_queue(std::string name, queue_config cfg, std::vector<std::string> producers,
                           metrics* counts)
    : name_(std::move(name)), cfg_(cfg), producers_(std::move(producers)) {
  if (counts == nullptr) return;
  prometheus::Labels node{{"node", name_}};
  queued_metric_ = &counts->counter("kite_pipeline_items_total",
                                    "Items queued in front of a pipeline stage or sink", node);
  dropped_metric_ = &counts->counter("kite_pipeline_dropped_total",
                                     "Items a full pipeline queue dropped, by its policy",
                                     {{"node", name_}, {"policy", policy_name(cfg_.when_full)}});
  depth_metric_ =
      &counts->gauge("kite_pipeline_queue_depth", "Items waiting in a pipeline queue", node);
}

void stream_queue::attach(caf::actor consumer) {
  std::lock_guard<std::mutex> guard{mutex_};
  consumer_ = std::move(consumer);
  wake_pending_ = true; // the consumer drains as it starts
}

stream_queue::push_result stream_queue::push(caf::message item, const caf::actor& producer) {
  auto result = push_result::queued;
  caf::actor to_wake;
  {
    std::lock_guard<std::mutex> guard{mutex_};
    if (items_.size() >= cfg_.capacity) {
      switch (cfg_.when_full) {
      case overflow_policy::block:
        if (std::find(waiting_.begin(), waiting_.end(), producer) == waiting_.end())
          waiting_.push_back(producer);
        stats_.waits.fetch_add(1, std::memory_order_relaxed);
        return push_result::full;
      case overflow_policy::drop_newest:
        stats_.dropped.fetch_add(1, std::memory_order_relaxed);
        if (dropped_metric_ != nullptr) dropped_metric_->Increment();
        return push_result::dropped_newest;
      case overflow_policy::drop_oldest:
        items_.pop_front();
        stats_.dropped.fetch_add(1, std::memory_order_relaxed);
        if (dropped_metric_ != nullptr) dropped_metric_->Increment();
        result = push_result::dropped_oldest;
        break;
      }
    }
    items_.push_back(std::move(item));
    stats_.queued.fetch_add(1, std::memory_order_relaxed);
    if (queued_metric_ != nullptr) queued_metric_->Increment();
    if (depth_metric_ != nullptr) depth_metric_->Set(static_cast<double>(items_.size()));
    if (!wake_pending_) {
      wake_pending_ = true;
      to_wake = consumer_;
    }
  }
  wake(to_wake);
  return result;
}

std::optional<caf::message> stream_queue::take() {
  std::vector<caf::actor> resumed;
  std::optional<caf::message> item;
  {
    std::lock_guard<std::mutex> guard{mutex_};
    if (items_.empty()) {
      wake_pending_ = false;
      return std::nullopt;
    }
    item = std::move(items_.front());
    items_.pop_front();
    if (depth_metric_ != nullptr) depth_metric_->Set(static_cast<double>(items_.size()));
    // Half empty, not one free slot: a blocked producer then sends a burst, not one item a wake.
    if (!waiting_.empty() && items_.size() <= cfg_.capacity / 2) resumed.swap(waiting_);
  }
  for (const auto& producer : resumed)
    caf::anon_send(producer, resume_atom::value);
  return item;
}

void stream_queue::end(const std::string& producer) {
  caf::actor to_wake;
  {
    std::lock_guard<std::mutex> guard{mutex_};
    // Only the producers it was built with count: a miswired end must not end the queue early.
    if (std::find(producers_.begin(), producers_.end(), producer) == producers_.end() ||
        !ended_.insert(producer).second)
      return;
    if (!wake_pending_) {
      wake_pending_ = true;
      to_wake = consumer_;
    }
  }
  wake(to_wake);
}

bool stream_queue::ended() const {
  std::lock_guard<std::mutex> guard{mutex_};
  return items_.empty() && ended_.size() == producers_.size();
}

size_t stream_queue::depth() const {
  std::lock_guard<std::mutex> guard{mutex_};
  return items_.size();
}

void stream_queue::wake(const caf::actor& consumer) {
  if (consumer) caf::anon_send(consumer, wake_atom::value);
}

} // namespace kite
