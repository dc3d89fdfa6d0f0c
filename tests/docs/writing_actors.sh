#!/usr/bin/env bash
# Runs every shell block of docs/writing-actors.md, in order, in one shell, as a reader would:
# from a Kite root whose build/ is this build, with a scratch $HOME. Then checks what the
# tutorial promises, and that its C++ listing is the template's source.
# usage: writing_actors.sh SOURCE_DIR BUILD_DIR
set -euo pipefail
src=$(cd "$1" && pwd)
build=$(cd "$2" && pwd)
doc=$src/docs/writing-actors.md

scratch=$(mktemp -d /tmp/kite-tutorial.XXXXXX)
cleanup() {
  # The tutorial stops its worker; this is for a run that failed before it did.
  pkill -f "$scratch/root/build/cloud/kite-cloud" 2>/dev/null || true
  [ -n "${KEEP:-}" ] || rm -rf "$scratch"
}
trap cleanup EXIT
mkdir -p "$scratch/root" "$scratch/home"
ln -s "$build" "$scratch/root/build"
ln -s "$src/examples" "$scratch/root/examples"

# The ```sh blocks, joined; a failing command stops the script (set -e).
{
  echo 'set -euo pipefail'
  awk '/^```sh$/ {on = 1; next} /^```$/ {on = 0} on' "$doc"
} > "$scratch/tutorial.sh"
[ "$(grep -c . "$scratch/tutorial.sh")" -gt 10 ] || { echo "no shell blocks in $doc" >&2; exit 1; }

cd "$scratch/root"
# Bounded: an agent that never gets its answers would otherwise wait for the test's timeout.
HOME=$scratch/home timeout 240 bash "$scratch/tutorial.sh" > "$scratch/out.txt" 2>&1 || {
  cat "$scratch/out.txt"
  echo "FAIL: the tutorial's commands failed (output above)" >&2
  exit 1
}
cat "$scratch/out.txt"

fail() { echo "FAIL: $*" >&2; exit 1; }
work=$scratch/home/hello-kite
grep -q 'answered (hello.peak_report("robot-1", 50, 0\.[0-9]*))' "$work/edge.log" ||
  fail "no answer counts robot-1's 50 samples with a peak below 1"
grep -q "loaded plugin hello-build/hello_kite.so" "$work/worker.log" || fail "worker: no plugin"
grep -q "activated logical actor (hello.peak, robot-1)" "$work/worker.log" ||
  fail "the actor did not run on the worker"
# The listing in the doc is the template's code, byte for byte.
awk '/^```cpp$/ {on = 1; next} /^```$/ {on = 0} on' "$doc" > "$scratch/listing.cpp"
diff -u "$src/examples/actor-template/src/peak.cpp" "$scratch/listing.cpp" ||
  fail "docs/writing-actors.md's listing differs from examples/actor-template/src/peak.cpp"
echo "tutorial: every command ran, and the robot got all 50 answers from the cloud"
