#!/usr/bin/env bash
# The robotics demo on loopback, from an existing build: the placement service, two workers that
# load the robotics plugin, and ROBOTS robots, each a kite-robot-sim (the robot's drivers) and a
# kite-edge (its agent). On the edge: an emergency stop on every LiDAR scan, local and never
# waiting for the network. In the cloud: robotics.mapper per robot, fed through the spool, its
# corrected poses streamed back. The cloud is unreachable for OUTAGE_FOR seconds from OUTAGE_AT
# (both workers paused; OUTAGE_FOR=0 skips it), and worker-1 is killed halfway (KILL_WORKER=no
# keeps it).
# Prints a summary and writes each robot's map as a PNG. With CHECK=yes it fails unless every
# robot's corrected pose beat its odometry, every scan got its pose, and its emergency stop
# fired for the person, short of them.
# usage: examples/robotics/demo.sh BUILD_DIR   (scripts/demo builds, then runs this)
set -euo pipefail

build=$(cd "${1:?usage: demo.sh BUILD_DIR}" && pwd)
ROBOTS=${ROBOTS:-3}
DURATION=${DURATION:-30}
PERSON_AT=${PERSON_AT:-6}
KILL_WORKER=${KILL_WORKER:-yes}
OUTAGE_AT=${OUTAGE_AT:-$(awk -v d="$DURATION" 'BEGIN { print d / 6 }')}
OUTAGE_FOR=${OUTAGE_FOR:-3}
CHECK=${CHECK:-no}
work=${DEMO_DIR:-$(mktemp -d /tmp/kite-demo.XXXXXX)}
mkdir -p "$work"
plugin=$build/examples/robotics/kite-robotics.so

