# Kite's SDK: Kite::sdk, what an actor plugin compiles against (Kite's headers and CAF, no Kite
# library: it calls the loading node's code), and its install as a CMake package, so that
# find_package(Kite) works for out-of-tree actor projects (docs/writing-actors.md).
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)
include(KitePlugin)

add_library(kite_sdk INTERFACE)
add_library(Kite::sdk ALIAS kite_sdk)
set_target_properties(kite_sdk PROPERTIES EXPORT_NAME sdk)
target_include_directories(kite_sdk INTERFACE
  $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}/runtime/include>
  $<BUILD_INTERFACE:${PROJECT_BINARY_DIR}/runtime/include>
  $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}/actors/include>
  $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)
target_link_libraries(kite_sdk INTERFACE CAF::core)
target_compile_features(kite_sdk INTERFACE cxx_std_17)

set(KITE_SDK_DYNAMIC_LIST "${PROJECT_SOURCE_DIR}/cmake/kite-sdk.dynamic-list")

# Makes executable `target` export the Kite functions plugins call, and only those.
function(kite_export_sdk target)
  target_link_options(${target} PRIVATE "LINKER:--dynamic-list=${KITE_SDK_DYNAMIC_LIST}")
  set_property(TARGET ${target} APPEND PROPERTY LINK_DEPENDS "${KITE_SDK_DYNAMIC_LIST}")
endfunction()

set(kite_cmake_dir "${CMAKE_INSTALL_LIBDIR}/cmake/Kite")
# Only what <kite/kite.hpp> includes: a plugin calls the loading node's code, so the SDK holds
# no header whose functions kite-edge or kite-cloud may lack (tests/deploy/plugin_symbols.sh).
install(FILES "${PROJECT_SOURCE_DIR}/actors/include/kite/kite.hpp"
        DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}/kite" COMPONENT sdk)
install(FILES "${PROJECT_SOURCE_DIR}/actors/include/kite/actors/messages.hpp"
        DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}/kite/actors" COMPONENT sdk)
install(FILES "${PROJECT_SOURCE_DIR}/runtime/include/kite/runtime/error.hpp"
              "${PROJECT_SOURCE_DIR}/runtime/include/kite/runtime/message_types.hpp"
              "${PROJECT_SOURCE_DIR}/runtime/include/kite/runtime/plugin.hpp"
              "${PROJECT_SOURCE_DIR}/runtime/include/kite/runtime/protocol.hpp"
              "${PROJECT_SOURCE_DIR}/runtime/include/kite/runtime/registry.hpp"
              "${PROJECT_BINARY_DIR}/runtime/include/kite/runtime/version.hpp"
        DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}/kite/runtime" COMPONENT sdk)
install(TARGETS kite_sdk EXPORT KiteTargets COMPONENT sdk)
install(EXPORT KiteTargets NAMESPACE Kite:: DESTINATION "${kite_cmake_dir}" COMPONENT sdk)
configure_package_config_file("${PROJECT_SOURCE_DIR}/cmake/KiteConfig.cmake.in"
                              "${PROJECT_BINARY_DIR}/KiteConfig.cmake"
                              INSTALL_DESTINATION "${kite_cmake_dir}")
# Plugins load only into the Kite release they were built against.
write_basic_package_version_file("${PROJECT_BINARY_DIR}/KiteConfigVersion.cmake"
                                 COMPATIBILITY ExactVersion)
install(FILES "${PROJECT_BINARY_DIR}/KiteConfig.cmake" "${PROJECT_BINARY_DIR}/KiteConfigVersion.cmake"
              "${PROJECT_SOURCE_DIR}/cmake/KitePlugin.cmake" "${PROJECT_SOURCE_DIR}/cmake/FindCAF.cmake"
        DESTINATION "${kite_cmake_dir}" COMPONENT sdk)
