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
