#!/usr/bin/env bash
# The memory of replaying the whole update log (docs/hardening.md, "Replaying the whole log"):
# fills a store with ARTICLES articles through `rasad bench`, restarts the server on it, then runs
# `rasad subscribe --after 0` to the end REPLAYS times, one after the other, and prints the
# server's resident memory (ps -o rss) when fresh, every second of each replay (with the updates
# received so far), 10 s after each replay, and the peak (VmHWM).
#
#   scripts/replay-rss.sh          # RASAD=target/release/rasad ARTICLES=30000 REPLAYS=2 PORT=50170
#
# A replay has ended when its output stops growing for 3 s: a subscription stays open for live
# updates, so it is then stopped.
set -euo pipefail
cd "$(dirname "$0")/.."
RASAD=${RASAD:-${CARGO_TARGET_DIR:-target}/release/rasad}
ARTICLES=${ARTICLES:-30000}
REPLAYS=${REPLAYS:-2}
PORT=${PORT:-50170}
server_url=http://127.0.0.1:$PORT
work=$(mktemp -d)
server=
cleanup() {
  [ -n "$server" ] && kill "$server" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

serve() {
  "$RASAD" serve --data-dir "$work/store" --addr "127.0.0.1:$PORT" --no-http 2>>"$work/serve.log" &
  server=$!
  until grep -q ' serving' "$work/serve.log"; do sleep 0.2; done
}
rss() { echo "$(( $(ps -o rss= -p "$server") / 1024 )) MB"; }

serve
"$RASAD" bench --server "$server_url" --articles "$ARTICLES" --subscribers 0 --texts seeds/seeds.jsonl | tail -3
kill "$server"
wait "$server" 2>/dev/null || true
: >"$work/serve.log"
serve
sleep 2
echo "fresh server $server ($RASAD): $(rss)"
for replay in $(seq "$REPLAYS"); do
  out=$work/replay$replay
  "$RASAD" subscribe --server "$server_url" --after 0 >"$out" 2>/dev/null &
  subscriber=$!
  seen=-1 still=0 second=0
  while [ "$still" -lt 3 ]; do
    sleep 1
    second=$((second + 1))
    lines=$(wc -l <"$out")
    echo "replay $replay, ${second} s: $lines updates, $(rss)"
    if [ "$lines" -eq "$seen" ] && [ "$lines" -gt 0 ]; then still=$((still + 1)); else still=0; fi
    seen=$lines
  done
  kill "$subscriber"
  wait "$subscriber" 2>/dev/null || true
  sleep 10
  echo "after replay $replay ($seen updates), 10 s later: $(rss)"
done
echo "peak: $(awk '/VmHWM/ { print int($2 / 1024) " MB" }' "/proc/$server/status")"
