#include "relay_table.hpp"

namespace kite::detail {

uint64_t relay_table::add(relayed_request req) {
  std::lock_guard<std::mutex> guard{mutex_};
  auto id = next_id_++;
  requests_.emplace_hint(requests_.end(), id, std::move(req));
  return id;
}

std::optional<relayed_request> relay_table::take(uint64_t id) {
  std::lock_guard<std::mutex> guard{mutex_};
  auto i = requests_.find(id);
  if (i == requests_.end()) return std::nullopt;
  auto req = std::move(i->second);
  requests_.erase(i);
  return req;
}

std::vector<relayed_request> relay_table::expire(std::chrono::steady_clock::time_point now) {
  std::vector<relayed_request> out;
  std::lock_guard<std::mutex> guard{mutex_};
  // Every request gets the same timeout, so deadlines grow with ids: stop at the first alive.
  auto i = requests_.begin();
  for (; i != requests_.end() && i->second.deadline < now; ++i)
    out.push_back(std::move(i->second));
  requests_.erase(requests_.begin(), i);
  return out;
}

} // namespace kite::detail
