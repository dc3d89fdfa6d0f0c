// A plugin as a user writes one: a message type, a stateful actor and the registration line.
#include <kite/kite.hpp>

namespace {

struct greeting {
  std::string name;
};

template <class Inspector> typename Inspector::result_type inspect(Inspector& f, greeting& x) {
  return f(caf::meta::type_name("test.greeting"), x.name);
}

struct greeter_state {
  static constexpr const char* name = "test.greeter";
  uint64_t greeted = 0;
};

template <class Inspector> typename Inspector::result_type inspect(Inspector& f, greeter_state& x) {
  return f(caf::meta::type_name("test.greeter_state"), x.greeted);
}

/// Answers each greeting with a summary whose count is the greetings so far.
caf::behavior greeter(caf::stateful_actor<greeter_state>* self, std::string key) {
  return {[self, key](const greeting& g) {
    kite::actors::summary out;
    out.key = key + ": hello, " + g.name;
    out.count = ++self->state.greeted;
    return out;
  }};
}

} // namespace

KITE_PLUGIN(reg) {
  reg.add_message<greeting>("test.greeting").add_message<greeter_state>("test.greeter_state");
  reg.add(kite::declare("test.greeter", greeter)
              .accepts<greeting>()
              .runs_on(kite::runs_on::both)
              .service_time(std::chrono::milliseconds{3}));
}
