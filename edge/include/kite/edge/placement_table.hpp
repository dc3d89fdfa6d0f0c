// Which worker runs each logical actor the edge offloads. The placement service's decision
// (direct()) wins while its worker is up and hosts the type; without one, a stable hash of
// (type, key, worker) picks among the live workers that host the type, so every restart of the
// edge picks the same one. An actor stays on its worker while that lives, and moves, with a new
// epoch, when the worker is down at the next request or the service directs it elsewhere. An
// actor the edge runs itself, for want of a live worker, moves to a worker as soon as one that
// hosts it is up.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace kite::edge {

/// Where one logical actor runs: a worker by index (or the edge), and the epoch of that decision.
struct placement {
  size_t host = 0;
  uint64_t epoch = 0;
  /// Handed out for the first time: the worker has not seen this epoch yet.
  bool fresh = false;
};

/// Placements of logical actors over a fixed list of workers; not thread-safe.
class placement_table {
public:
  /// `hosts` names each worker; the hash uses the names, so they must be stable (endpoints).
  explicit placement_table(std::vector<std::string> hosts);

  /// Worker `host` said hello and hosts `actor_types`.
  void host_up(size_t host, const std::vector<std::string>& actor_types);

  /// Worker `host` is down: its actors move at their next placement.
  void host_down(size_t host);

  /// The host index that stands for the edge itself, which is always up.
  size_t edge() const { return hosts_.size(); }

  bool up(size_t host) const { return host == edge() || hosts_.at(host).up; }

  /// Where (type, key) runs: where it ran if that worker is up, else a live worker that hosts
  /// the type, under a new epoch; empty when no live worker hosts it. An actor on the edge
  /// stays there until a live worker hosts its type.
  std::optional<placement> place(const std::string& type, const std::string& key);

  /// Runs (type, key) on the edge, under a new epoch unless it runs there already.
  placement place_on_edge(const std::string& type, const std::string& key);

  /// Where (type, key) was placed last, whether or not that worker is up.
  std::optional<placement> current(const std::string& type, const std::string& key) const;

  /// Worker `host` refused `epoch` of (type, key) as fenced: gives the actor a new epoch there,
  /// unless it was placed anew since.
  void refused(const std::string& type, const std::string& key, size_t host, uint64_t epoch);

  /// The placement service runs (type, key) on `host` from now on; it moves there at its next
  /// placement, if that worker is up and hosts the type. `host` may be edge(): the caller
  /// checks that the edge can run the type.
  void direct(const std::string& type, const std::string& key, size_t host);

  /// Whether the placement service has directed (type, key) anywhere.
  bool directed(const std::string& type, const std::string& key) const;

  /// Every placed actor and where it runs.
  const std::map<std::pair<std::string, std::string>, placement>& placed() const { return placed_; }

  /// Whether every worker has said which types it hosts and none hosts `type`.
  bool unknown_everywhere(const std::string& type) const;

  /// Actors that moved to another worker because theirs was down.
  uint64_t moves() const { return moves_; }

private:
  struct host {
    std::string name;
    bool up = false;
    bool introduced = false;
    std::set<std::string> actor_types;
  };

  /// Where the service directs (type, key), if that worker is up and hosts the type; else the
  /// live worker with the highest hash for it, if any hosts the type.
  std::optional<size_t> choose(const std::string& type, const std::string& key) const;
  const std::string& name(size_t host) const;
  /// Records `where` as (type, key)'s placement, logging the move from where it ran before.
  void move(const std::string& type, const std::string& key, placement where);

  std::vector<host> hosts_;
  std::map<std::pair<std::string, std::string>, placement> placed_;
  std::map<std::pair<std::string, std::string>, size_t> directed_;
  uint64_t next_epoch_ = 1;
  uint64_t moves_ = 0;
};

} // namespace kite::edge
