#include "relay_table.hpp"

#include <catch2/catch.hpp>

using kite::detail::relay_table;
using kite::detail::relayed_request;
using clock_type = std::chrono::steady_clock;

namespace {

relayed_request request(uint64_t sequence, clock_type::time_point deadline) {
  return {7, sequence, 1, "kite.echo", "k", deadline, kite::detail::relay_purpose::request, {}};
}

} // namespace

TEST_CASE("relay table: a request is taken once, by the id it was given") {
  relay_table table;
  auto now = clock_type::now();
  auto first = table.add(request(10, now));
  auto second = table.add(request(11, now));
  REQUIRE(first != 0);
  REQUIRE(first != second);
  auto taken = table.take(second, now);
  REQUIRE(taken);
  CHECK(taken->sequence == 11);
  CHECK(taken->peer == 7);
  CHECK_FALSE(table.take(second, now));
  CHECK(table.take(first, now)->sequence == 10);
}

TEST_CASE("relay table: expire returns the overdue requests, oldest first, and only those") {
  relay_table table;
  auto now = clock_type::now();
  table.add(request(1, now - std::chrono::seconds(2)));
  auto answered = table.add(request(2, now - std::chrono::seconds(1)));
  table.add(request(3, now - std::chrono::milliseconds(1)));
  auto alive = table.add(request(4, now + std::chrono::seconds(5)));
  REQUIRE(table.take(answered, now));
  auto expired = table.expire(now);
  REQUIRE(expired.size() == 2);
  CHECK(expired[0].sequence == 1);
  CHECK(expired[1].sequence == 3);
  CHECK(table.expire(now).empty());
  CHECK(table.take(alive, now));
}

TEST_CASE("relay table: load counts unanswered client requests and measures service per type") {
  relay_table table;
  auto now = clock_type::now();
  auto far = now + std::chrono::seconds(5);
  auto relayed_now = [&](uint64_t sequence, kite::detail::relay_purpose purpose) {
    auto req = request(sequence, far);
    req.purpose = purpose;
    req.relayed_at = now;
    return table.add(req);
  };
  auto first = relayed_now(1, kite::detail::relay_purpose::request);
  auto second = relayed_now(2, kite::detail::relay_purpose::request); // queued behind the first
  auto snap = relayed_now(0, kite::detail::relay_purpose::snapshot);
  CHECK(table.load().backlog == 2);
  REQUIRE(table.take(first, now + std::chrono::milliseconds(10)));
  REQUIRE(table.take(second, now + std::chrono::milliseconds(30)));
  REQUIRE(table.take(snap, now + std::chrono::seconds(1))); // not a client request
  auto load = table.load();
  CHECK(load.backlog == 0);
  REQUIRE(load.service_s.count("kite.echo") == 1);
  // 10 ms, then 20 ms counted from the first's answer (not 30 from its relay): mean 15 ms.
  CHECK(load.service_s.at("kite.echo") == Approx(0.015));
  // The next window's mean weighs half; a window without answers leaves the figure as it was.
  auto third = relayed_now(3, kite::detail::relay_purpose::request);
  REQUIRE(table.take(third, now + std::chrono::milliseconds(35)));
  CHECK(table.load().service_s.at("kite.echo") == Approx(0.015 + 0.5 * (0.005 - 0.015)));
  CHECK(table.load().service_s.at("kite.echo") == Approx(0.010));
}

TEST_CASE("relay table: each type's queue depth and service time histogram follow its requests") {
  using namespace std::chrono_literals;
  relay_table table;
  auto now = clock_type::now();
  auto in_time = now + 10s;
  auto fast = request(1, in_time);
  fast.relayed_at = now;
  auto slow = request(2, in_time);
  slow.relayed_at = now;
  slow.actor_key = "other"; // another actor: it does not wait behind the first
  auto fast_id = table.add(fast);
  auto slow_id = table.add(slow);
  table.add(request(3, now - 1s)); // overdue: expires unanswered
  CHECK(table.by_type().at("kite.echo").backlog == 3);

  table.take(fast_id, now + 3ms); // 3 ms: at most 5 ms, the 4th bound
  table.take(slow_id, now + 20s); // past every bound
  CHECK(table.expire(now).size() == 1);
  auto load = table.by_type().at("kite.echo");
  CHECK(load.backlog == 0);
  const auto& bounds = kite::service_time_buckets();
  REQUIRE(load.answers.size() == bounds.size() + 1);
  CHECK(bounds[3] == 0.005);
  CHECK(load.answers[3] == 1);
  CHECK(load.answers.back() == 1);
  CHECK(load.seconds == Approx(20.003));
}
