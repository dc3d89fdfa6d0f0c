# `cpack` in a build directory makes kite-edge_<version>_<arch>.deb: the agent and the `kite`
# tool (keygen, validate), /etc/kite/edge.yaml and the hardened systemd unit; and
# kite-dev_<version>_all.deb: the SDK for actor plugins (cmake/KiteSdk.cmake). scripts/package-edge
# runs it for amd64 and, cross-built, arm64.
include(GNUInstallDirs)

install(TARGETS kite-edge kite RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT edge)
install(FILES ${PROJECT_SOURCE_DIR}/configs/edge.yaml DESTINATION /etc/kite COMPONENT edge)
install(FILES ${PROJECT_SOURCE_DIR}/deploy/kite-edge.service DESTINATION /lib/systemd/system
        COMPONENT edge)
install(FILES ${PROJECT_SOURCE_DIR}/docs/pipeline.md ${PROJECT_SOURCE_DIR}/docs/spool.md
        DESTINATION ${CMAKE_INSTALL_DATAROOTDIR}/doc/kite-edge COMPONENT edge)

# The package's architecture is the target's, which a cross build's toolchain names.
if(NOT KITE_DEB_ARCHITECTURE)
  if(CMAKE_SYSTEM_PROCESSOR MATCHES "^(aarch64|arm64)$")
    set(KITE_DEB_ARCHITECTURE arm64)
  elseif(CMAKE_SYSTEM_PROCESSOR MATCHES "^(x86_64|AMD64)$")
    set(KITE_DEB_ARCHITECTURE amd64)
  else()
    message(FATAL_ERROR "no Debian architecture known for ${CMAKE_SYSTEM_PROCESSOR}; "
                        "set KITE_DEB_ARCHITECTURE")
  endif()
endif()

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "Kite maintainers <kite@localhost>")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_ALL edge sdk)
set(CPACK_DEBIAN_EDGE_PACKAGE_NAME kite-edge)
set(CPACK_DEBIAN_EDGE_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_ARCHITECTURE ${KITE_DEB_ARCHITECTURE})
set(CPACK_DEBIAN_EDGE_PACKAGE_SECTION net)
string(CONCAT CPACK_COMPONENT_EDGE_DESCRIPTION
       "Kite edge agent: sensor pipelines on the robot, offload to cloud actors\n"
       "Runs the sources, stages and sinks /etc/kite/edge.yaml declares, sends offloaded work\n"
       "to Kite workers over CURVE-encrypted ZeroMQ, and keeps upload streams in an on-disk\n"
       "spool while the uplink is down.")
# Written out rather than found by dpkg-shlibdeps, which cannot see a cross build's libraries.
set(CPACK_DEBIAN_EDGE_PACKAGE_DEPENDS
    "libc6 (>= 2.36), libstdc++6 (>= 12), libgcc-s1, libcaf-core0.17 (>= 0.17.6), libzmq5 (>= 4.3), \
libfmt9, libspdlog1.10, libyaml-cpp0.7, libprometheus-cpp-core1.0, libcivetweb1, \
libsqlite3-0 (>= 3.35)")
set(CPACK_DEBIAN_EDGE_PACKAGE_CONTROL_EXTRA
    "${PROJECT_SOURCE_DIR}/deploy/debian/conffiles;${PROJECT_SOURCE_DIR}/deploy/debian/postinst;\
${PROJECT_SOURCE_DIR}/deploy/debian/prerm;${PROJECT_SOURCE_DIR}/deploy/debian/postrm")
set(CPACK_DEBIAN_EDGE_PACKAGE_CONTROL_STRICT_PERMISSION ON)

set(CPACK_DEBIAN_SDK_PACKAGE_NAME kite-dev)
set(CPACK_DEBIAN_SDK_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_SDK_PACKAGE_ARCHITECTURE all)
set(CPACK_DEBIAN_SDK_PACKAGE_SECTION libdevel)
set(CPACK_DEBIAN_SDK_PACKAGE_DEPENDS "libcaf-dev (>= 0.17.6), libcaf-dev (<< 0.17.7), cmake (>= 3.18)")
string(CONCAT CPACK_COMPONENT_SDK_DESCRIPTION
       "Kite SDK: headers and CMake package for custom actor plugins\n"
       "find_package(Kite) and kite_add_plugin() build a shared library of your own message and\n"
       "actor types, which kite-edge and kite-cloud of the same release load from the plugins:\n"
       "list of their YAML. See docs/writing-actors.md.")
include(CPack)
