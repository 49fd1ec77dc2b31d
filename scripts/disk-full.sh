#!/usr/bin/env bash
# Issue 18 case 5 (docs/hardening.md): what the service says while its disk is full and after
# space is back. Mounts a tmpfs of SIZE (needs root), serves a store on it, fills the disk with
# `dd`, ingests ARTICLES (a JSON Lines file), then reports the Health status of
# rasad.v1.RasadService every second for HOLD seconds while the disk stays full, removes the
# filler, reports how long Health takes to say SERVING, and ingests the same file again.
#
#   scripts/disk-full.sh /tmp/b3k.jsonl     # RASAD=target/release/rasad SIZE=40m HOLD=15 PORT=50158
set -euo pipefail
cd "$(dirname "$0")/.."
RASAD=${RASAD:-${CARGO_TARGET_DIR:-target}/release/rasad}
ARTICLES=$1
SIZE=${SIZE:-40m}
HOLD=${HOLD:-15}
PORT=${PORT:-50158}
work=$(mktemp -d)
server=
cleanup() {
  [ -n "$server" ] && kill "$server" 2>/dev/null || true
  wait 2>/dev/null || true
  umount "$work/small" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

health() {
  grpcurl -plaintext -max-time 5 -d '{"service":"rasad.v1.RasadService"}' "127.0.0.1:$PORT" grpc.health.v1.Health/Check 2>&1 |
    grep -o 'SERVING\|NOT_SERVING\|Unavailable\|DeadlineExceeded' | head -1
}
ingest() {
  "$RASAD" ingest --server "http://127.0.0.1:$PORT" "$ARTICLES" 2>&1 | tail -2 || true
}

mkdir "$work/small"
mount -t tmpfs -o "size=$SIZE" tmpfs "$work/small"
"$RASAD" serve --data-dir "$work/small/d" --addr "127.0.0.1:$PORT" --no-http 2>"$work/serve.log" &
server=$!
until [ "$(health)" = SERVING ]; do sleep 0.2; done
dd if=/dev/zero of="$work/small/fill" bs=1M count=10000 2>/dev/null || true
echo "disk full: $(df -h --output=avail "$work/small" | tail -1) free; ingesting $ARTICLES"
ingest
for second in $(seq "$HOLD"); do
  echo "disk still full, ${second} s: Health $(health)"
  sleep 1
done
rm "$work/small/fill"
removed=$(date +%s.%N)
until [ "$(health)" = SERVING ]; do sleep 0.1; done
printf 'filler removed: Health SERVING %.1f s later\n' "$(echo "$(date +%s.%N) - $removed" | bc)"
echo "ingesting $ARTICLES again"
ingest
echo "the server's log of the store:"
sed "s/\x1b\[[0-9;]*m//g" "$work/serve.log" | grep -E "I/O error|reopen" | cut -c1-220 | sed "s/^/  /" | head -20
