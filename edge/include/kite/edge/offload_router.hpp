// Sends requests for offloaded logical actors to the workers that host them and matches the
// answers; every request stays pending, and is resent with its sequence number, until answered.
// When a worker goes down its actors move to another live worker (placement_table) and the
// requests pending there are resent to the new one at once; only the current host's answer counts.
// A type the edge hosts too runs here while no live worker hosts it (its last snapshot kept from
// a worker, if any, starts it), and moves back, snapshot and all, once a worker hosting it is up.
// With a placement service, its decisions pick the workers: a request for an actor with no
// cached answer waits (up to retry_interval) for one, and an actor the service moves between
// workers drains there, hands its state over (release) and goes on at the new worker with the
// requests it held meanwhile, none lost or reordered. The
// service may also run an actor on the edge itself, when the edge offers the type (its
// measured or declared offload.service_times): it comes here the same way, its instance
// starting from the released state.
// Actors talk to it as to an actor, but it has no mailbox: a request is sent on the
// requester's thread and its answer delivered from the link thread, with no hop between.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <tuple>
#include <vector>

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>
#include <caf/expected.hpp>
#include <caf/mailbox_element.hpp>
#include <caf/message.hpp>

#include "kite/edge/placement_table.hpp"
#include "kite/runtime/config.hpp"
#include "kite/runtime/crash_ledger.hpp"
#include "kite/runtime/link.hpp"
#include "kite/runtime/placement_client.hpp"
#include "kite/runtime/registry.hpp"
#include "kite/runtime/service_meter.hpp"
#include "kite/runtime/upload_window.hpp"

namespace prometheus {
class Counter;
}

namespace kite::edge {

/// One request waiting for its answer.
struct pending_offload {
  std::string type;
  std::string key;
  caf::message payload;
  /// The requester and its request id, to answer to.
  caf::strong_actor_ptr sender;
  caf::message_id id;
  std::chrono::steady_clock::time_point sent_at;
  /// When the router took it: how long it has waited for a worker.
  std::chrono::steady_clock::time_point accepted_at;
  uint32_t attempts = 0;
  /// The worker it was last sent to (or the edge's index), or no_host while none hosts its
  /// actor.
  size_t host = no_host;
  uint64_t epoch = 0;

  static constexpr size_t no_host = static_cast<size_t>(-1);
};

/// Counters of an offload router.
struct router_stats {
  uint64_t sent = 0;
  uint64_t retries = 0;
  uint64_t answered = 0;
  uint64_t failed = 0;
  uint64_t refused = 0;
  uint64_t pending = 0;
  /// Requests resent to another worker because theirs went down.
  uint64_t moved = 0;
  /// Answers dropped because they came from a worker the request had moved away from.
  uint64_t stale = 0;
  /// Refusals of a fenced epoch, after which the actor was placed again.
  uint64_t fenced = 0;
  /// Snapshots kept from workers, and sent to an actor's next worker.
  uint64_t snapshots_kept = 0;
  uint64_t snapshots_sent = 0;
  /// Answers per worker, in the order of the links given to start().
  std::vector<uint64_t> answered_by;
  /// Answers from actors the edge ran itself, and how many it started.
  uint64_t answered_on_edge = 0;
  uint64_t edge_activations = 0;
  /// Actors moved from one live worker to another, their state handed over.
  uint64_t handovers = 0;
};

/// Routes offload requests; create it with start().
class offload_router {
public:
  /// Creates a router over one client link per worker and starts the links with it. Types of
  /// `local_types` that run on the edge may run here (cfg.local_fallback), each supervised
  /// under `local_supervision`'s intensity and backoff and counted in `counts`; both must
  /// outlive the actor system.
  static std::shared_ptr<offload_router>
  start(caf::actor_system& sys, std::vector<std::shared_ptr<link>> uplinks, offload_config cfg,
        const registry* local_types = nullptr, supervisor_flags local_supervision = {},
        metrics* counts = nullptr);

  ~offload_router();
  offload_router(const offload_router&) = delete;
  offload_router& operator=(const offload_router&) = delete;

  /// Where actors send requests: (offload_atom, actor type, actor key, payload message); the
  /// answer (or a caf::error) comes back as the response to that request.
  caf::actor handle() const;

  /// Resends the requests not answered within retry_interval; the router's timer calls it.
  void retry_due();

  /// Follows `service`'s decisions from now on; call once, before requests flow. Questions
  /// wait until a report listed a path to every upstream, or for `paths_settle` at most: the
  /// service places by the paths it knows, and the first to come up is not always the nearest.
  void follow(std::shared_ptr<placement_client> service, std::chrono::milliseconds paths_settle);

  /// The report placement_report() built last went out to the service.
  void on_reported();

