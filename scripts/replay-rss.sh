#!/usr/bin/env bash
# The memory of replaying the whole update log (docs/hardening.md, "Replaying the whole log"):
# fills a store with ARTICLES articles through `rasad bench`, restarts the server on it, then runs
# `rasad subscribe --after 0` to the end REPLAYS times, one after the other, and prints the
# server's resident memory (ps -o rss) when fresh, every half second of each replay (with the updates
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
work=$(mktemp -d)
data=$work/store
. scripts/rss-common.sh

fill "$ARTICLES" 3650
serve
sleep 2
echo "fresh server $server ($RASAD): $(rss)"
for replay in $(seq "$REPLAYS"); do
  out=$work/replay$replay
  "$RASAD" subscribe --server "$server_url" --after 0 >"$out" 2>/dev/null &
  subscriber=$!
  until_still "$out" "replay $replay, "
  kill "$subscriber"
  wait "$subscriber" 2>/dev/null || true
  sleep 10
  echo "after replay $replay ($seen updates), 10 s later: $(rss)"
done
echo "peak: $(peak)"
