// A worker's or an edge's side of the placement service: reports every interval and, on an edge,
// asks where logical actors run, caches the answers under their lease and keeps a watch open
// for the moves the service pushes. The cache outlives the service: while it is down or
// restarting, the edge keeps routing by the answers it has, and asks again once it is back.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>

#include <caf/actor_system.hpp>
#include <caf/expected.hpp>
#include <caf/message.hpp>

#include "kite/runtime/link.hpp"
#include "kite/runtime/placement_messages.hpp"

namespace kite {

/// What the client reports, and where answers go; each called on the client's threads.
struct placement_client_handlers {
  /// The report to send now: a worker_load_report or an edge_load_report.
  std::function<caf::message()> report;
  /// An answer to ask(), a refreshed lease, or a move the service pushed (edges only).
  std::function<void(const placement_decision&)> on_decision;
  /// The report just built was queued on a live link: what is sent after it arrives after it.
  std::function<void()> on_reported;
};

/// A cached placement and when its lease runs out.
struct cached_placement {
  placement_decision decision;
  std::chrono::steady_clock::time_point expires;
};

/// Talks to the placement service over a client link; create it with connect().
class placement_client {
public:
  using clock_type = std::chrono::steady_clock;

  /// Connects node `node` (with `keys`) to the service `service` names; `watch` makes it keep
  /// a watch open for pushed moves, as edges do.
  static caf::expected<std::shared_ptr<placement_client>>
  connect(caf::actor_system& sys, const node_config& node, const keypair& keys,
          const placement_link_config& service, bool watch);

  ~placement_client();
  placement_client(const placement_client&) = delete;
  placement_client& operator=(const placement_client&) = delete;

  /// Starts the link and the report timer.
  void start(placement_client_handlers handlers);

  /// Stops both; idempotent.
  void stop();

  /// Where (type, key) runs as far as the cache knows, its lease expired or not; asks the
  /// service when it has no answer or the lease ran out (at most one question in flight each).
  std::optional<cached_placement> lookup(const std::string& type, const std::string& key);

  /// Whether the service is reachable now.
  bool up() const;

  /// The link to the service, for its metrics.
  std::shared_ptr<const link> service_link() const { return service_; }

  /// Decisions received (answers and pushed moves) and questions sent, since the start.
  uint64_t decisions() const;
  uint64_t questions() const;

private:
  /// What a request to the service was.
  struct outstanding {
    enum class what { report, query, watch } kind;
    std::string type;
    std::string key;
  };

  placement_client(std::shared_ptr<link> service, std::string node_id,
                   std::chrono::milliseconds report_interval, bool watch);

  void on_response(uint64_t sequence, caf::expected<caf::message> answer);
  void on_up();
  /// Takes an answer or a pushed move into the cache and hands it on.
  void accept(const placement_decision& decision);
  /// Sends `msg` as request `kind` and remembers it until answered.
  void send(outstanding what, const caf::message& msg);
  /// Sends the report handlers_.report builds now.
  void send_report();
  /// Asks the service for the next moves of this edge's actors.
  void open_watch();
  void run_timer();

  std::shared_ptr<link> service_;
  std::string node_id_;
  std::chrono::milliseconds report_interval_;
  bool watch_;
  placement_client_handlers handlers_;

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool stopped_ = false;
  uint64_t next_sequence_ = 1;
  std::map<uint64_t, outstanding> outstanding_;
  std::map<std::pair<std::string, std::string>, cached_placement> cache_;
  /// Questions in flight, so a busy actor asks once.
  std::map<std::pair<std::string, std::string>, uint64_t> asking_;
  bool watching_ = false;
  uint64_t decisions_ = 0;
  uint64_t questions_ = 0;
  std::thread timer_;
};

} // namespace kite