pids=()
cleanup() {
  # Continued first: a paused worker would keep its SIGTERM pending, and wait would hang.
  for pid in "${pids[@]}"; do kill -CONT "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT

kite() { "$build/runtime/kite" "$@"; }

# Waits up to 15 s for `file` to be non-empty; fails naming `what` and showing `log`.
wait_for_file() {
  local file=$1 what=$2 log=$3
  for _ in $(seq 1 150); do [ -s "$file" ] && return 0; sleep 0.1; done
  echo "error: $what did not start:" >&2
  cat "$log" >&2
  exit 1
}

# The quoted public keys of `names`, as a YAML list.
keys_of() {
  local out=() name
  for name in "$@"; do out+=("\"$(cat "$work/$name.pub")\""); done
  (IFS=,; echo "[${out[*]}]")
}

robots=()
for r in $(seq 1 "$ROBOTS"); do robots+=("robot-$r"); done
# operator: the key `kite status` asks the placement service with.
for name in placement worker-1 worker-2 operator "${robots[@]}"; do
  kite keygen --out "$work/$name" >/dev/null
done

cat >"$work/placement.yaml" <<YAML
kind: placement
node_id: placement
bind: tcp://127.0.0.1:*
rebalance_interval: 200ms
worker_timeout: 2s
hysteresis: { min_gain: 2ms, min_gain_ratio: 0.2, sustain: 1s, max_moves_per_s: 20 }
types:
  robotics.mapper: { pin: cloud, request_bytes: 1500, reply_bytes: 200 }
metrics: { listen: 127.0.0.1:0 }   # /metrics, /healthz, /readyz and the /status page
status_page: true
security:
  secret_key_file: $work/placement.key
  allow: $(keys_of worker-1 worker-2 operator "${robots[@]}")
YAML
"$build/cloud/kite-cloud" placement --config "$work/placement.yaml" \
  --ready-file "$work/placement.ready" 2>"$work/placement.log" &
pids+=($!)
wait_for_file "$work/placement.ready" placement "$work/placement.log"
status_page=$(sed -n 's|.*metrics on \(http://[0-9.:]*\)/metrics.*|\1/status|p' "$work/placement.log")

placement_link="placement: { endpoint: $(cat "$work/placement.ready"), \
server_key: \"$(cat "$work/placement.pub")\", report_interval: 200ms }"

worker_pids=()
for w in 1 2; do
  cat >"$work/worker-$w.yaml" <<YAML
kind: worker
node_id: worker-$w
bind: tcp://127.0.0.1:*
plugins: [$plugin]
snapshots: { every_messages: 20, interval: 1s }   # a mapper moves with at most 2 s of scans lost
$placement_link
security:
  secret_key_file: $work/worker-$w.key
  allow: $(keys_of "${robots[@]}")
YAML
  "$build/cloud/kite-cloud" worker --config "$work/worker-$w.yaml" \
    --ready-file "$work/worker-$w.ready" 2>"$work/worker-$w.log" &
  pids+=($!)
  worker_pids+=($!)
  wait_for_file "$work/worker-$w.ready" "worker-$w" "$work/worker-$w.log"
done
echo "==> placement and two workers up; starting ${#robots[@]} robots for $DURATION s"
echo "    live status page: $status_page"

sims=()
edges=()
for r in $(seq 1 "$ROBOTS"); do
  robot=robot-$r
  "$build/examples/robotics/kite-robot-sim" --seed "$r" --duration "$DURATION" \
    --person-at "$PERSON_AT" --alarms-on 127.0.0.1:0 --poses-on 127.0.0.1:0 \
    --ready-file "$work/$robot.sim-ready" --targets "$work/$robot.targets" \
    --summary "$work/$robot.json" --png "$work/$robot.png" >/dev/null 2>"$work/$robot.sim.log" &
  pids+=($!)
  sims+=($!)
  wait_for_file "$work/$robot.sim-ready" "$robot's simulator" "$work/$robot.sim.log"
  { read -r alarms; read -r poses; } <"$work/$robot.sim-ready"
  mkdir -p "$work/$robot-spool"
  cat >"$work/$robot.yaml" <<YAML
kind: edge
node_id: $robot
plugins: [$plugin]
$placement_link
upstreams:
  - { endpoint: $(cat "$work/worker-1.ready"), server_key: "$(cat "$work/worker-1.pub")" }
  - { endpoint: $(cat "$work/worker-2.ready"), server_key: "$(cat "$work/worker-2.pub")" }
spool: { directory: $work/$robot-spool }
security:
  secret_key_file: $work/$robot.key
pipeline:
  sources:
    lidar: { kind: udp, listen: 127.0.0.1:0, to: [ahead, mapper] }
    imu: { kind: udp, listen: 127.0.0.1:0, to: motion }
    odometry: { kind: udp, listen: 127.0.0.1:0, to: wheels }
  stages:
    # The emergency stop: the nearest return within 10 degrees of straight ahead (beams 170 to
    # 190, after the scan's 4 header channels) closer than 35 cm. Only the newest scan matters.
    ahead: { kind: threshold, channels: [174, 194], reduce: min, below: 0.35, hysteresis: 0.1,
             to: stop, queue: { capacity: 2, when_full: drop_oldest } }
    # Scan matching and mapping in the cloud, through the spool; corrected poses come back.
    mapper: { kind: offload, type: robotics.mapper, upload: true, max_in_flight: 20,
              answers: samples, to: pose }
    motion: { kind: window, size: 40, channel: 0, to: turning }
    wheels: { kind: downsample, every: 50, to: odometry_log }
  sinks:
    stop: { kind: udp_send, target: $alarms }
    pose: { kind: udp_send, target: $poses }
    turning: { kind: log, level: debug }
    odometry_log: { kind: log, level: debug }
YAML
  "$build/edge/kite-edge" --config "$work/$robot.yaml" 2>"$work/$robot.log" &
  pids+=($!)
  edges+=($!)
  # The agent's sources bind free ports and log them; the simulator sends there.
  for _ in $(seq 1 150); do
    [ "$(grep -c "listening for samples on udp port" "$work/$robot.log")" -ge 3 ] && break
    sleep 0.1
  done
  for source in lidar imu odometry; do
    port=$(sed -n "s/.*$source: listening for samples on udp port \([0-9]*\).*/\1/p" \
      "$work/$robot.log")
    [ -n "$port" ] || { echo "error: $robot's agent did not start:" >&2; cat "$work/$robot.log" >&2; exit 1; }
    echo "$source 127.0.0.1:$port"
  done >"$work/$robot.targets.tmp"
  mv "$work/$robot.targets.tmp" "$work/$robot.targets"
done

# Seconds since the robots started, and a sleep until `at` of them.
started=$(date +%s.%N)
sleep_until() { sleep "$(awk -v at="$1" -v s="$started" -v now="$(date +%s.%N)" \
  'BEGIN { d = s + at - now; print (d > 0 ? d : 0) }')"; }
if awk -v f="$OUTAGE_FOR" 'BEGIN { exit !(f > 0) }'; then
  # The robots' uplink is gone: their links time out, scans wait in their spools, and the stop
  # on the edge goes on; then the workers come back, and the spools drain in order.
  sleep_until "$OUTAGE_AT"
  kill -STOP "${worker_pids[@]}"
  echo "==> the cloud is unreachable for $OUTAGE_FOR s: both workers paused (SIGSTOP)"
  sleep "$OUTAGE_FOR"
  kill -CONT "${worker_pids[@]}"
  echo "==> the cloud is back (SIGCONT): the robots' spools drain"
fi
if [ "$KILL_WORKER" = yes ]; then
  sleep_until "$(awk -v d="$DURATION" 'BEGIN { print d / 2 }')"
  { kill -9 "${worker_pids[0]}" && wait "${worker_pids[0]}"; } 2>/dev/null || true
  echo "==> killed worker-1 (kill -9) halfway: its robots' mappers move to worker-2 from their"
  echo "    last snapshots, and the scans since then drain from the robots' spools"
fi
# The cluster as an operator sees it, late in the run: after the outage and the killed worker.
sleep_until "$(awk -v d="$DURATION" 'BEGIN { print d * 0.8 }')"
kite status --placement "$(cat "$work/placement.ready")" --server-key "$work/placement.pub" \
  --key "$work/operator.key" >"$work/status.txt" 2>&1 || true
status=0
for pid in "${sims[@]}"; do wait "$pid" || status=1; done
for pid in "${edges[@]}"; do kill -TERM "$pid" 2>/dev/null || true; wait "$pid" || true; done
for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
wait 2>/dev/null || true
pids=()

# A number from a robot's summary: field `key` of its JSON.
field() { sed -n "s/.*\"$2\": \([^,}]*\).*/\1/p" "$work/$1.json" | head -n 1; }
count() { grep -c "$1" "$2" 2>/dev/null || true; }

echo
echo "==> summary ($work)"
printf '%-8s %7s %6s %9s %9s %17s %17s %6s %s\n' robot samples poses "rtt p50" "rtt p99" \
  "pose err: cloud" "odometry" stops "scan-to-stop"
for robot in "${robots[@]}"; do
  if [ ! -s "$work/$robot.json" ]; then
    echo "$robot: no summary (see $work/$robot.sim.log)"
    status=1
    continue
  fi
  samples=$(($(field "$robot" scans) + $(field "$robot" imu_readings) + $(field "$robot" odometry_readings)))
  # A run too short for the person to appear has no stops: grep finds none, which is no error.
  latencies=$({ grep -o '"scan_to_stop_ms": [0-9.-]*' "$work/$robot.json" || true; } |
    awk '{ printf "%s%s ms", sep, $2; sep=", " }')
  printf '%-8s %7s %6s %6s ms %6s ms %8s m mean %8s m mean %6s %s\n' "$robot" "$samples" \
    "$(field "$robot" poses)" "$(field "$robot" round_trip_p50_ms)" \
    "$(field "$robot" round_trip_p99_ms)" "$(field "$robot" corrected_error_mean_m)" \
    "$(field "$robot" odometry_error_mean_m)" "$({ grep -o '"for_person"' "$work/$robot.json" || true; } | wc -l)" \
    "${latencies:-none}"
done
moves=0
for robot in "${robots[@]}"; do moves=$((moves + $(count "moved (robotics.mapper" "$work/$robot.log"))); done
activations=$(cat "$work"/worker-*.log | grep -c "activated logical actor (robotics.mapper" || true)
restores=$(cat "$work"/worker-*.log | grep -c "from its last snapshot" || true)
echo "placement: $activations mapper activations, $restores from a snapshot, $moves moves seen by robots"
for w in 1 2; do
  grep -o "worker 'worker-$w' stopped: .*" "$work/worker-$w.log" | sed 's/^/  /' ||
    echo "  worker-$w: no summary (killed)"
done
echo "maps: $work/robot-*.png (green: truth, red: odometry, blue: corrected by the cloud)"
echo
echo "==> kite status at $(awk -v d="$DURATION" 'BEGIN { print d * 0.8 }') s:"
sed 's/^/  /' "$work/status.txt"

if [ "$CHECK" = yes ]; then
  for robot in "${robots[@]}"; do
    [ -s "$work/$robot.json" ] || continue
    ok=$(awk -v c="$(field "$robot" corrected_error_mean_m)" -v o="$(field "$robot" odometry_error_mean_m)" \
      -v p="$(field "$robot" poses)" 'BEGIN { print (p > 0 && c < o) ? "yes" : "no" }')
    [ "$ok" = yes ] || { echo "CHECK FAILED: $robot's corrected pose is not better than odometry" >&2; status=1; }
    [ "$(field "$robot" poses)" = "$(field "$robot" scans)" ] ||
      { echo "CHECK FAILED: $robot sent $(field "$robot" scans) scans but got $(field "$robot" poses) poses back" >&2; status=1; }
    grep -q '"for_person": true' "$work/$robot.json" ||
      { echo "CHECK FAILED: $robot's emergency stop did not fire for the person" >&2; status=1; }
    closest=$(field "$robot" closest_to_person_m)
    awk -v d="$closest" 'BEGIN { exit !(d > 0.25) }' ||
      { echo "CHECK FAILED: $robot came within $closest m of the person" >&2; status=1; }
  done
  [ "$status" -eq 0 ] && echo "CHECK passed: every robot's cloud-corrected pose beat its odometry, every scan got its pose, and its stop fired for the person, short of them"
fi
exit "$status"
