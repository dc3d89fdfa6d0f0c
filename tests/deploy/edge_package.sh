#!/usr/bin/env bash
# The kite-edge package as a device gets it: cpack makes it from the build; it holds the agent,
# the kite tool, /etc/kite/edge.yaml (a conffile) and the systemd unit; the packaged tool accepts
# the packaged config; and systemd-analyze verify accepts the unit.
# usage: edge_package.sh BUILD_DIR
set -euo pipefail
build=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

(cd "$build" && cpack -B "$work/out" >"$work/cpack.log") || { cat "$work/cpack.log"; fail "cpack"; }
deb=$(ls "$work"/out/kite-edge_*.deb)
echo "package: $(basename "$deb"), $(stat -c %s "$deb") bytes"
info=$(dpkg-deb -I "$deb")
grep -q "^ Package: kite-edge$" <<<"$info" || fail "the package is not called kite-edge"
grep -q "^ Depends: .*libcaf-core0.17" <<<"$info" || fail "the package does not depend on CAF"
grep -qx "/etc/kite/edge.yaml" <(dpkg-deb --ctrl-tarfile "$deb" | tar -xO ./conffiles) ||
  fail "/etc/kite/edge.yaml is not a conffile"
contents=$(dpkg-deb -c "$deb")
for file in ./usr/bin/kite-edge ./usr/bin/kite ./etc/kite/edge.yaml \
  ./lib/systemd/system/kite-edge.service; do
  grep -q " $file\$" <<<"$contents" || fail "the package lacks $file"
done

# The SDK's package, beside it.
dev=$(ls "$work"/out/kite-dev_*_all.deb) || fail "no kite-dev package"
grep -q "^ Depends: .*libcaf-dev" <(dpkg-deb -I "$dev") || fail "kite-dev does not depend on libcaf-dev"
dev_contents=$(dpkg-deb -c "$dev")
for file in ./usr/include/kite/kite.hpp ./usr/include/kite/runtime/version.hpp \
  ./usr/lib/cmake/Kite/KiteConfig.cmake ./usr/lib/cmake/Kite/KitePlugin.cmake; do
  grep -q " $file\$" <<<"$dev_contents" || fail "kite-dev lacks $file"
done

dpkg-deb -x "$deb" "$work/root"
"$work/root/usr/bin/kite" validate "$work/root/etc/kite/edge.yaml"
if ! command -v systemd-analyze >/dev/null; then
  echo "SKIP: systemd-analyze is not installed"
  exit 77
fi
# verify checks that the Exec commands exist on this machine: point them at the unpacked ones.
sed "s|/usr/bin/|$work/root/usr/bin/|g" "$work/root/lib/systemd/system/kite-edge.service" \
  >"$work/kite-edge.service"
# It exits 0 on keys it ignores and values it cannot parse: any word from it is a failure.
complaints=$(systemd-analyze verify "$work/kite-edge.service" 2>&1) || fail "$complaints"
[ -z "$complaints" ] || fail "systemd-analyze verify: $complaints"
echo "PASS: the package holds what it should, and systemd-analyze verify accepts its unit"
