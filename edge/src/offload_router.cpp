#include "kite/edge/offload_router.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "kite/runtime/error.hpp"
#include "kite/runtime/protocol.hpp"

namespace kite::edge {

namespace {

using router_actor = caf::stateful_actor<offload_router_state>;

void transmit(router_actor* self, uint64_t sequence, pending_request& req) {
  auto& s = self->state;
  req.sent_at = std::chrono::steady_clock::now();
  if (!s.up) return; // sent on link_up
  if (auto err = s.uplink->send_request(sequence, req.type, req.key, req.payload)) {
    // The payload itself cannot go on the wire: retrying will not help.
    ++s.failed;
    req.promise.deliver(err);
    s.pending.erase(sequence);
    return;
  }
  ++s.sent;
  if (++req.attempts > 1) ++s.retries;
}

void finish(router_actor* self, uint64_t sequence, caf::expected<caf::message> answer) {
  auto& s = self->state;
  auto i = s.pending.find(sequence);
  if (i == s.pending.end()) return; // a duplicate answer to a retried request
  if (answer) {
    ++s.answered;
    i->second.promise.deliver(std::move(*answer));
  } else {
    ++s.failed;
    i->second.promise.deliver(answer.error());
  }
  s.pending.erase(i);
}

} // namespace

caf::behavior offload_router(caf::stateful_actor<offload_router_state>* self,
                             std::shared_ptr<link> uplink, offload_config cfg) {
  self->state.uplink = std::move(uplink);
  self->state.cfg = cfg;
  self->send(self, retry_atom::value);
  return {
      [self](offload_atom, std::string& type, std::string& key,
             caf::message& payload) -> caf::result<caf::message> {
        auto& s = self->state;
        if (s.pending.size() >= s.cfg.max_pending) {
          ++s.refused;
          return make_error(errc::overloaded, fmt::format("{} requests already wait for an answer "
                                                          "(offload.max_pending)",
                                                          s.pending.size()));
        }
        auto sequence = s.next_sequence++;
        auto& req = s.pending[sequence];
        req.type = std::move(type);
        req.key = std::move(key);
        req.payload = std::move(payload);
        req.promise = self->make_response_promise();
        auto promise = req.promise;
        transmit(self, sequence, req);
        return promise;
      },
      [self](response_atom, uint64_t sequence, caf::message& answer) {
        finish(self, sequence, std::move(answer));
      },
      [self](response_atom, uint64_t sequence, caf::error& err) {
        finish(self, sequence, std::move(err));
      },
      [self](link_up_atom) {
        auto& s = self->state;
        s.up = true;
        if (!s.pending.empty())
          spdlog::info("link up: resending {} pending requests", s.pending.size());
        // Resend in sequence order; transmit may erase, so step carefully.
        for (auto i = s.pending.begin(); i != s.pending.end();) {
          auto sequence = i->first;
          ++i;
          transmit(self, sequence, s.pending[sequence]);
        }
      },
      [self](link_down_atom) { self->state.up = false; },
      [self](retry_atom) {
        auto& s = self->state;
        auto now = std::chrono::steady_clock::now();
        if (s.up) {
          for (auto i = s.pending.begin(); i != s.pending.end();) {
            auto sequence = i->first;
            auto due = now - i->second.sent_at >= s.cfg.retry_interval;
            ++i;
            if (due) transmit(self, sequence, s.pending[sequence]);
          }
        }
        self->delayed_send(self, s.cfg.retry_interval / 4, retry_atom::value);
      },
      [self](stats_atom) {
        auto& s = self->state;
        return std::map<std::string, uint64_t>{
            {"sent", s.sent},     {"retries", s.retries}, {"answered", s.answered},
            {"failed", s.failed}, {"refused", s.refused}, {"pending", s.pending.size()}};
      },
  };
}

} // namespace kite::edge
