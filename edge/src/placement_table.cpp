#include "kite/edge/placement_table.hpp"

#include <spdlog/spdlog.h>

namespace kite::edge {

namespace {

/// FNV-1a over the parts, each followed by a zero byte, then a splitmix64 finish so that
/// similar names still spread.
uint64_t rendezvous_hash(const std::string& type, const std::string& key, const std::string& host) {
  uint64_t h = 14695981039346656037ull;
  for (const auto* part : {&type, &key, &host}) {
    for (unsigned char c : *part)
      h = (h ^ c) * 1099511628211ull;
    h *= 1099511628211ull;
  }
  h ^= h >> 30;
  h *= 0xbf58476d1ce4e5b9ull;
  h ^= h >> 27;
  h *= 0x94d049bb133111ebull;
  return h ^ (h >> 31);
}

} // namespace

placement_table::placement_table(std::vector<std::string> hosts) {
  for (auto& name : hosts)
    hosts_.push_back({std::move(name), false, false, {}});
}

void placement_table::host_up(size_t host, const std::vector<std::string>& actor_types) {
  auto& h = hosts_.at(host);
  h.up = true;
  h.introduced = true;
  h.actor_types = {actor_types.begin(), actor_types.end()};
}

void placement_table::host_down(size_t host) {
  hosts_.at(host).up = false;
}

std::optional<placement> placement_table::place(const std::string& type, const std::string& key) {
  if (auto d = directed_.find({type, key}); d != directed_.end() && d->second == edge())
    return place_on_edge(type, key);
  auto i = placed_.find({type, key});
  auto chosen = choose(type, key);
  bool stays = i != placed_.end() && i->second.host != edge() && up(i->second.host);
  if (stays && (!chosen || *chosen == i->second.host || !directed(type, key))) {
    auto out = i->second;
    i->second.fresh = false;
    return out;
  }
  if (!chosen) {
    if (i == placed_.end() || i->second.host != edge()) return std::nullopt;
    auto out = i->second; // on the edge until a worker hosts the type
    i->second.fresh = false;
    return out;
  }
  placement where{*chosen, next_epoch_++, true};
  move(type, key, where);
  return where;
}

placement placement_table::place_on_edge(const std::string& type, const std::string& key) {
  auto i = placed_.find({type, key});
  if (i != placed_.end() && i->second.host == edge()) {
    auto out = i->second;
    i->second.fresh = false;
    return out;
  }
  placement where{edge(), next_epoch_++, true};
  move(type, key, where);
  return where;
}

void placement_table::move(const std::string& type, const std::string& key, placement where) {
  auto [i, first] = placed_.try_emplace({type, key}, where);
  if (first) {
    spdlog::info("placed ({}, {}) on {} at epoch {}", type, key, name(where.host), where.epoch);
  } else {
    ++moves_;
    spdlog::warn("moved ({}, {}) from {}{} to {} at epoch {}", type, key, name(i->second.host),
                 up(i->second.host) ? "" : " (down)", name(where.host), where.epoch);
    i->second = where;
  }
  i->second.fresh = false;
}

std::optional<placement> placement_table::current(const std::string& type,
                                                  const std::string& key) const {
  auto i = placed_.find({type, key});
  if (i == placed_.end()) return std::nullopt;
  return i->second;
}

void placement_table::direct(const std::string& type, const std::string& key, size_t host) {
  directed_[{type, key}] = host;
}

bool placement_table::directed(const std::string& type, const std::string& key) const {
  return directed_.count({type, key}) > 0;
}

void placement_table::refused(const std::string& type, const std::string& key, size_t host,
                              uint64_t epoch) {
  auto i = placed_.find({type, key});
  if (i == placed_.end() || i->second.host != host || i->second.epoch != epoch) return;
  i->second.epoch = next_epoch_++;
  i->second.fresh = true;
  spdlog::info("({}, {}) was fenced on {} at epoch {}; placed again at epoch {}", type, key,
               name(host), epoch, i->second.epoch);
}

bool placement_table::unknown_everywhere(const std::string& type) const {
  for (const auto& h : hosts_)
    if (!h.introduced || h.actor_types.count(type) > 0) return false;
  return true;
}

const std::string& placement_table::name(size_t host) const {
  static const std::string itself{"the edge"};
  return host == edge() ? itself : hosts_.at(host).name;
}

std::optional<size_t> placement_table::choose(const std::string& type,
                                              const std::string& key) const {
  if (auto d = directed_.find({type, key}); d != directed_.end() && d->second != edge()) {
    const auto& h = hosts_.at(d->second);
    if (h.up && h.actor_types.count(type) > 0) return d->second;
  }
  std::optional<size_t> best;
  uint64_t best_hash = 0;
  for (size_t i = 0; i < hosts_.size(); ++i) {
    const auto& h = hosts_[i];
    if (!h.up || h.actor_types.count(type) == 0) continue;
    auto hash = rendezvous_hash(type, key, h.name);
    if (!best || hash > best_hash) {
      best = i;
      best_hash = hash;
    }
  }
  return best;
}

} // namespace kite::edge
