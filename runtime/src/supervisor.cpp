#include "kite/runtime/supervisor.hpp"

#include <algorithm>
#include <memory>
#include <optional>
#include <random>

#include <caf/event_based_actor.hpp>
#include <caf/send.hpp>
#include <caf/stateful_actor.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "child_proxy.hpp"
#include "kite/runtime/error.hpp"
#include "kite/runtime/metrics.hpp"

namespace kite {

namespace {

/// supervisor's own timer: start the children of scheduled restart `token`.
using restart_atom = caf::atom_constant<caf::atom("restart")>;

/// supervisor's own timer: child `index` (incarnation `generation`) had its shutdown time.
using stop_timeout_atom = caf::atom_constant<caf::atom("stop_tmo")>;

enum class phase { running, restarting, stopping, stopped };

const char* to_string(phase x) {
  switch (x) {
  case phase::running:
    return "running";
  case phase::restarting:
    return "restarting";
  case phase::stopping:
    return "stopping";
  case phase::stopped:
    return "stopped";
  }
  return "unknown";
}

struct child_slot {
  child_spec spec;
  std::shared_ptr<detail::child_proxy> proxy;
  caf::actor current;
  phase state = phase::stopped;
  uint32_t restarts = 0;
  /// Failures since the child last ran a whole intensity period; drives the backoff.
  uint32_t consecutive = 0;
  restart_clock::time_point started_at;
  std::string last_exit;
  /// Counts incarnations, so a timer for an old one is recognised.
  uint64_t generation = 0;
};

struct supervisor_state {
  static constexpr const char* name = "kite.supervisor";
  std::string label;
  std::map<std::string, caf::actor> handles;
  supervisor_flags flags;
  std::vector<child_slot> children;
  std::optional<restart_window> window;
  std::mt19937 random{std::random_device{}()};

  /// Children still to stop, in stop order, and what to do once they all are.
  std::vector<size_t> stop_queue;
  std::function<void()> after_stop;
  /// The child being stopped now, whose down message continues the sequence.
  std::optional<size_t> awaiting_stop;
  /// Failures that came in while a stop sequence ran, handled after it.
  std::vector<std::pair<size_t, caf::error>> deferred;
  bool shutting_down = false;

  std::map<uint64_t, std::vector<size_t>> scheduled_restarts;
  uint64_t next_token = 1;

  /// Restarts that came due while a stop sequence ran, started after it.
  std::vector<uint64_t> deferred_restarts;

  /// The running incarnations, by child index: what a supervisor that is killed outright
  /// takes with it. Shared with that exit hook, which runs after the state is gone.
  std::shared_ptr<std::vector<caf::actor>> live;

