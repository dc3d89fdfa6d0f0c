# Cross-compiles for 64-bit Arm Linux (Debian arm64) on an amd64 Debian host with Debian's
# crossbuild-essential-arm64 and multiarch :arm64 packages; scripts/lib/arm64.sh installs them and
# docs/deploy.md explains the layout.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_CXX_COMPILER aarch64-linux-gnu-g++)
# Makes find_library and find_package look in lib/aarch64-linux-gnu, never in x86_64-linux-gnu.
set(CMAKE_LIBRARY_ARCHITECTURE aarch64-linux-gnu)

# arm64 packages that cannot be installed into / beside their amd64 versions (CAF, yaml-cpp,
# prometheus-cpp) are unpacked into this overlay; try_compile projects need it too.
set(KITE_ARM64_SYSROOT "${CMAKE_CURRENT_LIST_DIR}/../build-arm64/sysroot"
    CACHE PATH "Overlay with the arm64 packages that are not Multi-Arch: same")
list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES KITE_ARM64_SYSROOT)

# Libraries, headers and CMake packages come from the overlay first, then from / where multiarch
# keeps the other arm64 libraries (/usr/lib/aarch64-linux-gnu); programs run on the host.
set(CMAKE_FIND_ROOT_PATH "${KITE_ARM64_SYSROOT}" /)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

# pkg-config reads only the arm64 .pc files (libzmq, sqlite3), whatever the caller's environment.
set(ENV{PKG_CONFIG_LIBDIR} "/usr/lib/aarch64-linux-gnu/pkgconfig:/usr/share/pkgconfig")
unset(ENV{PKG_CONFIG_PATH})
