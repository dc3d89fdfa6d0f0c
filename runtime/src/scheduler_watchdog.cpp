#include "kite/runtime/scheduler_watchdog.hpp"

#include <caf/behavior.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/scoped_actor.hpp>
#include <caf/send.hpp>
#include <spdlog/spdlog.h>

#include "kite/runtime/error.hpp"
#include "kite/runtime/service_manager.hpp"

namespace kite {

scheduler_watchdog::scheduler_watchdog(caf::actor_system& sys, std::string node_id)
    : sys_(sys), node_id_(std::move(node_id)), interval_(watchdog_interval()),
      due_(std::chrono::steady_clock::now()) {
  if (!interval_) return;
  echo_ = sys_.spawn([]() -> caf::behavior { return {[](int32_t x) { return x; }}; });
}

scheduler_watchdog::~scheduler_watchdog() {
  if (echo_) caf::anon_send_exit(echo_, caf::exit_reason::user_shutdown);
}

void scheduler_watchdog::feed_if_due() {
  if (!interval_ || std::chrono::steady_clock::now() < due_) return;
  due_ = std::chrono::steady_clock::now() + *interval_ / 2;
  caf::scoped_actor self{sys_};
  self->request(echo_, *interval_ / 4, int32_t{1})
      .receive([](int32_t) { notify_service_manager("WATCHDOG=1"); },
               [&](const caf::error& err) {
                 spdlog::warn("'{}': the scheduler did not run the watchdog's actor in time: {}",
                              node_id_, describe(err));
               });
}

} // namespace kite
