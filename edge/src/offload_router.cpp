#include "kite/edge/offload_router.hpp"

#include <utility>

#include <caf/event_based_actor.hpp>
#include <caf/send.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "kite/runtime/companion.hpp"
#include "kite/runtime/error.hpp"
#include "kite/runtime/protocol.hpp"

namespace kite::edge {

namespace {

using clock_type = std::chrono::steady_clock;

/// Calls `retry_due` every `interval` for as long as the router lives.
caf::behavior retry_timer(caf::event_based_actor* self, std::weak_ptr<offload_router> router,
                          std::chrono::milliseconds interval) {
  self->delayed_send(self, interval, retry_atom::value);
  return {
      [self, router, interval](retry_atom) {
        auto alive = router.lock();
        if (!alive) {
          self->quit();
          return;
        }
        alive->retry_due();
        self->delayed_send(self, interval, retry_atom::value);
      },
  };
}

} // namespace

offload_router::offload_router(caf::actor_system& sys, std::shared_ptr<link> uplink,
                               offload_config cfg)
    : sys_(sys), uplink_(std::move(uplink)), cfg_(cfg) {}

std::shared_ptr<offload_router>
offload_router::start(caf::actor_system& sys, std::shared_ptr<link> uplink, offload_config cfg) {
  std::shared_ptr<offload_router> self{new offload_router(sys, std::move(uplink), cfg)};
  auto* raw = self.get();
  // The link and the handle are stopped before the router goes, so they may hold it raw.
  self->handle_ = spawn_companion(
      sys, [raw](caf::mailbox_element_ptr request) { raw->on_request(std::move(request)); });
  self->timer_ =
      sys.spawn(retry_timer, std::weak_ptr<offload_router>{self}, cfg.retry_interval / 4);
  self->uplink_->start(client_handlers{
      [raw](uint64_t sequence, caf::expected<caf::message> answer) {
        raw->on_response(sequence, std::move(answer));
      },
      [raw] { raw->on_up(); },
      [raw] { raw->on_down(); },
  });
  return self;
}

offload_router::~offload_router() {
  stop();
}

caf::actor offload_router::handle() const {
  return caf::actor_cast<caf::actor>(handle_);
}

void offload_router::stop() {
  uplink_->stop();
  {
    std::lock_guard<std::mutex> guard{mutex_};
    if (stopped_) return;
    stopped_ = true;
    up_ = false; // the timer may still be running: nothing more to resend
  }
  caf::anon_send_exit(timer_, caf::exit_reason::user_shutdown);
  // Later requests fail at once instead of waiting forever.
  retire_companion(sys_, handle_, [](caf::mailbox_element_ptr request) {
    if (request) bounce(*request, caf::make_error(caf::sec::request_receiver_down));
  });
}

void offload_router::on_request(caf::mailbox_element_ptr request) {
  if (!request) return;
  auto& content = request->content();
  pending_offload req;
  req.sender = request->sender;
  req.id = request->mid;
  if (!content.match_elements<offload_atom, std::string, std::string, caf::message>()) {
    answer(req, caf::make_message(make_error(
                    errc::usage, fmt::format("the offload router takes (offload, type, key, "
                                             "payload), not {}",
                                             caf::to_string(content)))));
    return;
  }
  req.type = content.get_as<std::string>(1);
  req.key = content.get_as<std::string>(2);
  req.payload = content.get_as<caf::message>(3);
  outgoing out;
  size_t waiting = 0;
  {
    std::lock_guard<std::mutex> guard{mutex_};
    waiting = pending_.size();
    if (waiting < cfg_.max_pending) {
      auto sequence = next_sequence_++;
      auto& stored = pending_.emplace(sequence, std::move(req)).first->second;
      stored.sent_at = clock_type::now();
      if (!up_) return; // sent when the link comes up
      out = next_attempt(sequence, stored);
    }
  }
  if (waiting >= cfg_.max_pending) {
    refused_.fetch_add(1, std::memory_order_relaxed);
    answer(req, caf::make_message(make_error(
                    errc::overloaded,
                    fmt::format("{} requests already wait for an answer (offload.max_pending)",
                                waiting))));
    return;
  }
  transmit(out);
}

offload_router::outgoing offload_router::next_attempt(uint64_t sequence, pending_offload& req) {
  req.sent_at = clock_type::now();
  return {sequence, req.type, req.key, req.payload, ++req.attempts};
}

void offload_router::transmit(const outgoing& out) {
  auto err = uplink_->send_request(out.sequence, out.type, out.key, out.payload);
  if (!err) {
    sent_.fetch_add(1, std::memory_order_relaxed);
    if (out.attempt > 1) retries_.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  // The payload itself cannot go on the wire: retrying will not help.
  on_response(out.sequence, std::move(err));
}

void offload_router::on_response(uint64_t sequence, caf::expected<caf::message> result) {
  pending_offload req;
  {
    std::lock_guard<std::mutex> guard{mutex_};
    auto i = pending_.find(sequence);
    if (i == pending_.end()) return; // a duplicate answer to a retried request
    req = std::move(i->second);
    pending_.erase(i);
  }
  if (result) {
    answered_.fetch_add(1, std::memory_order_relaxed);
    answer(req, std::move(*result));
  } else {
    failed_.fetch_add(1, std::memory_order_relaxed);
    answer(req, caf::make_message(std::move(result.error())));
  }
}

void offload_router::answer(const pending_offload& req, caf::message content) {
  if (!req.sender || !req.id.is_request()) return; // sent without asking for an answer
  req.sender->enqueue(
      caf::make_mailbox_element(handle_, req.id.response_id(), {}, std::move(content)), nullptr);
}

void offload_router::on_up() {
  std::vector<outgoing> resend;
  {
    std::lock_guard<std::mutex> guard{mutex_};
    up_ = true;
    for (auto& [sequence, req] : pending_)
      resend.push_back(next_attempt(sequence, req));
  }
  if (!resend.empty()) spdlog::info("link up: resending {} pending requests", resend.size());
  for (const auto& out : resend)
    transmit(out);
}

void offload_router::on_down() {
  std::lock_guard<std::mutex> guard{mutex_};
  up_ = false;
}

void offload_router::retry_due() {
  std::vector<outgoing> resend;
  {
    std::lock_guard<std::mutex> guard{mutex_};
    if (!up_) return;
    auto now = clock_type::now();
    for (auto& [sequence, req] : pending_)
      if (now - req.sent_at >= cfg_.retry_interval) resend.push_back(next_attempt(sequence, req));
  }
  for (const auto& out : resend)
    transmit(out);
}

router_stats offload_router::stats() const {
  router_stats out;
  out.sent = sent_.load();
  out.retries = retries_.load();
  out.answered = answered_.load();
  out.failed = failed_.load();
  out.refused = refused_.load();
  std::lock_guard<std::mutex> guard{mutex_};
  out.pending = pending_.size();
  return out;
}

} // namespace kite::edge
