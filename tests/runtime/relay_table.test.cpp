#include "relay_table.hpp"

#include <catch2/catch.hpp>

using kite::detail::relay_table;
using kite::detail::relayed_request;
using clock_type = std::chrono::steady_clock;

namespace {

relayed_request request(uint64_t sequence, clock_type::time_point deadline) {
  return {7, sequence, 1, "kite.echo", "k", deadline};
}

} // namespace

TEST_CASE("relay table: a request is taken once, by the id it was given") {
  relay_table table;
  auto now = clock_type::now();
  auto first = table.add(request(10, now));
  auto second = table.add(request(11, now));
  REQUIRE(first != 0);
  REQUIRE(first != second);
  auto taken = table.take(second);
  REQUIRE(taken);
  CHECK(taken->sequence == 11);
  CHECK(taken->peer == 7);
  CHECK_FALSE(table.take(second));
  CHECK(table.take(first)->sequence == 10);
}

TEST_CASE("relay table: expire returns the overdue requests, oldest first, and only those") {
  relay_table table;
  auto now = clock_type::now();
  table.add(request(1, now - std::chrono::seconds(2)));
  auto answered = table.add(request(2, now - std::chrono::seconds(1)));
  table.add(request(3, now - std::chrono::milliseconds(1)));
  auto alive = table.add(request(4, now + std::chrono::seconds(5)));
  REQUIRE(table.take(answered));
  auto expired = table.expire(now);
  REQUIRE(expired.size() == 2);
  CHECK(expired[0].sequence == 1);
  CHECK(expired[1].sequence == 3);
  CHECK(table.expire(now).empty());
  CHECK(table.take(alive));
}
