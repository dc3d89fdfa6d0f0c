#include "kite/edge/offload_sink.hpp"

#include <algorithm>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "kite/runtime/any_response.hpp"
#include "kite/runtime/error.hpp"
#include "kite/runtime/metrics.hpp"
#include "kite/runtime/protocol.hpp"
#include "kite/runtime/upload.hpp"

namespace kite::edge {

namespace {

using clock_type = std::chrono::steady_clock;
using sink_actor = caf::stateful_actor<offload_sink_state>;

/// Items appended to the spool in one transaction, at most.
constexpr size_t spool_batch = 256;

/// How often a paused or rate-limited upload sink looks again.
constexpr std::chrono::milliseconds upload_tick{50};

int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

/// How often the actor's host may answer one spooled record with an error before the record
/// is dropped: an error may pass (an actor that crashed, or is held back after crashing), but
/// a record every attempt fails on would stop the stream behind it for good.
constexpr uint32_t refusals_before_drop = 10;

/// How often the spool drops records past max_age, at most.
constexpr std::chrono::seconds expiry_interval{1};

void pump(sink_actor* self);

/// Sends an answer on, if it is of the type the stage passes on.
void pass_on(sink_actor* self, const caf::message& answer) {
  auto& s = self->state;
  const auto& setup = *s.setup;
  auto type = setup.types->name_of(answer);
  if (type == setup.cfg.answers) {
    s.out.push(answer, self);
    return;
  }
  // A copy the worker had handled: its first answer went on, unless it was lost on the way
  // (docs/pipeline.md says when).
  if (answer.match_elements<upload_duplicate>()) return;
  // Once, then every thousandth: an actor answering the wrong type answers it every time.
  if (s.unexpected_answers++ % 1000 == 0)
    spdlog::warn("{}: ({}) answered a '{}', not the {} this stage passes on; not passed on ({} "
                 "so far)",
                 setup.name, setup.cfg.type, type.empty() ? "value of an unannounced type" : type,
                 setup.cfg.answers, s.unexpected_answers);
}

/// Sends `payload` to the target; `sequence` is its spool record's, 0 for a direct item.
void send_request(sink_actor* self, caf::message payload, uint64_t sequence) {
  auto& s = self->state;
  const auto& cfg = s.setup->cfg;
  // Items take turns over the target's keys: key-0, key-1, ... when there are several. A
  // spooled record's turn is its sequence number, so a resent copy meets the actor that had it.
  auto turn = sequence != 0 ? sequence : s.sent;
  auto key = cfg.keys > 1 ? fmt::format("{}-{}", cfg.key, turn % cfg.keys) : cfg.key;
  ++s.sent;
  ++s.in_flight;
  auto request = caf::make_message(offload_atom::value, cfg.type, key, std::move(payload));
  request_any(
      self, s.setup->router, caf::infinite, std::move(request),
      [self, key, sequence](caf::expected<caf::message> answer) {
        auto& s = self->state;
        const auto& setup = *s.setup;
        --s.in_flight;
        if (answer) {
          ++s.answered;
          // Checked first: printing an answer costs more than sending the request.
          if (spdlog::should_log(spdlog::level::debug))
            spdlog::debug("({}, {}) answered {}", setup.cfg.type, key, caf::to_string(*answer));
          if (!setup.cfg.answers.empty()) pass_on(self, *answer);
        } else if (sequence != 0) {
          // Kept in the spool and sent again, in order, after a pause, unless the actor's host
          // refused it too often; the router's own errors (no worker yet) never count.
          auto refusals = matches(answer.error(), errc::remote) ? ++s.refusals[sequence] : 0;
          if (refusals < refusals_before_drop) {
            spdlog::warn("{}: ({}, {}) failed, sending again in {} ms: {}", setup.name,
                         setup.cfg.type, key, setup.retry_interval.count(),
                         describe(answer.error()));
            s.sent_through = std::min(s.sent_through, sequence - 1);
            s.paused_until = clock_type::now() + setup.retry_interval;
            pump(self);
            return;
          }
          ++s.failed;
          spdlog::error("{}: ({}, {}) refused spooled record {} {} times, dropped: {}", setup.name,
                        setup.cfg.type, key, sequence, refusals, describe(answer.error()));
        } else {
          ++s.failed;
          spdlog::warn("{}: ({}, {}) failed: {}", setup.name, setup.cfg.type, key,
                       describe(answer.error()));
        }
        if (sequence != 0) {
          s.refusals.erase(sequence);
          if (auto err = setup.store->acknowledge({sequence}))
            spdlog::error("{}: {}", setup.name, describe(err));
        }
        pump(self);
      });
}

/// Encodes `item` for the spool: its announced type name, a NUL, its wire encoding.
caf::expected<std::string> encode(const message_types& types, const caf::message& item) {
  std::vector<char> bytes;
  auto index = types.encode(item, bytes);
  if (!index) return index.error();
  auto out = types.names().at(*index);
  out.push_back('\0');
  out.append(bytes.begin(), bytes.end());
  return out;
}

/// Moves what the queue holds into the spool, a batch per transaction; false when the spool
/// refused (a full disk, say): the items wait in memory, the queue fills, and its policy holds.
bool spool_queued(sink_actor* self) {
  auto& s = self->state;
  auto& setup = *s.setup;
  // A few batches per turn, so a fast stream does not hold the thread; a wake follows.
  for (int batches = 0; batches < 4; ++batches) {
    while (s.unspooled.size() < spool_batch) {
      auto item = setup.in->take();
      if (!item) break;
      s.unspooled.push_back(std::move(*item));
    }
    if (s.unspooled.empty()) return true;
    std::vector<spool_entry> batch;
    auto at = now_ns();
    for (const auto& item : s.unspooled) {
      auto payload = encode(*setup.types, item);
      if (!payload) {
        ++s.failed;
        spdlog::warn("{}: cannot upload {}: {}", setup.name, caf::to_string(item),
                     describe(payload.error()));
        continue;
      }
      batch.push_back({setup.name, at, std::move(*payload)});
    }
    auto appended = setup.store->append(batch);
    if (!appended) {
      // Said once per outage: the sink tries again each upload tick.
      if (!s.spool_failing)
        spdlog::error("{}: {}; {} items wait in memory, and the queue in front fills", setup.name,
                      describe(appended.error()), s.unspooled.size());
      s.spool_failing = true;
      return false;
    }
    if (s.spool_failing) spdlog::info("{}: the spool takes items again", setup.name);
    s.spool_failing = false;
    s.unspooled.clear();
    if (auto now = clock_type::now(); now - s.expired_at >= expiry_interval) {
      s.expired_at = now;
      if (auto expired = setup.store->expire(at); expired && *expired > 0)
        spdlog::warn("{}: dropped {} spooled records older than spool.max_age", setup.name,
                     *expired);
    }
  }
  if (setup.in->depth() > 0) self->send(self, wake_atom::value);
  return true;
}

/// Sends spooled records, oldest first, within max_in_flight and the drain rate.
void send_spooled(sink_actor* self) {
  auto& s = self->state;
  auto& setup = *s.setup;
  auto now = clock_type::now();
  if (now < s.paused_until) return;
  size_t room = setup.cfg.max_in_flight - std::min(setup.cfg.max_in_flight, s.in_flight);
  if (setup.drain_rate > 0) {
    // A tenth of a second's worth at most, so a quiet spell does not bank a burst.
    auto seconds = std::chrono::duration<double>(now - s.topped_up).count();
    s.tokens =
        std::min(std::max(1.0, setup.drain_rate / 10), s.tokens + seconds * setup.drain_rate);
    s.topped_up = now;
    room = std::min(room, static_cast<size_t>(s.tokens));
  }
  if (room == 0) return;
  auto records = setup.store->oldest(room, s.sent_through);
  if (!records) {
    spdlog::error("{}: {}", setup.name, describe(records.error()));
    return;
  }
  for (auto& record : *records) {
    auto nul = record.payload.find('\0');
    upload_record out{setup.stream, record.sequence, record.payload.substr(0, nul),
                      nul == std::string::npos ? std::string{} : record.payload.substr(nul + 1)};
    s.sent_through = record.sequence;
    s.tokens -= 1;
    send_request(self, caf::make_message(std::move(out)), record.sequence);
  }
}

void update_metrics(sink_actor* self) {
  auto& s = self->state;
  const auto& setup = *s.setup;
  if (setup.spool_records == nullptr) return;
  const auto& stats = setup.store->stats();
  setup.spool_records->Set(static_cast<double>(stats.records));
  setup.spool_bytes->Set(static_cast<double>(stats.bytes));
  setup.spool_dropped_full->Increment(
      static_cast<double>(stats.dropped_full - s.dropped_full_seen));
  setup.spool_dropped_age->Increment(static_cast<double>(stats.dropped_age - s.dropped_age_seen));
  s.dropped_full_seen = stats.dropped_full;
  s.dropped_age_seen = stats.dropped_age;
}

void finish_if_done(sink_actor* self) {
  auto& s = self->state;
  auto& setup = *s.setup;
  bool spooled = setup.store != nullptr && (!s.unspooled.empty() || setup.store->stats().records);
  if (s.ended || s.in_flight != 0 || spooled || !setup.in->ended() || s.out.holding()) return;
  s.ended = true;
  s.out.end();
  setup.in->finish();
}

void pump(sink_actor* self) {
  auto& s = self->state;
  auto& setup = *s.setup;
  // A stage's queue on is full: sending more would only pile up answers here.
  if (s.out.holding()) return;
  if (setup.store == nullptr) {
    while (s.in_flight < setup.cfg.max_in_flight) {
      auto item = setup.in->take();
      if (!item) break;
      send_request(self, std::move(*item), 0);
    }
  } else {
    bool spooled = spool_queued(self);
    send_spooled(self);
    // Waiting on time, not on an answer or an item: look again shortly.
    bool waiting =
        !spooled || (setup.store->stats().records > 0 && s.in_flight < setup.cfg.max_in_flight);
    if (waiting && !s.ticking) {
      s.ticking = true;
      self->delayed_send(self, upload_tick, tick_atom::value);
    }
    update_metrics(self);
  }
  finish_if_done(self);
}

} // namespace

caf::behavior offload_sink(caf::stateful_actor<offload_sink_state>* self,
                           std::shared_ptr<offload_sink_setup> setup) {
  auto& s = self->state;
  s.setup = std::move(setup);
  s.out = s.setup->out;
  s.topped_up = clock_type::now();
  if (s.setup->store != nullptr) {
    // Counted from here on: drops before this incarnation are in the metrics already.
    s.dropped_full_seen = s.setup->store->stats().dropped_full;
    s.dropped_age_seen = s.setup->store->stats().dropped_age;
  }
  s.setup->in->attach(self);
  self->send(self, wake_atom::value);
  return {
      [self](wake_atom) { pump(self); },
      [self](resume_atom) {
        if (self->state.out.flush(self)) pump(self);
      },
      [self](tick_atom) {
        self->state.ticking = false;
        pump(self);
      },
  };
}

} // namespace kite::edge
