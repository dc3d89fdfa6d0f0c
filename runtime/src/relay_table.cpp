#include "relay_table.hpp"

#include <algorithm>

namespace kite::detail {

void relay_table::count_in_flight(const std::string& type, int change) {
  auto& load = types_[type];
  if (load.answers.empty()) load.answers.resize(service_time_buckets().size() + 1);
  load.backlog = change > 0 ? load.backlog + 1 : load.backlog - std::min<size_t>(load.backlog, 1);
}

uint64_t relay_table::add(relayed_request req) {
  if (req.relayed_at == clock_type::time_point{}) req.relayed_at = clock_type::now();
  std::lock_guard<std::mutex> guard{mutex_};
  auto id = next_id_++;
  if (req.purpose == relay_purpose::request) {
    ++client_requests_;
    count_in_flight(req.actor_type, +1);
  }
  requests_.emplace_hint(requests_.end(), id, std::move(req));
  return id;
}

std::optional<relayed_request> relay_table::take(uint64_t id, clock_type::time_point now) {
  std::lock_guard<std::mutex> guard{mutex_};
  auto i = requests_.find(id);
  if (i == requests_.end()) return std::nullopt;
  auto req = std::move(i->second);
  requests_.erase(i);
  if (req.purpose == relay_purpose::request) {
    --client_requests_;
    count_in_flight(req.actor_type, -1);
    measure(req, now);
  }
  return req;
}

void relay_table::measure(const relayed_request& req, clock_type::time_point now) {
  auto [last, first] = answered_at_.try_emplace({req.actor_type, req.actor_key}, now);
  auto started = first ? req.relayed_at : std::max(req.relayed_at, last->second);
  last->second = now;
  double seconds = std::chrono::duration<double>(now - started).count();
  service_.add(req.actor_type, seconds);
  auto& load = types_[req.actor_type];
  const auto& bounds = service_time_buckets();
  load.answers[std::lower_bound(bounds.begin(), bounds.end(), seconds) - bounds.begin()] += 1;
  load.seconds += seconds;
}

std::map<std::string, actor_type_load> relay_table::by_type() const {
  std::lock_guard<std::mutex> guard{mutex_};
  return types_;
}

relay_load relay_table::load() {
  std::lock_guard<std::mutex> guard{mutex_};
  return {client_requests_, service_.take()};
}

void relay_table::forget_answers_before(clock_type::time_point cutoff) {
  std::lock_guard<std::mutex> guard{mutex_};
  for (auto i = answered_at_.begin(); i != answered_at_.end();)
    i = i->second < cutoff ? answered_at_.erase(i) : std::next(i);
}

std::vector<relayed_request> relay_table::expire(std::chrono::steady_clock::time_point now) {
  std::vector<relayed_request> out;
  std::lock_guard<std::mutex> guard{mutex_};
  // Every request gets the same timeout, so deadlines grow with ids: stop at the first alive.
  auto i = requests_.begin();
  for (; i != requests_.end() && i->second.deadline < now; ++i) {
    if (i->second.purpose == relay_purpose::request) {
      --client_requests_;
      count_in_flight(i->second.actor_type, -1);
    }
    out.push_back(std::move(i->second));
  }
  requests_.erase(requests_.begin(), i);
  return out;
}

} // namespace kite::detail
