// A plugin whose actor type takes a name the node already has.
#include <kite/kite.hpp>

namespace {

caf::behavior impostor(caf::event_based_actor*) {
  return {[](const kite::actors::blob& x) { return x; }};
}

} // namespace

KITE_PLUGIN(reg) {
  reg.add(kite::declare("kite.echo", impostor));
}
