// OTP-style supervision on CAF monitors and links: a supervisor starts its children in order,
// restarts them by strategy and restart type, gives up (and so fails to its own parent) past
// its restart intensity, and stops them in reverse order, each within its shutdown timeout.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>
#include <caf/atom.hpp>
#include <caf/meta/type_name.hpp>

#include "kite/runtime/restart_policy.hpp"

namespace kite {

class metrics;

namespace detail {
class child_proxy;
}

/// Which children a failure takes down with it, as in OTP.
enum class restart_strategy {
  /// Only the failed child is restarted.
  one_for_one,
  /// Every child is stopped (in reverse order) and all are restarted (in order).
  one_for_all,
  /// The failed child and the ones started after it are stopped and restarted.
  rest_for_one,
};

/// When a child that ended is restarted, as in OTP.
enum class restart_type {
  /// Always.
  permanent,
  /// Only after an abnormal exit (anything but normal and user_shutdown).
  transient,
  /// Never: it ends and stays gone.
  temporary,
};

/// How a starting child reaches its siblings.
class child_handles {
public:
  child_handles() = default;
  child_handles(std::map<std::string, caf::actor> stable,
                std::map<std::string, caf::actor> current);

  /// The stable handle of child `id`: it survives restarts, and each message through it pays
  /// one forwarding step. Throws std::out_of_range for an unknown id.
  caf::actor at(const std::string& id) const;

  /// The running incarnation of child `id`, started before this one: no forwarding cost, but
  /// it is gone when that child restarts, so wire this way under rest_for_one (a child's
  /// restart then restarts everything started after it) or one_for_all. Throws
  /// std::out_of_range when `id` is unknown or not running.
  caf::actor current(const std::string& id) const;

private:
  std::map<std::string, caf::actor> stable_;
  std::map<std::string, caf::actor> current_;
};

/// Spawns one incarnation of a child; the supervisor links it to itself and monitors it.
using child_start = std::function<caf::actor(caf::actor_system&, const child_handles& siblings)>;

/// One child of a supervisor.
struct child_spec {
  /// Unique among its siblings; logs and reports name the child by it.
  std::string id;
  child_start start;
  restart_type restart = restart_type::permanent;
  /// How long the child has to stop after it is asked to, before it is killed.
  std::chrono::milliseconds shutdown_timeout{5000};
};

/// How a supervisor restarts its children.
struct supervisor_flags {
  restart_strategy strategy = restart_strategy::one_for_one;
  /// At most `intensity` restarts within `period`; one more and the supervisor stops every
  /// child and fails, so its own supervisor decides.
  uint32_t intensity = 3;
  std::chrono::milliseconds period{5000};
  /// Delay before each restart of a child that keeps failing.
  backoff_config backoff;
  /// Messages a child's handle holds while the child restarts; requests beyond it fail.
  size_t max_waiting = 1000;
};

/// A running supervisor and the stable handles of its children: a message sent to a handle
/// goes to the child's current incarnation, or waits for the next one while it restarts.
struct supervised {
  caf::actor supervisor;
  std::map<std::string, caf::actor> children;
};

/// Stable handles that outlive one incarnation of a supervisor. Give the same set to every
/// incarnation of a nested supervisor (make it outside the child's start function): its
/// children then keep their handles when its parent restarts it, and messages sent to them
/// meanwhile wait, as for any restarting child. Without a next incarnation they wait until
/// their senders give up (bounded by max_waiting).
class handle_set {
public:
  explicit handle_set(caf::actor_system& sys);
  ~handle_set();
  handle_set(const handle_set&) = delete;
  handle_set& operator=(const handle_set&) = delete;

  /// The proxy behind child `id`'s handle, made on first use.
  std::shared_ptr<detail::child_proxy> proxy(const std::string& id, size_t max_waiting);

private:
  caf::actor_system& sys_;
  std::mutex mutex_;
  std::map<std::string, std::shared_ptr<detail::child_proxy>> proxies_;
};

/// Starts a supervisor that starts `children` in order. A child whose start returns an invalid
/// handle fails the supervisor. Stop it with an exit message (user_shutdown). With `counts`
/// (which must outlive the actor system), it keeps kite_supervisor_restarts_total and
/// kite_supervisor_child_running per child and kite_supervisor_give_ups_total. With `keep`, the
/// children's handles come from that set and survive this supervisor's end.
supervised spawn_supervisor(caf::actor_system& sys, std::string name, supervisor_flags flags,
                            std::vector<child_spec> children, metrics* counts = nullptr,
                            std::shared_ptr<handle_set> keep = nullptr);

/// Asks a supervisor for its supervisor_report.
using report_atom = caf::atom_constant<caf::atom("report")>;

/// Reads a strategy's name as YAML spells it; false for an unknown name.
bool parse_strategy(const std::string& name, restart_strategy& out);

/// One child as its supervisor sees it.
struct child_report {
  std::string id;
  /// "running", "restarting", "stopping" or "stopped".
  std::string state;
  uint32_t restarts = 0;
  /// Why the last incarnation ended; empty while the first one runs.
  std::string last_exit;
};

template <class Inspector> typename Inspector::result_type inspect(Inspector& f, child_report& x) {
  return f(caf::meta::type_name("kite.child_report"), x.id, x.state, x.restarts, x.last_exit);
}

/// What a supervisor answers to report_atom.
struct supervisor_report {
  std::string name;
  std::vector<child_report> children;
  /// Restarts within the current intensity period.
  uint32_t recent_restarts = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, supervisor_report& x) {
  return f(caf::meta::type_name("kite.supervisor_report"), x.name, x.children, x.recent_restarts);
}

} // namespace kite
