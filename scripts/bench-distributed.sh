#!/usr/bin/env bash
# The distributed mode against the embedded mode in one run (README, "Distributed mode"): a
# private PostgreSQL cluster and nats-server of its own (so their CPU time is this run's alone),
# then `rasad bench` against the embedded mode and against 1 front end + 1 worker, 1 + 2, 2 + 2
# and 2 + 1, each on a new database and new streams. Prints the load average before each bench,
# each bench's report, the stage costs from the processes' metrics, and the CPU time of
# PostgreSQL and NATS per article. Then, when the example is built, what reading the first
# layout's updates would cost one front end and nats-server if JetStream filtered them by
# subject for the subscribers (examples/subject_filters.rs).
#
# Its ports are free ones at or above PORT_BASE, below Linux's ephemeral range (so that no
# outgoing connection of another program takes one meanwhile). Whatever way it ends (done, a
# failing step, Ctrl-C, SIGTERM), it stops every process it started and its PostgreSQL cluster.
#
#   cargo build --release --example subject_filters
#   scripts/bench-distributed.sh            # ARTICLES=4000 SUBSCRIBERS=100 RATE=0 RASAD=target/release/rasad
#   LAYOUTS="1 1" EMBEDDED=no scripts/bench-distributed.sh     # one layout (front ends, workers)
#   RATE=400 scripts/bench-distributed.sh                      # an offered load, articles/s (0: all it takes)
#   TEXTS=tests/merge/real scripts/bench-distributed.sh        # articles of many country pairs
set -euo pipefail
cd "$(dirname "$0")/.."
RASAD=${RASAD:-${CARGO_TARGET_DIR:-target}/release/rasad}
ARTICLES=${ARTICLES:-4000}
SUBSCRIBERS=${SUBSCRIBERS:-100}
RATE=${RATE:-0}
TEXTS=${TEXTS:-seeds}
LAYOUTS=${LAYOUTS:-1 1,1 2,2 2,2 1}
EMBEDDED=${EMBEDDED:-yes}
FILTERS=${FILTERS:-$(dirname "$RASAD")/examples/subject_filters}
PORT_BASE=${PORT_BASE:-24470}
COUNTRIES=RUS,USA,SAU,EGY,CHN,QAT,IRQ,TUR,JOR,ARE
work=$(mktemp -d)
pgbin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
as_postgres=()
if [ "$(id -u)" -eq 0 ]; then
  chown postgres "$work"
  as_postgres=(runuser -u postgres --)
fi

