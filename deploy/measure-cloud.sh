#!/usr/bin/env bash
# Measures what the cloud processes use under the robotics demo's load, for the resource requests
# and limits of deploy/kubernetes/ and the sizing in docs/deploy.md: it runs
# examples/robotics/demo.sh (no outage, no worker killed) and samples each kite-cloud process's
# CPU time and resident memory from /proc every 0.5 s.
# Prints, per process: its peak RSS (VmHWM), its mean CPU from the robots' start to their end, and
# its busiest second, in cores.
# usage: deploy/measure-cloud.sh BUILD_DIR   (ROBOTS and DURATION as for demo.sh; 3 and 30)
set -euo pipefail
build=$(cd "${1:?usage: measure-cloud.sh BUILD_DIR}" && pwd)
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d /tmp/kite-measure.XXXXXX)
tick=$(getconf CLK_TCK)

DEMO_DIR=$work/demo OUTAGE_FOR=0 KILL_WORKER=no "$root/examples/robotics/demo.sh" "$build" \
  >"$work/demo.out" 2>&1 &
demo=$!

# One line per process: time, name, CPU ticks (user + system) and VmHWM in kB.
sample() {
  local now pid name
  now=$(date +%s.%N)
  for pid in $(pgrep -f "kite-cloud .*--config $work/demo/" || true); do
    name=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null |
      sed -n 's|.*/demo/\([^ ]*\)\.yaml.*|\1|p')
    [ -n "$name" ] || continue
    echo "$now $name $(awk '{ print $14 + $15 }' "/proc/$pid/stat" 2>/dev/null)" \
      "$(awk '/^VmHWM/ { print $2 }' "/proc/$pid/status" 2>/dev/null)"
  done
}
# The robots run between the demo's "starting ... robots" line and its summary.
while kill -0 "$demo" 2>/dev/null && ! grep -q "==> summary" "$work/demo.out"; do
  grep -q "starting .* robots" "$work/demo.out" && sample >>"$work/samples"
  sleep 0.5
done
wait "$demo" || { cat "$work/demo.out"; echo "error: the demo failed" >&2; exit 1; }
grep -A20 "==> summary" "$work/demo.out"

echo
echo "==> kite-cloud under ${ROBOTS:-3} robots for ${DURATION:-30} s (samples: $work/samples)"
printf '%-10s %12s %16s %18s\n' process "peak RSS" "mean CPU" "busiest second"
awk -v tick="$tick" '
  # Fields: time, name, CPU ticks, VmHWM; fewer when the process ended while it was read.
  NF == 4 {
    n = $2
    if (!(n in first_t)) { first_t[n] = $1; first_c[n] = $3; win_t[n] = $1; win_c[n] = $3 }
    last_t[n] = $1; last_c[n] = $3
    if ($4 > hwm[n]) hwm[n] = $4
    # The busiest second: CPU over each window of at least one second between two samples.
    if ($1 - win_t[n] >= 1) {
      rate = ($3 - win_c[n]) / tick / ($1 - win_t[n])
      if (rate > busiest[n]) busiest[n] = rate
      win_t[n] = $1; win_c[n] = $3
    }
  }
  END {
    for (n in last_t)
      printf "%-10s %8.1f MiB %10.3f cores %12.3f cores\n", n, hwm[n] / 1024,
             (last_c[n] - first_c[n]) / tick / (last_t[n] - first_t[n]), busiest[n]
  }' "$work/samples" | sort
