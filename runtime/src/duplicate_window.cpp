#include "duplicate_window.hpp"

namespace kite::detail {

duplicate_window::duplicate_window(std::chrono::milliseconds span, size_t max_requests,
                                   size_t max_answer_bytes)
    : span_(span), max_requests_(max_requests), max_answer_bytes_(max_answer_bytes) {}

delivery duplicate_window::admit(uint64_t peer, uint64_t sequence, uint64_t epoch,
                                 clock_type::time_point now) {
  trim(now);
  request_key key{peer, sequence};
  auto [i, added] = entries_.try_emplace(key);
  if (!added && epoch <= i->second.epoch)
    return i->second.answered ? delivery::answered : delivery::in_flight;
  if (!added) {
    erase(i);
    i = entries_.try_emplace(key).first;
  }
  i->second.seen = now;
  i->second.epoch = epoch;
  arrivals_.emplace_back(now, key);
  if (entries_.size() > max_requests_) trim(now);
  return delivery::fresh;
}

const kept_answer* duplicate_window::answer(uint64_t peer, uint64_t sequence) const {
  auto i = entries_.find({peer, sequence});
  return i != entries_.end() && i->second.kept ? &i->second.answer : nullptr;
}

void duplicate_window::answered(uint64_t peer, uint64_t sequence, uint64_t epoch,
                                std::vector<char>&& header, std::vector<char>&& payload) {
  auto i = entries_.find({peer, sequence});
  if (i == entries_.end() || i->second.answered || i->second.epoch != epoch) return;
  auto& e = i->second;
  e.answered = true;
  auto bytes = header.size() + payload.size();
  if (answer_bytes_ + bytes > max_answer_bytes_) return;
  e.kept = true;
  e.answer = {std::move(header), std::move(payload)};
  answer_bytes_ += bytes;
}

void duplicate_window::forget(uint64_t peer, uint64_t sequence, uint64_t epoch) {
  if (auto i = entries_.find({peer, sequence}); i != entries_.end() && i->second.epoch == epoch)
    erase(i);
}

void duplicate_window::erase(entry_map::iterator i) {
  if (i->second.kept)
    answer_bytes_ -= i->second.answer.header.size() + i->second.answer.payload.size();
  entries_.erase(i);
}

void duplicate_window::trim(clock_type::time_point now) {
  while (!arrivals_.empty() &&
         (now - arrivals_.front().first > span_ || entries_.size() > max_requests_)) {
    auto [seen, key] = arrivals_.front();
    arrivals_.pop_front();
    // Only the arrival that made the entry removes it: a forgotten and re-admitted request
    // has a newer arrival.
    if (auto i = entries_.find(key); i != entries_.end() && i->second.seen == seen) erase(i);
  }
}

} // namespace kite::detail
