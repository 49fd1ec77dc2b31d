#!/usr/bin/env bash
# The memory of one Subscribe with a snapshot (docs/hardening.md, "Snapshots"): fills a store with
# ARTICLES articles through `rasad bench`, published over DAYS days (or takes the store in DATA as it is), restarts the
# server on it, then runs one `rasad subscribe --snapshot` to the end and prints the server's
# resident memory (ps -o rss) when fresh, every half second of the snapshot (with the updates
# received so far), and the peak (VmHWM), and how many SNAPSHOT updates arrived.
#
#   scripts/snapshot-rss.sh        # RASAD=target/release/rasad ARTICLES=15000 DAYS=3650 PORT=50180 DATA=
#
# With DATA set, a store already there is used as it is and a new one is kept there, so that two
# binaries can be measured on the same store. The snapshot has ended when the output stops
# growing for 3 s: the subscription stays open for live updates, so it is then stopped.
set -euo pipefail
cd "$(dirname "$0")/.."
RASAD=${RASAD:-${CARGO_TARGET_DIR:-target}/release/rasad}
ARTICLES=${ARTICLES:-15000}
DAYS=${DAYS:-3650}
PORT=${PORT:-50180}
server_url=http://127.0.0.1:$PORT
work=$(mktemp -d)
data=${DATA:-$work/store}
server=
cleanup() {
  [ -n "$server" ] && kill "$server" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

serve() {
  "$RASAD" serve --data-dir "$data" --addr "127.0.0.1:$PORT" --no-http 2>>"$work/serve.log" &
  server=$!
  until grep -q ' serving' "$work/serve.log"; do sleep 0.2; done
}
rss() { echo "$(( $(ps -o rss= -p "$server") / 1024 )) MB"; }

if [ ! -e "$data/rasad.redb" ]; then
  serve
  "$RASAD" bench --server "$server_url" --articles "$ARTICLES" --subscribers 0 --texts seeds/seeds.jsonl --days "$DAYS" | tail -3
  kill "$server"
  wait "$server" 2>/dev/null || true
  : >"$work/serve.log"
fi
serve
sleep 2
echo "fresh server $server ($RASAD): $(rss)"
out=$work/snapshot
"$RASAD" subscribe --server "$server_url" --snapshot >"$out" 2>/dev/null &
subscriber=$!
seen=-1 still=0 tick=0
while [ "$still" -lt 6 ]; do
  sleep 0.5
  tick=$((tick + 1))
  lines=$(wc -l <"$out")
  echo "$((tick / 2)).$((tick % 2 * 5)) s: $lines updates, $(rss)"
  if [ "$lines" -eq "$seen" ] && [ "$lines" -gt 0 ]; then still=$((still + 1)); else still=0; fi
  seen=$lines
done
kill "$subscriber"
wait "$subscriber" 2>/dev/null || true
echo "snapshot: $(grep -c UPDATE_KIND_SNAPSHOT "$out") SNAPSHOT updates of $seen lines, $(du -b "$out" | cut -f1) bytes of JSON"
echo "peak: $(awk '/VmHWM/ { print int($2 / 1024) " MB" }' "/proc/$server/status")"