# Every process started in the background, for cleanup; start() adds it before anything else.
started=()
cleanup() {
  trap - EXIT INT TERM HUP
  kill "${started[@]}" 2>/dev/null || true
  for _ in $(seq 50); do
    alive=0
    for pid in "${started[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
    [ "$alive" -eq 0 ] && break
    sleep 0.1
  done
  kill -KILL "${started[@]}" 2>/dev/null || true
  wait 2>/dev/null || true
  if [ -f "$work/pg/postmaster.pid" ]; then
    "${as_postgres[@]}" "$pgbin/pg_ctl" -D "$work/pg" -m immediate stop >/dev/null 2>&1 || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP
start() { "$@" & started+=($!); }
# Runs a command in the background and waits for it, so that a signal interrupts the wait at once.
run() { start "$@"; wait "${started[-1]}"; }

# The next free port after the last one given (none listening on it), below the ephemeral range.
read -r ephemeral _ </proc/sys/net/ipv4/ip_local_port_range
port=$((PORT_BASE - 1))
next_port() {
  port=$((port + 1))
  while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((port + 1)); done
  if [ "$port" -ge "$ephemeral" ]; then echo "port $port is in the ephemeral range ($ephemeral-): lower PORT_BASE" >&2; exit 1; fi
}
# Waits until process $2 listens on port $1; fails if it ended.
listening() {
  for _ in $(seq 200); do
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return
    kill -0 "$2" 2>/dev/null || { echo "process $2 ended before listening on port $1" >&2; exit 1; }
    sleep 0.1
  done
  echo "nothing on port $1" >&2
  exit 1
}
# CPU seconds (user + system) of the processes given, from /proc (clock ticks of 1/100 s).
cpu() { local t=0; for pid in "$@"; do [ -r "/proc/$pid/stat" ] && t=$((t + $(sed 's/.*) //' "/proc/$pid/stat" | awk '{print $12 + $13}'))); done; echo "$t"; }
postgres_pids() { local main; main=$(head -1 "$work/pg/postmaster.pid"); echo "$main" $(cat "/proc/$main/task/$main/children"); }
load() { echo "  load average before: $(cut -d' ' -f1-3 /proc/loadavg)"; }

next_port; pg_port=$port
next_port; nats_port=$port
"${as_postgres[@]}" "$pgbin/initdb" -D "$work/pg" -A trust -U postgres -E UTF8 >/dev/null
"${as_postgres[@]}" "$pgbin/pg_ctl" -D "$work/pg" -o "-p $pg_port -k $work -c listen_addresses=127.0.0.1" -l "$work/pg.log" -w start >/dev/null
start /usr/sbin/nats-server -a 127.0.0.1 -p "$nats_port" -js -sd "$work/js" 2>"$work/nats.log"
nats=${started[-1]}
listening "$nats_port" "$nats"
bench=(--articles "$ARTICLES" --subscribers "$SUBSCRIBERS" --countries "$COUNTRIES" --texts "$TEXTS" --rate "$RATE")

if [ "$EMBEDDED" = yes ]; then
  echo "== embedded: rasad serve --data-dir (extraction threads: the CPUs)"
  next_port; grpc=$port
  next_port; http=$port
  start env RUST_LOG=warn "$RASAD" serve --data-dir "$work/embedded" --addr "127.0.0.1:$grpc" --http-addr "127.0.0.1:$http"
  server=${started[-1]}
  listening "$grpc" "$server"
  load
  run "$RASAD" bench --server "http://127.0.0.1:$grpc" "${bench[@]}" --metrics "http://127.0.0.1:$http/metrics"
  kill "$server"; wait "$server" || true
fi

IFS=, read -r -a layouts <<<"$LAYOUTS"
for layout in "${layouts[@]}"; do
  read -r fronts workers <<<"$layout"
  name="f${fronts}w${workers}"
  echo "== distributed: $fronts front end(s), $workers worker(s) (one extraction thread each)"
  psql -q -h 127.0.0.1 -p "$pg_port" -U postgres -c "CREATE DATABASE $name" postgres
  flags=(--store "postgres://postgres@127.0.0.1:$pg_port/$name" --bus "nats://127.0.0.1:$nats_port" --prefix "$name")
  pids=()
  metrics=()
  for _ in $(seq "$workers"); do
    next_port
    start env RUST_LOG=warn "$RASAD" worker "${flags[@]}" --workers 1 --metrics-addr "127.0.0.1:$port"
    pids+=("${started[-1]}")
    listening "$port" "${started[-1]}"
    metrics+=(--metrics "http://127.0.0.1:$port/metrics")
  done
  urls=()
  for f in $(seq "$fronts"); do
    next_port; grpc=$port
    next_port; http=$port
    start env RUST_LOG=warn "$RASAD" serve "${flags[@]}" --workers 1 --addr "127.0.0.1:$grpc" --http-addr "127.0.0.1:$http"
    pids+=("${started[-1]}")
    listening "$grpc" "${started[-1]}"
    metrics+=(--metrics "http://127.0.0.1:$http/metrics")
    [ "$f" -eq 1 ] && urls+=(--server "http://127.0.0.1:$grpc") || urls+=(--front "http://127.0.0.1:$grpc")
  done
  load
  pg_before=$(cpu $(postgres_pids)); nats_before=$(cpu "$nats")
  run "$RASAD" bench "${urls[@]}" "${bench[@]}" "${metrics[@]}"
  pg_after=$(cpu $(postgres_pids)); nats_after=$(cpu "$nats")
  awk -v pg=$((pg_after - pg_before)) -v nats=$((nats_after - nats_before)) -v n="$ARTICLES" \
    'BEGIN { printf "  PostgreSQL (all its processes): %.0f µs of CPU per article\n  nats-server: %.0f µs of CPU per article\n", pg * 1e4 / n, nats * 1e4 / n }'
  kill "${pids[@]}"; wait "${pids[@]}" 2>/dev/null || true
done

first=$(read -r fronts workers <<<"${layouts[0]}"; echo "F${fronts}W${workers}_UPDATES")
if [ -x "$FILTERS" ]; then
  echo "== the updates of $first read by one front end, filtered by JetStream or not"
  run "$FILTERS" --nats "nats://127.0.0.1:$nats_port" --source "$first" --nats-pid "$nats" \
    --articles "$ARTICLES" --subscribers "$SUBSCRIBERS" --countries "$COUNTRIES"
else
  echo "== no $FILTERS: build it (cargo build --release --example subject_filters) to measure JetStream's filtering"
fi
