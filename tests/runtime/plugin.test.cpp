#include "kite/runtime/plugin.hpp"

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/others.hpp>
#include <caf/scoped_actor.hpp>
#include <catch2/catch.hpp>

#include "kite/actors/builtin.hpp"
#include "kite/actors/messages.hpp"
#include "kite/runtime/error.hpp"

using namespace kite;

namespace {

std::string plugin(const std::string& name) {
  return std::string{KITE_TEST_PLUGIN_DIR} + "/" + name + ".so";
}

/// A node's registry: the builtin types, as kite-edge and kite-cloud have them.
registry node_types() {
  registry types;
  actors::register_builtin(types);
  return types;
}

} // namespace

TEST_CASE("plugin: its types join the node's registry as declared") {
  auto types = node_types();
  REQUIRE_FALSE(load_plugin(plugin("greeter"), types));
  const auto* greeter = types.find_actor("test.greeter");
  REQUIRE(greeter != nullptr);
  CHECK(greeter->snapshots);
  CHECK(greeter->where == runs_on::both);
  CHECK(greeter->service_time == std::chrono::milliseconds{3});
  CHECK(greeter->accepts == std::vector<std::string>{"test.greeting"});
  CHECK(types.messages().find("test.greeting") >= 0);
  CHECK_FALSE(check_accepts(*greeter, "test.greeting"));
  auto refused = check_accepts(*greeter, "kite.feature");
  CHECK_THAT(describe(refused),
             Catch::Contains("'test.greeter' does not accept a 'kite.feature'") &&
                 Catch::Contains("it accepts test.greeting"));
}

TEST_CASE("plugin: its actor runs in the node, and its snapshot carries its state") {
  auto types = node_types();
  REQUIRE_FALSE(load_plugin(plugin("greeter"), types));
  caf::actor_system_config cfg;
  types.install(cfg);
  caf::actor_system sys{cfg};
  caf::scoped_actor self{sys};
  const auto& codec = types.messages();
  // A greeting as it comes off the wire: a kite.blob's bytes have its layout (one string).
  auto greet = [&](const caf::actor& greeter, const std::string& name) {
    std::vector<char> bytes;
    REQUIRE(codec.encode(caf::make_message(actors::blob{name}), bytes));
    caf::message request;
    REQUIRE(codec.decode(static_cast<uint16_t>(codec.find("test.greeting")), bytes.data(),
                         bytes.size(), request));
    CHECK(codec.name_of(request) == "test.greeting");
    actors::summary answer;
    self->request(greeter, caf::infinite, request)
        .receive([&](const actors::summary& s) { answer = s; },
                 [](caf::error& err) { FAIL(to_string(err)); });
    return answer;
  };
  auto first = start_logical_actor(*types.find_actor("test.greeter"), sys, "robot-1", {});
  REQUIRE(first);
  CHECK(greet(*first, "Ada").key == "robot-1: hello, Ada");
  CHECK(greet(*first, "Grace").count == 2);
  caf::message snapshot;
  // Of a type only the plugin knows: taken as it comes.
  self->request(*first, caf::infinite, snapshot_atom::value)
      .receive([](caf::error& err) { FAIL(to_string(err)); },
               caf::others >> [&](caf::message_view& state) -> caf::result<caf::message> {
                 snapshot = state.copy_content_to_message();
                 return caf::message{};
               });
  CHECK(codec.name_of(snapshot) == "test.greeter_state");
  auto second = start_logical_actor(*types.find_actor("test.greeter"), sys, "robot-1", snapshot);
  REQUIRE(second);
  CHECK(greet(*second, "Linus").count == 3);
  self->send_exit(*first, caf::exit_reason::user_shutdown);
  self->send_exit(*second, caf::exit_reason::user_shutdown);
}

TEST_CASE("plugin: one built against another Kite release is refused, naming both") {
  auto types = node_types();
  auto err = load_plugin(plugin("other_release"), types);
  CHECK(matches(err, errc::config));
  CHECK_THAT(describe(err), Catch::Contains(plugin("other_release")) &&
                                Catch::Contains("built against Kite 0.0.1, this node is Kite " +
                                                std::string{KITE_VERSION}) &&
                                Catch::Contains("rebuild it"));
}

TEST_CASE("plugin: one built with other C++ library debug flags is refused, saying so") {
  auto types = node_types();
  auto err = load_plugin(plugin("greeter_with_assertions"), types);
  CHECK_THAT(describe(err), Catch::Contains("headers of another layout") &&
                                Catch::Contains("_GLIBCXX_ASSERTIONS"));
  CHECK(types.find_actor("test.greeter") == nullptr);
}

TEST_CASE("plugin: a library without a manifest, or no library at all, is a clear error") {
  auto types = node_types();
  CHECK_THAT(describe(load_plugin(plugin("not_a_plugin"), types)),
             Catch::Contains("exports no kite_plugin_manifest"));
  CHECK_THAT(describe(load_plugin(plugin("missing"), types)),
             Catch::Contains(plugin("missing")) && Catch::Contains("cannot load it") &&
                 Catch::Contains("No such file"));
  // A bare name is looked up beside the working directory, never on the library path.
  CHECK_THAT(describe(load_plugin("libz.so.1", types)), Catch::Contains("cannot load it"));
  CHECK(types.find_actor("test.greeter") == nullptr);
}

TEST_CASE("plugin: a type that clashes with the node's own is refused, naming it") {
  auto types = node_types();
  auto err = load_plugin(plugin("clashing"), types);
  CHECK_THAT(describe(err), Catch::Contains("registering its types failed") &&
                                Catch::Contains("actor type 'kite.echo' registered twice"));
}

TEST_CASE("plugins load in order and stop at the first that fails") {
  auto types = node_types();
  auto err = load_plugins({plugin("greeter"), plugin("other_release"), plugin("missing")}, types);
  CHECK_THAT(describe(err), Catch::Contains("other_release"));
  CHECK(types.find_actor("test.greeter") != nullptr);
}
