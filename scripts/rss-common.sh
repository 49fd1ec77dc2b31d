# Sourced by the scripts that measure a server (replay-rss.sh, snapshot-rss.sh and
# cancelled-extract.sh): a `rasad serve` of the store in $data on $PORT (no HTTP front unless
# other flags are given), its resident memory and peak, and a store filled through `rasad bench`.
# Set RASAD, PORT, data and work first; the server is stopped and $work removed on exit.
server_url=http://127.0.0.1:$PORT
server=
cleanup() {
  [ -n "$server" ] && kill "$server" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# serve [FLAGS]: the server, with FLAGS instead of --no-http when given.
serve() {
  [ $# -gt 0 ] || set -- --no-http
  "$RASAD" serve --data-dir "$data" --addr "127.0.0.1:$PORT" "$@" 2>>"$work/serve.log" &
  server=$!
  until grep -q ' serving' "$work/serve.log"; do sleep 0.2; done
}
rss() { echo "$(( $(ps -o rss= -p "$server") / 1024 )) MB"; }
peak() { awk '/VmHWM/ { print int($2 / 1024) " MB" }' "/proc/$server/status"; }

# fill ARTICLES DAYS: ingests ARTICLES of the seeds published over DAYS days, then stops the server.
fill() {
  serve
  "$RASAD" bench --server "$server_url" --articles "$1" --subscribers 0 --texts seeds/seeds.jsonl --days "$2" | tail -3
  kill "$server"
  wait "$server" 2>/dev/null || true
  : >"$work/serve.log"
}

# until_still OUT LABEL: every half second, prints the lines of OUT (updates received) and the
# server's memory, until OUT has not grown for 3 s (a subscription stays open for live updates);
# then `seen` holds its lines.
until_still() {
  local still=0 tick=0 lines
  seen=-1
  while [ "$still" -lt 6 ]; do
    sleep 0.5
    tick=$((tick + 1))
    lines=$(wc -l <"$1")
    echo "$2$((tick / 2)).$((tick % 2 * 5)) s: $lines updates, $(rss)"
    if [ "$lines" -eq "$seen" ] && [ "$lines" -gt 0 ]; then still=$((still + 1)); else still=0; fi
    seen=$lines
  done
}
