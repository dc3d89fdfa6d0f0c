# Shared by scripts/test and scripts/demo: install Debian packages, then configure and build.
# shellcheck shell=bash

KITE_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
KITE_BUILD=${KITE_BUILD:-$KITE_ROOT/build}

# Everything the build and the tests need, all from Debian 12 (the fuzzer's clang is extra:
# see docs/fuzzing.md). Not kubernetes-client, whose kubectl the Kubernetes manifests' test
# uses: apt refuses it where another kubectl package owns /usr/bin/kubectl, as on the development
# machines; that test takes any kubectl and is skipped without one.
KITE_PACKAGES=(
  build-essential cmake ninja-build pkg-config ccache
  libcaf-dev cppzmq-dev libzmq3-dev libfmt-dev libspdlog-dev catch2 libyaml-cpp-dev
  prometheus-cpp-dev libcivetweb-dev libsqlite3-dev libeigen3-dev zlib1g-dev systemd python3
  chromium   # renders the placement service's status page in a test
  prometheus # the Grafana dashboard's test runs its queries on one (docs/operations.md)
)

kite_install_packages() {
  local missing=()
  for p in "${KITE_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "==> installing Debian packages: ${missing[*]}"
  if [ "$(id -u)" -ne 0 ]; then
    echo "error: missing packages and not root; run as root or: apt-get install ${missing[*]}" >&2
    return 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

# Configures the build directory and builds the given targets (all when none are given).
kite_build() {
  echo "==> configuring in $KITE_BUILD"
  # KITE_CMAKE_ARGS adds settings, such as -DKITE_TESTS=OFF for a package build.
  # shellcheck disable=SC2086
  cmake -S "$KITE_ROOT" -B "$KITE_BUILD" -G Ninja \
    -DCMAKE_BUILD_TYPE="${KITE_BUILD_TYPE:-RelWithDebInfo}" -DKITE_TESTS=ON \
    ${KITE_CMAKE_ARGS:-} >/dev/null
  echo "==> building ${*:-everything}"
  local targets=()
  for t in "$@"; do targets+=(--target "$t"); done
  cmake --build "$KITE_BUILD" -j "$(nproc)" "${targets[@]}"
}
