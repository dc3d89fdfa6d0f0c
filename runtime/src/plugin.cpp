#include "kite/runtime/plugin.hpp"

#include <dlfcn.h>

#include <exception>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "kite/runtime/error.hpp"

namespace kite {

namespace {

/// Why a manifest built elsewhere does not fit this node; empty when it does.
std::string mismatch(const plugin_manifest& m) {
  auto ours = make_plugin_manifest(nullptr);
  if (m.magic != plugin_magic)
    return "its kite_plugin_manifest symbol is not a Kite plugin manifest";
  // Older or newer headers may lay the manifest out otherwise: read no further.
  if (m.size != ours.size)
    return fmt::format("it was built against the headers of another Kite release (manifest of {} "
                       "bytes, this node's has {})",
                       m.size, ours.size);
  if (m.kite_version == nullptr) return "its manifest names no Kite release";
  if (std::string{m.kite_version} != ours.kite_version)
    return fmt::format("it was built against Kite {}, this node is Kite {}", m.kite_version,
                       ours.kite_version);
  if (m.caf_version != ours.caf_version)
    return fmt::format("it was built against CAF {}, this node runs CAF {}", m.caf_version,
                       ours.caf_version);
  if (m.cxx11_abi != ours.cxx11_abi)
    return fmt::format("it was built with _GLIBCXX_USE_CXX11_ABI={}, this node with {}",
                       m.cxx11_abi, ours.cxx11_abi);
  if (m.layout != ours.layout)
    return fmt::format("it was built against Kite {} headers of another layout ({:#x}, this node's "
                       "are {:#x}), or with other _GLIBCXX_DEBUG or _GLIBCXX_ASSERTIONS flags",
                       m.kite_version, m.layout, ours.layout);
  if (m.register_types == nullptr) return "its manifest names no registration function";
  return {};
}

caf::error plugin_error(const std::string& path, const std::string& why) {
  return make_error(errc::config, fmt::format("plugin '{}': {}", path, why));
}

} // namespace

caf::error load_plugin(const std::string& path, registry& types) {
  // A name without a slash would be searched on the library path: only what the config says.
  auto where = path.find('/') == std::string::npos ? "./" + path : path;
  // RTLD_NOW: a symbol this node does not export fails here, not in the middle of a request.
  auto* handle = dlopen(where.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) return plugin_error(path, fmt::format("cannot load it: {}", dlerror()));
  auto* manifest = static_cast<const plugin_manifest*>(dlsym(handle, "kite_plugin_manifest"));
  auto why = manifest == nullptr
                 ? std::string{"it exports no kite_plugin_manifest; a plugin defines its types in "
                               "KITE_PLUGIN(reg) { ... } from <kite/kite.hpp>"}
                 : mismatch(*manifest);
  if (!why.empty()) {
    dlclose(handle);
    return plugin_error(path, why + "; rebuild it against this node's Kite");
  }
  // Never closed: the registry now holds the plugin's code.
  try {
    manifest->register_types(types);
  } catch (const std::exception& e) {
    return plugin_error(path, fmt::format("registering its types failed: {}", e.what()));
  } catch (...) {
    return plugin_error(path, "registering its types threw a non-standard exception");
  }
  spdlog::info("loaded plugin {}", path);
  return {};
}

caf::error load_plugins(const std::vector<std::string>& paths, registry& types) {
  for (const auto& path : paths)
    if (auto err = load_plugin(path, types)) return err;
  return {};
}

} // namespace kite
