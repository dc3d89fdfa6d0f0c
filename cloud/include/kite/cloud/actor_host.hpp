// Hosts logical actors on a worker: activates `(type, key)` on its first request and relays
// each request to it through the link, on the link thread, so a key's requests stay in order.
// Each activation belongs to the peer that placed it, at that peer's placement epoch: a request
// with an older epoch is refused (the actor moved since), a newer one starts a fresh instance.
// Stateful actors are snapshotted to that peer, which sends the snapshot back to the actor's next
// worker, so a re-activated actor starts from its last snapshot. The host supervises what it
// activates: a crashed actor is activated again by its next request, and one that crashes in a
// loop is held back (crash_ledger).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>

#include "kite/runtime/config.hpp"
#include "kite/runtime/crash_ledger.hpp"
#include "kite/runtime/link.hpp"
#include "kite/runtime/registry.hpp"
#include "kite/runtime/upload_window.hpp"

namespace kite::cloud {

/// Counters of an actor host, readable from any thread.
struct host_stats {
  std::atomic<uint64_t> activations{0};
  std::atomic<uint64_t> requests{0};
  std::atomic<uint64_t> failures{0};
  /// Requests refused because their epoch is older than their actor's here.
  std::atomic<uint64_t> fenced{0};
  /// Activations ended because their peer moved them elsewhere.
  std::atomic<uint64_t> moved{0};
  /// Activations the placement service moved to another worker, handing their state over.
  std::atomic<uint64_t> released{0};
  std::atomic<uint64_t> snapshots{0};
  /// Activations started from a snapshot their peer sent.
  std::atomic<uint64_t> restored{0};
  /// Upload records answered without the actor: it was given them before.
  std::atomic<uint64_t> upload_duplicates{0};
};

/// The request handler of a worker's server link; `types` and `uplink` must outlive it.
class actor_host {
public:
  /// `counts`, if given, must outlive the actor system.
  actor_host(caf::actor_system& sys, const registry& types, link& uplink,
             snapshots_config snapshots = {}, supervisor_flags supervision = {},
             metrics* counts = nullptr);
  ~actor_host();
  actor_host(const actor_host&) = delete;
  actor_host& operator=(const actor_host&) = delete;

  /// On the link thread: sends `req` to its logical actor, activating it first when needed.
  void handle(inbound_request& req);

  /// On the link thread: `peer` declared this worker down, so every actor it placed here runs
  /// elsewhere now; ends them.
  void on_lapse(uint64_t peer);

  /// On the link thread: keeps `req`'s payload as the state to start (type, key) from when its
  /// peer activates it at `req.epoch`.
  void on_restore(inbound_request& req);

  /// On the link thread: the peer moves (type, key) away; answers with its state (or an error
  /// when it does not run here at that epoch, or is stateless) and ends it after the answer.
  void on_release(inbound_request& req);

  /// On the link thread: snapshots the actors changed since their last snapshot `interval` ago.
  void on_tick();

  /// The link handlers that feed this host.
  server_handlers handlers();

  /// Stops every hosted actor.
  void shutdown();

  const host_stats& stats() const { return stats_; }

  /// The hosted actors that crashed recently, as their supervisor sees them.
  supervisor_report report() const;

  /// Crashes of hosted actors since the start.
  uint64_t crashes() const;

  /// How many logical actors run now.
  size_t active() const;

private:
  using actor_id = std::pair<std::string, std::string>;
  using clock_type = std::chrono::steady_clock;
  /// One running logical actor, and who placed it here at which epoch.
  struct activation {
    caf::actor actor;
    uint64_t owner = 0;
    uint64_t epoch = 0;
    /// Its type snapshots; requests since the last snapshot, and when that was.
    bool snapshots = false;
    uint32_t changes = 0;
    clock_type::time_point snapshot_at;
    /// Upload streams' records it was given, by stream; a fresh activation starts empty.
    std::map<std::string, upload_window> uploads;
  };
  /// A snapshot to start an actor from, once its peer activates it at `epoch`.
  struct restore {
    uint64_t peer = 0;
    uint64_t epoch = 0;
    caf::message state;
  };
  /// Shared with the exit hooks of hosted actors, which may run after the host is gone.
  struct table {
    table(supervisor_flags supervision, metrics* counts) : crashes("hosted", supervision, counts) {}

    std::mutex mutex;
    std::map<actor_id, activation> actors;
    std::map<actor_id, restore> restores;
    crash_ledger crashes;
  };
  /// Where a request goes, and whether to snapshot the actor right after it.
  struct target {
    caf::actor actor;
    bool snapshot_due = false;
  };

  static actor_id id_of(const inbound_request& req);
  /// The actor for `req`, activated when needed; an error when the type is not hosted here or
  /// the request's epoch is older than the running activation's.
  caf::expected<target> target_of(const inbound_request& req);
  caf::expected<caf::actor> activate(const actor_id& id, uint64_t owner, uint64_t epoch);
  /// Why the request's type refuses what it carries; none when it takes it, or is not hosted.
  caf::error refusal(const inbound_request& req) const;
  /// Replaces an upload_record payload with the item it carries; false when `req` is answered
  /// already: a copy of a record the actor was given, or one that does not decode.
  bool unwrap_upload(inbound_request& req);
  /// With the lock held: counts a request to `a` and says whether a snapshot is due.
  bool changed(activation& a) const;
  void request_snapshot(const caf::actor& actor, uint64_t owner, uint64_t epoch,
                        const actor_id& id);

  caf::actor_system& sys_;
  const registry& types_;
  link& uplink_;
  snapshots_config snapshot_policy_;
  std::shared_ptr<table> active_;
  host_stats stats_;
};

} // namespace kite::cloud
