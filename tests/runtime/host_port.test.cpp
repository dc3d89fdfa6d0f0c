#include "kite/runtime/host_port.hpp"

#include <catch2/catch.hpp>

using kite::parse_host_port;

TEST_CASE("host_port splits a host or a bracketed IPv6 address from its port") {
  auto v4 = parse_host_port("127.0.0.1:7400");
  REQUIRE(v4);
  CHECK(v4->host == "127.0.0.1");
  CHECK(v4->port == 7400);
  auto v6 = parse_host_port("[::1]:65535");
  REQUIRE(v6);
  CHECK(v6->host == "::1");
  CHECK(v6->port == 65535);
  auto any = parse_host_port(":0");
  REQUIRE(any);
  CHECK(any->host.empty());
  CHECK(any->port == 0);
  CHECK(parse_host_port("sim.local:9")->host == "sim.local");
}

TEST_CASE("host_port rejects a missing or out-of-range port and an unbracketed IPv6 address") {
  for (auto text : {"localhost", "localhost:", "localhost:65536", "localhost:http", "host:-1",
                    "::1:7400", "[::1:7400", "a]:1", "host:123456"}) {
    INFO(text);
    CHECK_FALSE(parse_host_port(text));
  }
}
