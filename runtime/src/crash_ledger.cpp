#include "kite/runtime/crash_ledger.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "kite/runtime/error.hpp"
#include "kite/runtime/metrics.hpp"

namespace kite {

namespace {

int64_t millis(restart_clock::duration d) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
}

} // namespace

crash_ledger::crash_ledger(std::string name, supervisor_flags flags, metrics* counts)
    : name_(std::move(name)), flags_(flags) {
  if (counts == nullptr) return;
  crash_count_ = &counts->counter("kite_logical_actor_crashes_total",
                                  "Logical actors that ended abnormally", {{"host", name_}});
  hold_back_count_ = &counts->counter(
      "kite_logical_actor_hold_backs_total",
      "Logical actors held back for crashing past their restart intensity", {{"host", name_}});
}

caf::error crash_ledger::may_activate(const std::string& id, restart_clock::time_point now) {
  std::lock_guard<std::mutex> guard{mutex_};
  auto i = actors_.find(id);
  if (i == actors_.end() || now >= i->second.held_until) return {};
  return make_error(errc::restart_limit,
                    fmt::format("{}: logical actor {} crashed more than {} times within {} ms "
                                "(last: {}); held back for another {} ms",
                                name_, id, flags_.intensity, flags_.period.count(),
                                i->second.last_exit, millis(i->second.held_until - now)));
}

void crash_ledger::activated(const std::string& id, restart_clock::time_point now) {
  std::lock_guard<std::mutex> guard{mutex_};
  auto i = actors_.find(id);
  if (i == actors_.end()) return; // never crashed: nothing to remember
  i->second.running = true;
  i->second.started_at = now;
  ++i->second.restarts;
}

caf::expected<caf::actor> crash_ledger::start(const std::string& id, const actor_type& type,
                                              caf::actor_system& sys, const std::string& key,
                                              const caf::message& snapshot,
                                              restart_clock::time_point now) {
  // Before the attempt, so that a failed start counts against this activation.
  activated(id, now);
  auto started = start_logical_actor(type, sys, key, snapshot);
  if (!started) ended(id, started.error(), now);
  return started;
}

void crash_ledger::ended(const std::string& id, const caf::error& reason,
                         restart_clock::time_point now) {
  std::lock_guard<std::mutex> guard{mutex_};
  if (!reason || reason == caf::exit_reason::user_shutdown) {
    if (auto i = actors_.find(id); i != actors_.end()) i->second.running = false;
    return;
  }
  ++crashes_;
  if (crash_count_ != nullptr) crash_count_->Increment();
  forget_quiet(now);
  auto& h = actors_.try_emplace(id, flags_).first->second;
  h.running = false;
  h.last_exit = describe(reason);
  if (now - h.started_at >= flags_.period) h.consecutive = 0;
  if (h.window.admit(now)) {
    spdlog::warn("{}: logical actor {} crashed ({}); its next request activates it again", name_,
                 id, h.last_exit);
    return;
  }
  ++h.consecutive;
  auto delay = backoff_delay(flags_.backoff, h.consecutive,
                             std::uniform_real_distribution<double>{0.0, 1.0}(random_));
  h.held_until = now + delay;
  if (hold_back_count_ != nullptr) hold_back_count_->Increment();
  spdlog::error("{}: logical actor {} crashed more than {} times within {} ms ({}); held back "
                "for {} ms",
                name_, id, flags_.intensity, flags_.period.count(), h.last_exit, delay.count());
}

supervisor_report crash_ledger::report(restart_clock::time_point now) {
  std::lock_guard<std::mutex> guard{mutex_};
  forget_quiet(now);
  supervisor_report out;
  out.name = name_;
  for (auto& [id, h] : actors_) {
    auto state = h.running ? "running" : now < h.held_until ? "held back" : "stopped";
    out.children.push_back({id, state, h.restarts, h.last_exit});
    out.recent_restarts += h.window.recent(now);
  }
  return out;
}

uint64_t crash_ledger::crashes() const {
  std::lock_guard<std::mutex> guard{mutex_};
  return crashes_;
}

void crash_ledger::forget_quiet(restart_clock::time_point now) {
  for (auto i = actors_.begin(); i != actors_.end();) {
    auto& h = i->second;
    bool quiet = h.window.recent(now) == 0 && now >= h.held_until &&
                 (!h.running || now - h.started_at >= flags_.period);
    i = quiet ? actors_.erase(i) : std::next(i);
  }
}

} // namespace kite
