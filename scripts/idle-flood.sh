#!/usr/bin/env bash
# Issue 18 case 7 (docs/hardening.md): how long a gRPC Health check takes while many TCP sockets
# are opened to `rasad serve` and left idle. Starts a server on an empty store, opens SOCKETS
# sockets without sending a byte (non-blocking connects, held for the whole run), and checks
# Health with grpcurl once a second for DURATION seconds, printing the time since the flood
# began, the latency of the check (or "timeout" after 10 s), the descriptors the server holds
# and its CPU time so far.
#
#   scripts/idle-flood.sh          # RASAD=target/release/rasad SOCKETS=20000 DURATION=70 PORT=50157
#
# Needs grpcurl (README). The sockets are held by processes of at most 10,000 each; the server
# runs with the hard descriptor limit (`ulimit -Hn`), as the sockets' holders do.
set -euo pipefail
cd "$(dirname "$0")/.."
RASAD=${RASAD:-${CARGO_TARGET_DIR:-target}/release/rasad}
SOCKETS=${SOCKETS:-20000}
DURATION=${DURATION:-70}
PORT=${PORT:-50157}
ulimit -n "$(ulimit -Hn)"
work=$(mktemp -d)
started=()
cleanup() {
  for pid in "${started[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

check() {
  grpcurl -plaintext -max-time 10 "127.0.0.1:$PORT" grpc.health.v1.Health/Check >/dev/null 2>&1
}

"$RASAD" serve --data-dir "$work/d" --addr "127.0.0.1:$PORT" --no-http --workers 1 2>"$work/serve.log" &
server=$!
started+=("$server")
until check; do sleep 0.2; done
quiet=$(date +%s.%N)
check
printf 'server %s (%s) on 127.0.0.1:%s: Health in %.2fs before the flood; opening %s idle sockets\n' \
  "$server" "$RASAD" "$PORT" "$(echo "$(date +%s.%N) - $quiet" | bc)" "$SOCKETS"

hold() {
  python3 - "$PORT" "$1" "$((DURATION + 15))" <<'EOF' &
import socket, sys, time
port, count, hold = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
held = []
for _ in range(count):
    s = socket.socket()
    s.setblocking(False)
    s.connect_ex(("127.0.0.1", port))
    held.append(s)
time.sleep(hold)
EOF
  started+=("$!")
}
begun=$(date +%s.%N)
for ((left = SOCKETS; left > 0; left -= 10000)); do hold $((left < 10000 ? left : 10000)); done

printf '%8s %10s %6s %8s\n' since latency fds cpu_s
ticks=$(getconf CLK_TCK)
while :; do
  now=$(date +%s.%N)
  since=$(echo "$now - $begun" | bc)
  [ "$(echo "$since > $DURATION" | bc)" -eq 1 ] && break
  if check; then
    latency=$(printf '%.2fs' "$(echo "$(date +%s.%N) - $now" | bc)")
  else
    latency=timeout
  fi
  fds=$(ls "/proc/$server/fd" | wc -l)
  cpu=$(awk -v t="$ticks" '{ printf "%.1f", ($14 + $15) / t }' "/proc/$server/stat")
  printf '%7.1fs %10s %6s %8s\n' "$since" "$latency" "$fds" "$cpu"
  sleep 1
done
