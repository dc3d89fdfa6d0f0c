// A plugin that says it was built against another Kite release.
#include <kite/kite.hpp>

namespace {

void register_nothing(kite::registry&) {}

} // namespace

extern "C" __attribute__((visibility("default")))
const kite::plugin_manifest kite_plugin_manifest = {
    kite::plugin_magic, sizeof(kite::plugin_manifest), "0.0.1",
    CAF_VERSION,        _GLIBCXX_USE_CXX11_ABI,        &register_nothing,
    kite::sdk_layout()};
