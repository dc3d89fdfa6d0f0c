// Plugins: actor libraries (.so) built against the installed Kite headers, loaded by path from a
// node's YAML (`plugins: [path]`) before its actor system starts, and checked for the Kite, CAF
// and C++ library builds they were compiled against.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <caf/config.hpp>
#include <caf/error.hpp>

#include "kite/runtime/registry.hpp"
#include "kite/runtime/version.hpp"

namespace kite {

/// What a plugin exports as `kite_plugin_manifest`: the builds it was compiled against and the
/// function that registers its types. Fields only ever get added at the end.
struct plugin_manifest {
  /// plugin_magic: tells a Kite plugin from any other library.
  uint32_t magic;
  /// sizeof(plugin_manifest) of the headers it was built against.
  uint32_t size;
  const char* kite_version;
  /// CAF_VERSION, such as 1706 for 0.17.6.
  uint32_t caf_version;
  /// _GLIBCXX_USE_CXX11_ABI: std::string's layout.
  uint32_t cxx11_abi;
  /// Adds the plugin's message and actor types; may throw std::logic_error.
  void (*register_types)(registry&);
  /// sdk_layout() of the headers it was built against.
  uint64_t layout;
};

/// "KITE" in ASCII.
constexpr uint32_t plugin_magic = 0x4b495445;

/// The sizes of what a plugin's inline code writes into the node's objects, and the library
/// debug modes that change containers' layouts: a build of other headers under the same
/// release number, or with other flags, differs here.
constexpr uint64_t sdk_layout() {
  uint64_t debug_modes = 0;
#ifdef _GLIBCXX_DEBUG
  debug_modes |= 1;
#endif
#ifdef _GLIBCXX_ASSERTIONS
  debug_modes |= 2;
#endif
  return sizeof(registry) | sizeof(message_types) << 12 | sizeof(actor_type) << 24 |
         static_cast<uint64_t>(sizeof(actor_declaration)) << 36 | debug_modes << 48;
}

/// The manifest a plugin built against these headers carries, registering through `add`.
constexpr plugin_manifest make_plugin_manifest(void (*add)(registry&)) {
  return {plugin_magic, sizeof(plugin_manifest), KITE_VERSION,
          CAF_VERSION,  _GLIBCXX_USE_CXX11_ABI,  add,
          sdk_layout()};
}

/// Loads the plugin at `path` and registers its types in `types`; an error naming the file and
/// what is wrong: missing, not a Kite plugin, built against another Kite, CAF or C++ library, or
/// a type it registers that clashes or is incomplete.
caf::error load_plugin(const std::string& path, registry& types);

/// Loads every plugin of `paths` in order; the first error stops it.
caf::error load_plugins(const std::vector<std::string>& paths, registry& types);

} // namespace kite

/// Defines the function that registers a plugin's types, and exports its manifest:
/// `KITE_PLUGIN(reg) { reg.add_message<T>("my.t"); reg.add(kite::declare(...)); }`
#define KITE_PLUGIN(reg)                                                                           \
  static void kite_plugin_register(::kite::registry&);                                             \
  extern "C" __attribute__((visibility("default")))                                                \
  const ::kite::plugin_manifest kite_plugin_manifest =                                             \
      ::kite::make_plugin_manifest(&kite_plugin_register);                                         \
  static void kite_plugin_register(::kite::registry& reg)
