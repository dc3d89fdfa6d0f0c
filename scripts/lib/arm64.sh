# Shared by scripts/test and scripts/lib/run-arm64: an arm64 (aarch64) cross build of Kite with
# Debian multiarch, run under qemu-user on this amd64 host. See docs/deploy.md.
# shellcheck shell=bash

source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

KITE_BUILD_ARM64=${KITE_BUILD_ARM64:-$KITE_ROOT/build-arm64}
# arm64 packages that cannot be installed into / beside their amd64 versions are unpacked here.
KITE_ARM64_SYSROOT=${KITE_ARM64_SYSROOT:-$KITE_BUILD_ARM64/sysroot}

# The cross compiler, and qemu-aarch64 to run what it builds.
KITE_ARM64_TOOLS=(crossbuild-essential-arm64 qemu-user)

# Multi-Arch: same, so apt installs their arm64 versions into /usr/lib/aarch64-linux-gnu beside
# the amd64 ones. The last four are what the overlay's prometheus-cpp and CAF link or look for.
KITE_ARM64_PACKAGES=(
  libzmq3-dev cppzmq-dev libfmt-dev libspdlog-dev libsqlite3-dev
  libcivetweb-dev zlib1g-dev libcurl4-openssl-dev libssl3
)

# Not Multi-Arch: same (prometheus-cpp-dev is, but needs civetweb, which is not): installing
# their arm64 versions would remove the amd64 ones. Their CMake configs point at libraries next to
# themselves, so the runtime libraries they pin are unpacked with them.
KITE_ARM64_OVERLAY=(
  libcaf-dev libcaf-core0.17 libcaf-io0.17 libcaf-openssl0.17
  libyaml-cpp-dev libyaml-cpp0.7
  prometheus-cpp-dev libprometheus-cpp-core1.0 libprometheus-cpp-pull1.0 libprometheus-cpp-push1.0
)

kite_installed() {
  dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "ok installed"
}

# Installs the cross tools, qemu and the arm64 packages, then unpacks the overlay; skips what is
# already there. Non-zero when something cannot be had (not root, no network).
kite_install_arm64() {
  local missing=()
  for p in "${KITE_ARM64_TOOLS[@]}"; do kite_installed "$p" || missing+=("$p"); done
  for p in "${KITE_ARM64_PACKAGES[@]}"; do kite_installed "$p:arm64" || missing+=("$p:arm64"); done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "==> installing the arm64 cross toolchain and packages: ${missing[*]}"
    if [ "$(id -u)" -ne 0 ]; then
      echo "error: missing packages and not root; run as root or: apt-get install ${missing[*]}" >&2
      return 1
    fi
    export DEBIAN_FRONTEND=noninteractive
    if ! dpkg --print-foreign-architectures | grep -qx arm64; then
      dpkg --add-architecture arm64
    fi
    apt-get update -qq || return 1
    # Multi-Arch: same packages must match their amd64 versions, so apt may upgrade amd64 ones;
    # it must never remove one (the native build needs them all).
    local removals
    removals=$(apt-get install -s --no-install-recommends "${missing[@]}" | grep '^Remv' || true)
    if [ -n "$removals" ]; then
      echo "error: installing the arm64 packages would remove:" >&2
      echo "$removals" >&2
      return 1
    fi
    apt-get install -y -qq --no-install-recommends "${missing[@]}" || return 1
  fi
  kite_unpack_arm64_overlay
}

# Downloads the overlay's .debs into $KITE_BUILD_ARM64/debs and unpacks each once into
# $KITE_ARM64_SYSROOT (never into /: dpkg would replace the amd64 packages).
kite_unpack_arm64_overlay() {
  local debs=$KITE_BUILD_ARM64/debs
  local unpacked=$KITE_ARM64_SYSROOT/.unpacked
  mkdir -p "$debs" "$unpacked"
  local wanted=()
  for p in "${KITE_ARM64_OVERLAY[@]}"; do
    compgen -G "$debs/${p}_*_arm64.deb" >/dev/null || wanted+=("$p:arm64")
  done
  if [ ${#wanted[@]} -gt 0 ]; then
    echo "==> downloading into the arm64 overlay: ${wanted[*]}"
    # As root, apt hands downloads to the _apt user, which cannot write into the build tree.
    (cd "$debs" && apt-get download -qq -o APT::Sandbox::User="$(id -un)" "${wanted[@]}") ||
      return 1
  fi
  for deb in "$debs"/*_arm64.deb; do
    local name
    name=$(basename "$deb")
    [ -e "$unpacked/$name" ] && continue
    dpkg-deb -x "$deb" "$KITE_ARM64_SYSROOT" || return 1
    touch "$unpacked/$name"
  done
}

# Configures $KITE_BUILD_ARM64 with the aarch64 toolchain file and builds the given targets (all
# when none are given). Tests and benchmarks stay off: they run on the build host.
kite_build_arm64() {
  echo "==> configuring the arm64 cross build in $KITE_BUILD_ARM64"
  cmake -S "$KITE_ROOT" -B "$KITE_BUILD_ARM64" -G Ninja \
    -DCMAKE_TOOLCHAIN_FILE="$KITE_ROOT/cmake/toolchain-aarch64.cmake" \
    -DKITE_ARM64_SYSROOT="$KITE_ARM64_SYSROOT" \
    -DCMAKE_BUILD_TYPE="${KITE_BUILD_TYPE_ARM64:-Release}" -DKITE_TESTS=OFF -DKITE_BENCH=OFF \
    >/dev/null
  echo "==> building ${*:-everything} for arm64"
  local targets=()
  for t in "$@"; do targets+=(--target "$t"); done
  cmake --build "$KITE_BUILD_ARM64" -j "$(nproc)" "${targets[@]}"
}