  /// The placement service decided where (type, key) runs (an answer or a pushed move).
  void on_placement(const placement_decision& decision);

  /// What the edge reports to the placement service: its paths to the live workers, its
  /// backlog, what a request of each type it can run costs here (measured, else declared in
  /// offload.service_times), and where each actor runs with its request rate since the last
  /// report.
  edge_load_report placement_report(const std::string& edge_id);

  router_stats stats() const;

  /// Stops the links and the timer; requests still pending get no answer. Idempotent.
  void stop();

private:
  /// What one transmission sends.
  struct outgoing {
    uint64_t sequence;
    size_t host;
    uint64_t epoch;
    std::string type;
    std::string key;
    caf::message payload;
    uint32_t attempt;
  };

  using actor_id = std::pair<std::string, std::string>;

  /// Actors the edge runs itself; shared with their exit hooks, which may outlive the router.
  struct edge_actors {
    edge_actors(supervisor_flags supervision, metrics* counts)
        : crashes("edge", supervision, counts) {}

    std::mutex mutex;
    std::map<actor_id, caf::actor> running;
    crash_ledger crashes;
  };

  /// An actor leaving its host for worker `to`: from the edge, its instance's snapshot is on the
  /// way; from a worker, its requests there drain first, then a release brings its state.
  struct migration {
    actor_id id;
    placement to;
    /// The edge's instance it leaves, if it leaves the edge.
    caf::actor from;
    std::chrono::steady_clock::time_point started_at;
    /// The worker it leaves, at which epoch, and whether the release went out.
    size_t from_host = pending_offload::no_host;
    uint64_t from_epoch = 0;
    bool released = false;
  };

  offload_router(caf::actor_system& sys, std::vector<std::shared_ptr<link>> uplinks,
                 offload_config cfg, const registry* local_types,
                 supervisor_flags local_supervision, metrics* counts);

  void on_request(caf::mailbox_element_ptr request);
  /// An answer from an actor on the edge: to request `sequence`, or a migration's snapshot.
  void on_edge_answer(uint64_t sequence, caf::message content);
  void on_response(size_t host, uint64_t sequence, uint64_t epoch,
                   caf::expected<caf::message> answer);
  void on_up(size_t host, const std::vector<std::string>& actor_types);
  void on_down(size_t host);
  void on_snapshot(size_t host, std::string type, std::string key, uint64_t epoch,
                   caf::message state);
  /// Sends one request over its worker's link; one whose payload can never go on the wire fails.
  void transmit(const outgoing& out);
  /// Sends one request over its worker's link; the error when its payload cannot go on the wire.
  caf::error send(const outgoing& out);
  /// Fails the requests `send` could not put on the wire; without the lock.
  void fail_sends(std::vector<std::pair<outgoing, caf::error>>& failed);
  using pending_map = std::map<uint64_t, pending_offload>;

