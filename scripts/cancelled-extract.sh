#!/usr/bin/env bash
# Issue 18 case 3 (docs/hardening.md): whether `--workers` still bounds the CPU when Extract
# calls go away before their answer. Starts `rasad serve --workers 1` on an empty store and has
# CALLERS callers send the issue's slow article ("التقى " 95,000 times, 1,045,000 bytes: about
# 0.15 s of extraction now) CALLS times each, every call with a deadline of DEADLINE_MS, shorter
# than the extraction, so that none is answered. Prints how the calls ended, when the callers were
# done and when the server was idle again (work for calls long gone runs on in between), the CPU
# time the server spent and the cores it kept busy on average (at most 1 when its one worker
# bounds the work; the callers share the cores), and its rasad_extractions_cancelled_total.
#
#   scripts/cancelled-extract.sh   # RASAD=target/release/rasad CALLERS=6 CALLS=40 DEADLINE_MS=60 PORT=50158
#
# Needs Python's grpcio (clients/python/requirements.txt). The callers run on the same machine, so
# only the server's own CPU time counts.
set -euo pipefail
cd "$(dirname "$0")/.."
RASAD=${RASAD:-${CARGO_TARGET_DIR:-target}/release/rasad}
CALLERS=${CALLERS:-6}
CALLS=${CALLS:-40}
DEADLINE_MS=${DEADLINE_MS:-60}
PORT=${PORT:-50158}
HTTP_PORT=$((PORT + 1))
work=$(mktemp -d)
data=$work/d
. scripts/rss-common.sh

python3 - "$work/article.bin" <<'EOF'
import sys

def field(number, value):
    # A length-delimited protobuf field: key, varint length, bytes.
    out, n = bytearray([number << 3 | 2]), len(value)
    while n >= 0x80:
        out.append(n & 0x7F | 0x80)
        n >>= 7
    out.append(n)
    return bytes(out) + value

body = ("التقى " * 95_000).encode()
open(sys.argv[1], "wb").write(field(1, b"repeat") + field(2, body) + field(3, b"2019-05-14"))
EOF

serve --http-addr "127.0.0.1:$HTTP_PORT" --workers 1
ticks=$(getconf CLK_TCK)
cpu() { awk -v t="$ticks" '{ printf "%.2f", ($14 + $15) / t }' "/proc/$server/stat"; }
echo "server $server ($RASAD) on 127.0.0.1:$PORT, --workers 1: $CALLERS callers x $CALLS calls, deadline ${DEADLINE_MS} ms"

before=$(cpu)
begun=$(date +%s.%N)
python3 - "$PORT" "$work/article.bin" "$CALLERS" "$CALLS" "$DEADLINE_MS" <<'EOF'
import collections, sys, threading
import grpc
port, article, callers, calls, deadline = sys.argv[1], open(sys.argv[2], "rb").read(), *map(int, sys.argv[3:])
ended = collections.Counter()
lock = threading.Lock()

def caller():
    channel = grpc.insecure_channel(f"127.0.0.1:{port}", options=[("grpc.max_send_message_length", 8 << 20)])
    extract = channel.unary_unary("/rasad.v1.RasadService/Extract")
    for _ in range(calls):
        try:
            extract(article, timeout=deadline / 1000)
            code = "OK"
        except grpc.RpcError as e:
            code = e.code().name
        with lock:
            ended[code] += 1

threads = [threading.Thread(target=caller) for _ in range(callers)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print("calls:", ", ".join(f"{n} {code}" for code, n in ended.most_common()))
EOF
called=$(echo "$(date +%s.%N) - $begun" | bc)
# Extractions still running for calls already gone count too: the run lasts until the server's
# CPU time stops growing (2 s without a tick).
busy_until=$(date +%s.%N)
idle=0
while [ "$idle" -lt 4 ]; do
  last=$(cpu)
  sleep 0.5
  if [ "$(cpu)" = "$last" ]; then idle=$((idle + 1)); else idle=0 busy_until=$(date +%s.%N); fi
done
wall=$(echo "$busy_until - $begun" | bc)
spent=$(echo "$(cpu) - $before" | bc)
printf 'callers done after %.1f s, server idle after %.1f s; server CPU %.1f s: %.2f cores on average\n' \
  "$called" "$wall" "$spent" "$(echo "$spent / $wall" | bc -l)"
curl -s "127.0.0.1:$HTTP_PORT/metrics" | grep -E '^rasad_extractions_cancelled_total|^rasad_extraction_seconds_count' || true
