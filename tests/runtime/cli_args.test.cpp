#include "kite/runtime/cli_args.hpp"

#include <catch2/catch.hpp>

#include "kite/runtime/error.hpp"

namespace {

caf::expected<kite::cli_args> parse(std::vector<std::string> words) {
  std::vector<char*> argv;
  for (auto& word : words)
    argv.push_back(word.data());
  return kite::parse_cli(static_cast<int>(argv.size()), argv.data(), 1,
                         {"config", "log-level", "ready-file"});
}

} // namespace

TEST_CASE("cli: options take values with a space or an equals sign") {
  auto args = parse({"kite-edge", "--config", "a.yaml", "--log-level=debug", "extra"});
  REQUIRE(args);
  CHECK(args->get("config") == "a.yaml");
  CHECK(args->get("log-level") == "debug");
  CHECK(args->get("ready-file", "none") == "none");
  CHECK(args->positional == std::vector<std::string>{"extra"});
}

TEST_CASE("cli: an unknown option suggests the nearest one, a missing value is named") {
  auto typo = parse({"kite-edge", "--confg", "a.yaml"});
  REQUIRE_FALSE(typo);
  CHECK(kite::describe(typo.error()) == "unknown option --confg; did you mean --config?");
  auto missing = parse({"kite-edge", "--config"});
  REQUIRE_FALSE(missing);
  CHECK(kite::describe(missing.error()) == "option --config needs a value");
}

TEST_CASE("cli: a whole number option is in its range, or an error naming option and range") {
  CHECK(*kite::parse_whole_number("timeout", "1500", 1, 600000) == 1500);
  for (auto bad : {"", "0", "-5", "+5", " 5", "5ms", "600001", "99999999999999999999999"}) {
    auto parsed = kite::parse_whole_number("timeout", bad, 1, 600000);
    REQUIRE_FALSE(parsed);
    CHECK(kite::describe(parsed.error()) ==
          std::string{"--timeout '"} + bad + "': expected a whole number from 1 to 600000");
  }
}

TEST_CASE("cli: a node id is 1 to 128 plain characters, as a Kubernetes pod name is") {
  CHECK_FALSE(kite::check_node_id("node-id", "kite-worker-7d9f8b6c5-x2x9q"));
  CHECK_FALSE(kite::check_node_id("node-id", "worker_1.zone-a"));
  for (auto bad : {std::string{}, std::string{"a b"}, std::string{"w\n1"}, std::string(129, 'w')})
    CHECK(kite::describe(kite::check_node_id("node-id", bad)) ==
          "--node-id '" + bad + "': expected 1 to 128 letters, digits, '.', '_' or '-'");
}
