#include "kite/runtime/cluster_status.hpp"

#include <limits>

#include <catch2/catch.hpp>

#include "json_value.hpp"

using Catch::Contains;

namespace {

kite::cluster_status two_workers_one_edge() {
  kite::cluster_status out;
  out.service = "placement-1";
  out.uptime_s = 12;
  out.at_ms = 1796396083000; // 14:54:43 UTC
  out.workers = {{"worker-1", 4, 3, 0.25, 1, {"kite.echo"}, 0.1},
                 {"worker-2", 2, 0, 0, 0, {}, 0.2}};
  out.edges = {{"robot-1", {{"worker-1", 0.0021, 0}, {"worker-2", 0.0205, 0}}, 0, 0.05}};
  out.actors = {{"robotics.mapper", "robot-1", "robot-1", "worker-1", false, 3, 10.5}};
  out.events = {
      {1796396082000, "move", "robotics.mapper/robot-1", "for robot-1: worker-2 -> worker-1"}};
  return out;
}

} // namespace

TEST_CASE("cluster status: JSON names every field, escapes text and writes no NaN") {
  auto status = two_workers_one_edge();
  status.edges[0].id = "robot \"one\"\n";
  status.workers[1].cpu = std::numeric_limits<double>::quiet_NaN();
  auto json = kite::to_json(status);
  CHECK_THAT(json, Contains(R"("service":"placement-1","uptime_s":12,"at_ms":1796396083000)"));
  CHECK_THAT(json, Contains(R"({"id":"worker-1","capacity":4,"backlog":3,"cpu":0.25,"hosted":1,)"
                            R"("types":["kite.echo"],"heard_s":0.1})"));
  CHECK_THAT(json, Contains(R"("cpu":null)"));
  CHECK_THAT(json,
             Contains(R"("id":"robot \"one\"\n","paths":[{"worker":"worker-1","rtt_s":0.0021)"));
  CHECK_THAT(json, Contains(R"("host":"worker-1","on_edge":false,"epoch":3,"rate":10.5)"));
  CHECK_THAT(json, Contains(R"("events":[{"at_ms":1796396082000,"kind":"move")"));
}

TEST_CASE("cluster status: text gives a section each, with RTTs in milliseconds") {
  auto text = kite::to_text(two_workers_one_edge());
  CHECK_THAT(text, Contains("placement service placement-1, up 12 s, at 14:54:43 UTC"));
  CHECK_THAT(text, Contains("workers (2)") && Contains("edges (1)") &&
                       Contains("logical actors (1)") && Contains("recent events (1)"));
  CHECK_THAT(text, Contains("rtt: worker-1 2.10 ms, worker-2 20.50 ms"));
  CHECK_THAT(text, Contains("robotics.mapper/robot-1") && Contains("14:54:42 move"));
}

TEST_CASE("cluster status: text from peers that is not UTF-8 or holds control bytes is still one "
          "valid JSON document, and harmless on a terminal") {
  auto status = two_workers_one_edge();
  // A key with a terminal escape, a byte that starts no UTF-8 sequence, and a valid "é".
  status.actors[0].key = "robot\x1b[2J-\xff-\xc3\xa9";
  auto json = kite::test::parse_json(kite::to_json(status));
  CHECK(json["actors"][0]["key"].text == "robot\x1b[2J-\xef\xbf\xbd-\xc3\xa9");
  CHECK(json["workers"].items.size() == 2);
  CHECK(json["events"][0]["detail"].text == "for robot-1: worker-2 -> worker-1");
  auto text = kite::to_text(status);
  CHECK_THAT(text, Contains("robotics.mapper/robot\\x1b[2J-"));
  CHECK(text.find('\x1b') == std::string::npos);
}
