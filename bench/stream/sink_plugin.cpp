// bench.sink, the cloud end of bench/stream's Kite rows: takes each kite.blob and answers an
// empty one, as a sensor stream's sink that acknowledges small would (kite.summarize answers a
// summary of a few dozen bytes), so the answers do not send the payload back as kite.echo does.
// Built as users build their plugins and loaded by the benchmark's worker.
#include <kite/kite.hpp>

namespace {

caf::behavior sink(caf::event_based_actor*) {
  return {[](const kite::actors::blob&) { return kite::actors::blob{}; }};
}

} // namespace

KITE_PLUGIN(reg) {
  reg.add(kite::declare("bench.sink", sink)
              .accepts<kite::actors::blob>()
              .runs_on(kite::runs_on::cloud));
}
