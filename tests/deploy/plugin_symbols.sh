#!/usr/bin/env bash
# Every Kite symbol a plugin needs must be exported by kite-edge and by kite-cloud, which link
# Kite's static libraries and export only what they linked (cmake/kite-sdk.dynamic-list).
# usage: plugin_symbols.sh "BINARY..." PLUGIN...
set -euo pipefail
binaries=$1
shift
status=0
kite_symbols='^_Z(N|NK|TIN|TSN|TVN)4kite'
for plugin in "$@"; do
  needed=$(nm -D --undefined-only "$plugin" | awk '{ print $NF }' | grep -E "$kite_symbols" || true)
  [ -n "$needed" ] || { echo "FAIL: $plugin needs no Kite symbol: is it a Kite plugin?" >&2; status=1; }
  missing=0
  for binary in $binaries; do
    defined=$(nm -D --defined-only "$binary" | awk '{ print $NF }')
    for symbol in $needed; do
      grep -qxF "$symbol" <<<"$defined" ||
        { echo "FAIL: $(basename "$binary") lacks $(c++filt "$symbol"), which $(basename "$plugin") calls" >&2; missing=1; }
    done
  done
  [ "$missing" -eq 0 ] || { status=1; continue; }
  echo "$(basename "$plugin"): $(wc -w <<<"$needed") Kite symbols, all exported by $(for b in $binaries; do basename "$b"; done | xargs)"
done
exit "$status"