  metrics* counts = nullptr;
  /// The handles belong to a handle_set: they wait for the next incarnation when this ends.
  bool handles_outlive = false;
};

using supervisor_actor = caf::stateful_actor<supervisor_state>;

// The supervision metrics, one function per series so each is named once.
prometheus::Gauge& running_gauge(metrics& counts, const std::string& label, const std::string& id) {
  return counts.gauge("kite_supervisor_child_running", "1 while the child runs, else 0",
                      {{"supervisor", label}, {"child", id}});
}

prometheus::Counter& restart_counter(metrics& counts, const std::string& label,
                                     const std::string& id) {
  return counts.counter("kite_supervisor_restarts_total", "Restarts of the child",
                        {{"supervisor", label}, {"child", id}});
}

prometheus::Counter& give_up_counter(metrics& counts, const std::string& label) {
  return counts.counter("kite_supervisor_give_ups_total",
                        "Times the supervisor passed its restart intensity and stopped",
                        {{"supervisor", label}});
}

/// Sets child `id`'s running gauge, when the supervisor keeps metrics.
void count_running(const supervisor_state& s, const std::string& id, bool running) {
  if (s.counts != nullptr) running_gauge(*s.counts, s.label, id).Set(running ? 1 : 0);
}

void handle_failure(supervisor_actor* self, size_t index, const caf::error& reason);

std::string exit_text(const caf::error& reason) {
  return reason ? describe(reason) : "normal";
}

/// Starts one incarnation of child `index`; false when its start gave no actor.
bool start_child(supervisor_actor* self, size_t index) {
  auto& slot = self->state.children[index];
  caf::actor actor;
  std::string failure = "start returned no actor";
  try {
    std::map<std::string, caf::actor> running;
    for (auto& other : self->state.children)
      if (other.state == phase::running) running.emplace(other.spec.id, other.current);
    actor = slot.spec.start(self->system(), child_handles{self->state.handles, running});
  } catch (const std::exception& e) {
    failure = fmt::format("start threw: {}", e.what());
  } catch (...) {
    failure = "start threw a non-standard exception";
  }
  if (!actor) {
    slot.last_exit = failure;
    spdlog::error("supervisor {}: child '{}' failed to start: {}", self->state.label, slot.spec.id,
                  failure);
    return false;
  }
  // Monitored, not linked: a kill sent to one child must not take the supervisor with it.
  self->monitor(actor);
  (*self->state.live)[index] = actor;
  slot.current = actor;
  slot.state = phase::running;
  slot.started_at = restart_clock::now();
  ++slot.generation;
  slot.proxy->attach(actor);
  count_running(self->state, slot.spec.id, true);
  return true;
}

/// Whether a stop sequence runs; failures and restarts wait for its end.
bool busy(const supervisor_state& s) {
  return s.awaiting_stop.has_value() || !s.stop_queue.empty();
}

/// Stops the next child in the queue, or runs the continuation when none is left.
void stop_next(supervisor_actor* self) {
  auto& s = self->state;
  while (!s.stop_queue.empty()) {
    auto index = s.stop_queue.front();
    s.stop_queue.erase(s.stop_queue.begin());
    auto& slot = s.children[index];
    if (slot.state != phase::running) continue;
    slot.state = phase::stopping;
    s.awaiting_stop = index;
    self->send_exit(slot.current, caf::exit_reason::user_shutdown);
    self->delayed_send(self, slot.spec.shutdown_timeout, stop_timeout_atom::value, index,
                       slot.generation);
    return;
  }
  s.awaiting_stop.reset();
  auto next = std::move(s.after_stop);
  s.after_stop = nullptr;
  if (next) next();
  // Failures that came meanwhile, one at a time: each may start a stop sequence of its own.
  while (!s.shutting_down && !busy(s) && !s.deferred.empty()) {
    auto [index, reason] = s.deferred.front();
    s.deferred.erase(s.deferred.begin());
    handle_failure(self, index, reason);
  }
  if (s.shutting_down || busy(s)) return;
  for (auto token : s.deferred_restarts)
    self->send(self, restart_atom::value, token);
  s.deferred_restarts.clear();
}

/// Stops `indices` in that order, then runs `then`.
void stop_children(supervisor_actor* self, std::vector<size_t> indices,
                   std::function<void()> then) {
  auto& s = self->state;
  s.stop_queue = std::move(indices);
  s.after_stop = std::move(then);
  if (!s.awaiting_stop) stop_next(self);
}

/// The running children in [first, last), last started first.
std::vector<size_t> running_in(supervisor_actor* self, size_t first, size_t last) {
  std::vector<size_t> out;
  auto& children = self->state.children;
  for (size_t i = last; i > first; --i)
    if (children[i - 1].state == phase::running) out.push_back(i - 1);
  return out;
}

/// The children [first, last) a failure of child `failed` reaches under the strategy.
std::pair<size_t, size_t> reach(const supervisor_state& s, size_t failed) {
  size_t first = s.flags.strategy == restart_strategy::one_for_all ? 0 : failed;
  size_t last = s.flags.strategy == restart_strategy::one_for_one ? failed + 1 : s.children.size();
  return {first, last};
}

/// Stops every child in reverse order and ends the supervisor with `reason`.
void shut_down(supervisor_actor* self, caf::error reason) {
  auto& s = self->state;
  if (s.shutting_down) return;
  s.shutting_down = true;
  s.scheduled_restarts.clear();
  s.deferred.clear();
  s.deferred_restarts.clear();
  stop_children(self, running_in(self, 0, s.children.size()), [self, reason] {
    for (auto& slot : self->state.children) {
      slot.state = phase::stopped;
      if (self->state.handles_outlive)
        slot.proxy->detach();
      else
        slot.proxy->close(caf::make_error(caf::sec::request_receiver_down));
    }
    self->quit(reason);
  });
}

/// Starts `indices` in order after `delay`.
void schedule_restart(supervisor_actor* self, std::vector<size_t> indices,
                      std::chrono::milliseconds delay) {
  auto& s = self->state;
  for (auto index : indices) {
    s.children[index].state = phase::restarting;
    s.children[index].proxy->detach();
  }
  auto token = s.next_token++;
  s.scheduled_restarts.emplace(token, std::move(indices));
  if (delay.count() == 0)
    self->send(self, restart_atom::value, token);
  else
    self->delayed_send(self, delay, restart_atom::value, token);
}

/// The children a strategy restarts along with the failed one, in start order: those running
/// and those with a restart pending (taken out of it, so all start in order), never temporary
/// siblings, which are only stopped.
std::vector<size_t> restart_set(supervisor_actor* self, size_t failed) {
  auto& s = self->state;
  auto [first, last] = reach(s, failed);
  std::vector<size_t> out;
  for (size_t i = first; i < last; ++i) {
    auto& slot = s.children[i];
    if (i != failed && slot.spec.restart == restart_type::temporary) continue;
    if (i == failed || slot.state == phase::running || slot.state == phase::restarting)
      out.push_back(i);
  }
  for (auto i = s.scheduled_restarts.begin(); i != s.scheduled_restarts.end();) {
    auto& pending = i->second;
    pending.erase(
        std::remove_if(pending.begin(), pending.end(),
                       [&](size_t x) { return std::find(out.begin(), out.end(), x) != out.end(); }),
        pending.end());
    i = pending.empty() ? s.scheduled_restarts.erase(i) : std::next(i);
  }
  return out;
}

/// Past the restart intensity: stop everything and fail, so the parent decides.
void give_up(supervisor_actor* self, const child_slot& slot, const caf::error& reason) {
  auto& s = self->state;
  if (s.counts != nullptr) give_up_counter(*s.counts, s.label).Increment();
  spdlog::error("supervisor {}: child '{}' failed ({}) after {} restarts within {} ms; giving up",
                s.label, slot.spec.id, exit_text(reason), s.flags.intensity,
                s.flags.period.count());
  shut_down(self, make_error(errc::restart_limit,
                             fmt::format("supervisor {}: more than {} restarts within {} ms, the "
                                         "last of child '{}' ({})",
                                         s.label, s.flags.intensity, s.flags.period.count(),
                                         slot.spec.id, exit_text(reason))));
}

/// The backoff before the next restart of `slot`, by its consecutive failures.
std::chrono::milliseconds next_delay(supervisor_actor* self, const child_slot& slot) {
  auto& s = self->state;
  return backoff_delay(s.flags.backoff, slot.consecutive,
                       std::uniform_real_distribution<double>{0.0, 1.0}(s.random));
}

void handle_failure(supervisor_actor* self, size_t index, const caf::error& reason) {
  auto& s = self->state;
  auto& slot = s.children[index];
  bool abnormal = reason && reason != caf::exit_reason::user_shutdown;
  if (slot.spec.restart == restart_type::temporary ||
      (slot.spec.restart == restart_type::transient && !abnormal)) {
    slot.state = phase::stopped;
    slot.proxy->close(caf::make_error(caf::sec::request_receiver_down));
    return;
  }
  auto now = restart_clock::now();
  if (!s.window->admit(now)) {
    give_up(self, slot, reason);
    return;
  }
  if (now - slot.started_at >= s.flags.period) slot.consecutive = 0;
  ++slot.consecutive;
  auto delay = next_delay(self, slot);
  auto restarts = restart_set(self, index);
  spdlog::warn("supervisor {}: child '{}' ended ({}); restarting {} child(ren) in {} ms", s.label,
               slot.spec.id, exit_text(reason), restarts.size(), delay.count());
  slot.state = phase::restarting;
  slot.proxy->detach();
  // Every running child in the strategy's reach stops, last started first.
  auto [first, last] = reach(s, index);
  stop_children(self, running_in(self, first, last), [self, restarts, delay] {
    for (auto& slot : self->state.children)
      if (slot.spec.restart == restart_type::temporary && slot.state == phase::stopped)
        slot.proxy->close(caf::make_error(caf::sec::request_receiver_down));
    schedule_restart(self, restarts, delay);
  });
}

/// A restart failed to start child `remaining.front()`: counts as a failure for intensity
/// and backoff, and the rest of the restart follows after the delay.
void retry_start(supervisor_actor* self, std::vector<size_t> remaining) {
  auto& s = self->state;
  auto& slot = s.children[remaining.front()];
  auto now = restart_clock::now();
  if (!s.window->admit(now)) {
    give_up(self, slot, make_error(errc::config, slot.last_exit));
    return;
  }
  ++slot.consecutive;
  schedule_restart(self, std::move(remaining), next_delay(self, slot));
}

void on_down(supervisor_actor* self, const caf::down_msg& down) {
  auto& s = self->state;
  auto i = std::find_if(s.children.begin(), s.children.end(), [&](const child_slot& slot) {
    return slot.current && slot.current.address() == down.source;
  });
  if (i == s.children.end()) return;
  auto index = static_cast<size_t>(i - s.children.begin());
  auto& slot = *i;
  auto was = slot.state;
  slot.current = nullptr;
  (*s.live)[index] = nullptr;
  slot.state = phase::stopped;
  slot.last_exit = exit_text(down.reason);
  slot.proxy->detach();
  count_running(s, slot.spec.id, false);
  if (was == phase::stopping) {
    if (s.awaiting_stop == index) stop_next(self);
    return;
  }
  if (s.shutting_down) return;
  if (busy(s)) {
    // A stop sequence runs: a child it was about to stop is simply gone already.
    auto queued = std::find(s.stop_queue.begin(), s.stop_queue.end(), index);
    if (queued != s.stop_queue.end()) return;
    slot.state = phase::restarting;
    s.deferred.emplace_back(index, down.reason);
    return;
  }
  handle_failure(self, index, down.reason);
}

caf::behavior supervisor(supervisor_actor* self, std::string label, supervisor_flags flags,
                         std::vector<child_slot> children,
                         std::map<std::string, caf::actor> handles, metrics* counts,
                         bool handles_outlive) {
  auto& s = self->state;
  s.label = std::move(label);
  s.counts = counts;
  s.handles_outlive = handles_outlive;
  s.handles = std::move(handles);
  s.flags = flags;
  s.children = std::move(children);
  s.window.emplace(flags.intensity, flags.period);
  self->set_down_handler([self](caf::down_msg& down) { on_down(self, down); });
  // Children are not linked, so any exit message comes from the parent or the program.
  self->set_exit_handler([self](caf::exit_msg& msg) { shut_down(self, msg.reason); });
  s.live = std::make_shared<std::vector<caf::actor>>(s.children.size());
  std::vector<std::shared_ptr<detail::child_proxy>> proxies;
  std::vector<prometheus::Gauge*> running;
  for (auto& slot : s.children) {
    proxies.push_back(slot.proxy);
    if (counts == nullptr) {
      running.push_back(nullptr);
      continue;
    }
    running.push_back(&running_gauge(*counts, s.label, slot.spec.id));
    restart_counter(*counts, s.label, slot.spec.id); // at zero, so the first restart is a step
  }
  if (counts != nullptr) give_up_counter(*counts, s.label);
  self->attach_functor([live = s.live, proxies = std::move(proxies), running = std::move(running),
                        handles_outlive](const caf::error&) {
    // After an ordered shutdown nothing is left; after a kill, this stops the children, and
    // their handles stop forwarding to them.
    for (size_t i = 0; i < live->size(); ++i) {
      if (!(*live)[i]) continue;
      caf::anon_send_exit((*live)[i], caf::exit_reason::kill);
      if (running[i] != nullptr) running[i]->Set(0);
      if (handles_outlive)
        proxies[i]->detach();
      else
        proxies[i]->close(caf::make_error(caf::sec::request_receiver_down));
    }
  });
  for (size_t i = 0; i < s.children.size(); ++i) {
    if (!start_child(self, i)) {
      shut_down(self,
                make_error(errc::config,
                           fmt::format("supervisor {}: child '{}' failed to start: {}", s.label,
                                       s.children[i].spec.id, s.children[i].last_exit)));
      break;
    }
  }
  return {
      [self](restart_atom, uint64_t token) {
        auto& s = self->state;
        auto i = s.scheduled_restarts.find(token);
        if (i == s.scheduled_restarts.end()) return; // cancelled, or taken into another restart
        if (busy(s)) {
          s.deferred_restarts.push_back(token);
          return;
        }
        auto indices = std::move(i->second);
        s.scheduled_restarts.erase(i);
        for (auto k = indices.begin(); k != indices.end(); ++k) {
          auto& slot = s.children[*k];
          if (slot.state != phase::restarting) continue;
          ++slot.restarts;
          if (s.counts != nullptr) restart_counter(*s.counts, s.label, slot.spec.id).Increment();
          if (!start_child(self, *k)) {
            retry_start(self, std::vector<size_t>(k, indices.end()));
            return;
          }
        }
      },
      [self](stop_timeout_atom, size_t index, uint64_t generation) {
        auto& slot = self->state.children[index];
        if (slot.state != phase::stopping || slot.generation != generation) return;
        spdlog::warn("supervisor {}: child '{}' did not stop within {} ms; killing it",
                     self->state.label, slot.spec.id, slot.spec.shutdown_timeout.count());
        self->send_exit(slot.current, caf::exit_reason::kill);
      },
      [self](report_atom) {
        auto& s = self->state;
        supervisor_report out;
        out.name = s.label;
        out.recent_restarts = s.window->recent(restart_clock::now());
        for (auto& slot : s.children)
          out.children.push_back(
              {slot.spec.id, to_string(slot.state), slot.restarts, slot.last_exit});
        return out;
      },
  };
}

} // namespace

supervised spawn_supervisor(caf::actor_system& sys, std::string name, supervisor_flags flags,
                            std::vector<child_spec> children, metrics* counts,
                            std::shared_ptr<handle_set> keep) {
  supervised out;
  std::vector<child_slot> slots;
  for (auto& spec : children) {
    child_slot slot;
    slot.proxy = keep ? keep->proxy(spec.id, flags.max_waiting)
                      : std::make_shared<detail::child_proxy>(sys, spec.id, flags.max_waiting);
    out.children.emplace(spec.id, slot.proxy->handle());
    slot.spec = std::move(spec);
    slots.push_back(std::move(slot));
  }
  out.supervisor = sys.spawn(supervisor, std::move(name), flags, std::move(slots), out.children,
                             counts, keep != nullptr);
  return out;
}

handle_set::handle_set(caf::actor_system& sys) : sys_(sys) {}

handle_set::~handle_set() = default;

std::shared_ptr<detail::child_proxy> handle_set::proxy(const std::string& id, size_t max_waiting) {
  std::lock_guard<std::mutex> guard{mutex_};
  auto& proxy = proxies_[id];
  if (!proxy) proxy = std::make_shared<detail::child_proxy>(sys_, id, max_waiting);
  return proxy;
}

child_handles::child_handles(std::map<std::string, caf::actor> stable,
                             std::map<std::string, caf::actor> current)
    : stable_(std::move(stable)), current_(std::move(current)) {}

caf::actor child_handles::at(const std::string& id) const {
  return stable_.at(id);
}

caf::actor child_handles::current(const std::string& id) const {
  return current_.at(id);
}

bool parse_strategy(const std::string& name, restart_strategy& out) {
  if (name == "one_for_one")
    out = restart_strategy::one_for_one;
  else if (name == "one_for_all")
    out = restart_strategy::one_for_all;
  else if (name == "rest_for_one")
    out = restart_strategy::rest_for_one;
  else
    return false;
  return true;
}

} // namespace kite