  /// With the lock held: whether `req`, last scheduled while questions were held, may ask now.
  bool held_question(const pending_offload& req, std::chrono::steady_clock::time_point now) const;
  /// With the lock held: places pending request `i` and, where a worker (or the edge) hosts its
  /// actor, marks it sent now and adds it to `out`; a request for a type nothing hosts is taken
  /// out of pending_ into `unhosted`. Returns the iterator past `i`.
  pending_map::iterator schedule(pending_map::iterator i, std::vector<outgoing>& out,
                                 std::vector<pending_offload>& unhosted);
  /// With the lock held: schedules every pending request `select` picks.
  template <class Select>
  void schedule_all(Select&& select, std::vector<outgoing>& out,
                    std::vector<pending_offload>& unhosted);
  /// Whether the edge may run `type` itself at all: it hosts it and local_fallback is on.
  bool may_host_on_edge(const std::string& type) const;
  /// Follows `decision`, which names `host` (a worker or the edge): its actor moves there at
  /// its next request, and the requests that waited for the answer go now.
  void direct(const placement_decision& decision, size_t host);
  /// With the lock held: adds the service time of `req`, just answered on the edge.
  void measure_on_edge(const pending_offload& req);
  /// With the lock held: whether (type) may run on the edge now, for a request accepted then.
  bool may_run_on_edge(const std::string& type, std::chrono::steady_clock::time_point accepted_at,
                       std::chrono::steady_clock::time_point now) const;
  /// With the lock held: ends the edge's instance of `id`, which moves to `to`; true when its
  /// snapshot is on the way first, and requests for it wait until the snapshot is there.
  bool start_migration(const actor_id& id, const placement& to);
  /// With the lock held: starts moving `id` from live worker `from` to `to`; its requests there
  /// drain, then release_if_drained asks for its state.
  void start_handover(const actor_id& id, const placement& from, const placement& to);
  /// With the lock held: sends migration `m`'s release once nothing is pending at its old host.
  void release_if_drained(uint64_t number, migration& m);
  /// With the lock held: the migration of `id`, if one runs.
  std::map<uint64_t, migration>::iterator migration_of(const actor_id& id);
  /// With the lock held: ends migration `i` with `snapshot` (or the error that replaced it):
  /// keeps and forwards the snapshot, ends the edge's instance, and schedules the requests it
  /// held into `out`.
  void finish_migration(std::map<uint64_t, migration>::iterator i, const caf::message& snapshot,
                        std::vector<outgoing>& out, std::vector<pending_offload>& unhosted);
  /// With the lock held: sends the snapshot kept of `id`, if any, to the worker of `to`.
  void send_kept_snapshot(const actor_id& id, const placement& to);
  /// With the lock held: sends the requests of `out` bound for workers, in order, so that no
  /// later request overtakes them; leaves in `out` those for the edge, and puts in `failed`
  /// those whose payload cannot go on the wire.
  void send_to_workers(std::vector<outgoing>& out,
                       std::vector<std::pair<outgoing, caf::error>>& failed);
  /// Sends `out` and fails `unhosted`; without the lock.
  void dispatch(const std::vector<outgoing>& out, std::vector<pending_offload>& unhosted);
  /// Sends one request to the edge's own instance of its actor.
  void run_on_edge(const outgoing& out);
  /// With the lock held: the edge's instance of `id`, activated from its last snapshot if none
  /// runs; an error while a crash loop holds it back.
  caf::expected<caf::actor> edge_instance(const actor_id& id);
  /// With the lock held: sets `payload` to what an edge instance gets for `out` (an upload
  /// record unwrapped) and returns true, or to the answer to give at once instead (a copy it
  /// ran, one that does not decode) and returns false.
  bool local_payload(const outgoing& out, caf::message& payload);
  /// The error a worker would answer when the type does not accept what `out` carries.
  std::optional<caf::message> local_refusal(const outgoing& out) const;
  void answer(const pending_offload& req, caf::message content);

  caf::actor_system& sys_;
  std::vector<std::shared_ptr<link>> uplinks_;
  offload_config cfg_;
  const registry* local_types_;
  std::shared_ptr<edge_actors> edge_actors_;
  caf::strong_actor_ptr handle_;
  caf::actor timer_;

  mutable std::mutex mutex_;
  bool stopped_ = false;
  uint64_t next_sequence_ = 1;
  pending_map pending_;
  placement_table placements_;
  std::shared_ptr<placement_client> placement_service_;
  /// From when questions go to the service, and whether the last report listed every upstream.
  std::chrono::steady_clock::time_point questions_from_;
  bool report_complete_ = false;
  /// Decisions for workers whose hello has not come yet, by the worker's node id.
  std::map<actor_id, std::string> awaiting_hello_;
  /// Service times of the requests the edge ran itself, and when each of its actors answered
  /// last: a request queued behind another starts then.
  service_meter edge_service_;
  std::map<actor_id, std::chrono::steady_clock::time_point> edge_answered_at_;
  /// Requests per actor since the rates were last measured, when that was, and the rates.
  std::map<actor_id, uint64_t> requested_;
  std::map<actor_id, double> rates_;
  std::chrono::steady_clock::time_point reported_at_ = std::chrono::steady_clock::now();
  uint64_t handovers_ = 0;
  std::vector<uint64_t> answered_by_;
  uint64_t moved_ = 0;
  uint64_t stale_ = 0;
  uint64_t fenced_ = 0;
  /// The last snapshot of each logical actor, from the worker that runs it.
  std::map<actor_id, caf::message> snapshots_;
  /// Snapshot requests to actors leaving the edge, by their request number.
  std::map<uint64_t, migration> migrations_;
  uint64_t answered_on_edge_ = 0;
  /// Upload records the edge's own instances ran, by (type, key, stream).
  std::map<std::tuple<std::string, std::string, std::string>, upload_window> local_uploads_;
  /// kite_offload_answers_total by where the request ran; null without metrics.
  prometheus::Counter* answered_on_edge_metric_ = nullptr;
  prometheus::Counter* answered_in_cloud_metric_ = nullptr;
  std::atomic<uint64_t> edge_activations_{0};
  uint64_t snapshots_kept_ = 0;
  uint64_t snapshots_sent_ = 0;

  std::atomic<uint64_t> sent_{0};
  std::atomic<uint64_t> retries_{0};
  std::atomic<uint64_t> answered_{0};
  std::atomic<uint64_t> failed_{0};
  std::atomic<uint64_t> refused_{0};
};

} // namespace kite::edge
