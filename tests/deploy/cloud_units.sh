#!/usr/bin/env bash
# The systemd units of the worker and the placement service: systemd-analyze verify accepts them,
# with their Exec paths pointed at the built binaries, and each runs kite-cloud as it expects:
# Type=notify with a watchdog (kite-cloud sends READY=1, WATCHDOG=1 at half of WatchdogSec while
# its scheduler runs, and STOPPING=1), a command line kite-cloud takes, the config it runs is the
# one it validates, and the key it makes lies in its own state directory.
# usage: cloud_units.sh DEPLOY_DIR KITE_TOOL KITE_CLOUD
set -euo pipefail
deploy=$1
kite=$(realpath "$2")
kite_cloud=$(realpath "$3")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
status=0
fail() { echo "FAIL: $*" >&2; status=1; }

if ! command -v systemd-analyze >/dev/null; then
  echo "SKIP: systemd-analyze is not installed (Debian: systemd); the units are unchecked"
  exit 77
fi
for role in worker placement; do
  unit=$deploy/kite-$role.service
  # The unit's value of `key`, each on its own line when it is given more than once.
  value() { sed -n "s/^$1=//p" "$unit"; }

  [ "$(value Type)" = notify ] || fail "$unit: Type is not notify"
  [ "$(value NotifyAccess)" = main ] || fail "$unit: NotifyAccess is not main"
  [ -n "$(value WatchdogSec)" ] || fail "$unit: no WatchdogSec: a hung kite-cloud would never restart"
  [ "$(value Restart)" = always ] || fail "$unit: Restart is not always"
  [ "$(value DynamicUser)" = yes ] || fail "$unit: DynamicUser is not yes"
  [ "$(value ExecStart)" = "/usr/bin/kite-cloud $role --config /etc/kite/$role.yaml" ] ||
    fail "$unit: ExecStart is not kite-cloud $role --config /etc/kite/$role.yaml"
  # Exit 1 is a config kite-cloud cannot read; a command line it does not take is exit 2.
  code=0
  "$kite_cloud" "$role" --config "$work/absent.yaml" 2>"$work/$role.err" || code=$?
  [ "$code" -eq 1 ] && grep -q "cannot open the config file" "$work/$role.err" ||
    fail "kite-cloud does not take the command line of $unit: $(cat "$work/$role.err")"
  grep -qx "/usr/bin/kite validate /etc/kite/$role.yaml" <(value ExecStartPre) ||
    fail "$unit: no ExecStartPre validates /etc/kite/$role.yaml"
  state=/var/lib/$(value StateDirectory)
  grep -q "test -f $state/$role.key || exec /usr/bin/kite keygen --out $state/$role'\$" \
    <(value ExecStartPre) || fail "$unit: no ExecStartPre makes $state/$role.key"

  # verify checks that the Exec commands exist on this machine: point them at the built ones.
  sed -e "s|/usr/bin/kite-cloud |$kite_cloud |" -e "s|/usr/bin/kite |$kite |g" "$unit" \
    >"$work/kite-$role.service"
  # It exits 0 on keys it ignores and values it cannot parse: any word from it is a failure.
  if ! complaints=$(systemd-analyze verify "$work/kite-$role.service" 2>&1) ||
    [ -n "$complaints" ]; then
    fail "$unit: systemd-analyze verify: ${complaints:-exited non-zero}"
  fi
done
[ "$status" -eq 0 ] &&
  echo "PASS: systemd-analyze verify accepts kite-worker.service and kite-placement.service," \
    "and each runs, validates and keys kite-cloud as it expects"
exit "$status"
