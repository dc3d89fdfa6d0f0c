#include "kite/edge/placement_table.hpp"

#include <catch2/catch.hpp>

using namespace kite::edge;

namespace {

const std::string type = "kite.summarize";

/// Two workers that both host `type`, both up.
placement_table two_workers() {
  placement_table table{{"tcp://a:1", "tcp://b:1"}};
  table.host_up(0, {type});
  table.host_up(1, {type});
  return table;
}

} // namespace

TEST_CASE(
    "placement table keeps an actor on its worker, and moves it under a new epoch when down") {
  auto table = two_workers();
  auto first = table.place(type, "k");
  REQUIRE(first);
  CHECK(first->fresh);
  auto again = table.place(type, "k");
  REQUIRE(again);
  CHECK(again->host == first->host);
  CHECK(again->epoch == first->epoch);
  CHECK_FALSE(again->fresh);

  table.host_down(first->host);
  auto moved = table.place(type, "k");
  REQUIRE(moved);
  CHECK(moved->host == 1 - first->host);
  CHECK(moved->epoch > first->epoch);
  CHECK(moved->fresh);
  CHECK(table.moves() == 1);
  // Sticky: the first worker coming back does not pull the actor back.
  table.host_up(first->host, {type});
  CHECK(table.place(type, "k")->host == moved->host);
}

TEST_CASE("placement table picks the same worker for a key after a restart of the edge") {
  auto one = two_workers();
  auto other = two_workers();
  for (auto key : {"robot-1", "robot-2", "robot-3", "robot-4"})
    CHECK(one.place(type, key)->host == other.place(type, key)->host);
}

TEST_CASE("placement table places nothing on workers that do not host the type") {
  placement_table table{{"tcp://a:1", "tcp://b:1"}};
  table.host_up(0, {"other"});
  CHECK_FALSE(table.place(type, "k"));
  CHECK_FALSE(table.unknown_everywhere(type)); // b has not said what it hosts
  table.host_up(1, {"other"});
  CHECK(table.unknown_everywhere(type));
}

TEST_CASE("an actor on the edge stays there until a worker hosting its type is up") {
  placement_table table{{"tcp://a:1"}};
  CHECK_FALSE(table.place(type, "k"));
  auto local = table.place_on_edge(type, "k");
  CHECK(local.host == table.edge());
  CHECK(local.fresh);
  CHECK(table.up(table.edge()));
  CHECK(table.place(type, "k")->host == table.edge());
  CHECK(table.place_on_edge(type, "k").epoch == local.epoch);

  table.host_up(0, {type});
  auto back = table.place(type, "k");
  REQUIRE(back);
  CHECK(back->host == 0);
  CHECK(back->epoch > local.epoch);
  CHECK(back->fresh);
  CHECK(table.current(type, "k")->host == 0);
}

TEST_CASE("a fenced refusal gives the actor a new epoch on the same worker, once") {
  auto table = two_workers();
  auto first = *table.place(type, "k");
  table.refused(type, "k", first.host, first.epoch);
  auto renewed = *table.place(type, "k");
  CHECK(renewed.host == first.host);
  CHECK(renewed.epoch > first.epoch);
  CHECK(renewed.fresh);
  // A second refusal of the old epoch is late news: nothing changes.
  table.refused(type, "k", first.host, first.epoch);
  CHECK(table.place(type, "k")->epoch == renewed.epoch);
}

TEST_CASE("placement table: an actor the service directs to the edge runs there, under a new "
          "epoch, until directed back to a worker") {
  auto table = two_workers();
  auto first = table.place(type, "k");
  REQUIRE(first);
  table.direct(type, "k", table.edge());
  auto here = table.place(type, "k");
  REQUIRE(here);
  CHECK(here->host == table.edge());
  CHECK(here->fresh);
  CHECK(here->epoch > first->epoch);
  CHECK_FALSE(table.place(type, "k")->fresh); // it stays
  table.direct(type, "k", 1);
  auto back = table.place(type, "k");
  REQUIRE(back);
  CHECK(back->host == 1);
  CHECK(back->epoch > here->epoch);
}
