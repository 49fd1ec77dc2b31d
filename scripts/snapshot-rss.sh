#!/usr/bin/env bash
# The memory of one Subscribe with a snapshot (docs/hardening.md, "Snapshots"): fills a store with
# ARTICLES articles through `rasad bench`, published over DAYS days (or takes the store in DATA
# as it is), restarts the server on it, then runs one `rasad subscribe --snapshot` to the end and
# prints the server's resident memory (ps -o rss) when fresh, every half second of the snapshot
# (with the updates received so far), the peak (VmHWM), and how many SNAPSHOT updates arrived.
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
work=$(mktemp -d)
data=${DATA:-$work/store}
. scripts/rss-common.sh

[ -e "$data/rasad.redb" ] || fill "$ARTICLES" "$DAYS"
serve
sleep 2
echo "fresh server $server ($RASAD): $(rss)"
out=$work/snapshot
"$RASAD" subscribe --server "$server_url" --snapshot >"$out" 2>/dev/null &
subscriber=$!
until_still "$out" ""
kill "$subscriber"
wait "$subscriber" 2>/dev/null || true
echo "snapshot: $(grep -c UPDATE_KIND_SNAPSHOT "$out") SNAPSHOT updates of $seen lines, $(du -b "$out" | cut -f1) bytes of JSON"
echo "peak: $(peak)"
