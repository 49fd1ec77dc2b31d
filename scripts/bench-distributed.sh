#!/usr/bin/env bash
# The distributed mode against the embedded mode in one run (README, "Distributed mode"): a
# private PostgreSQL cluster and nats-server of its own (so their CPU time is this run's alone),
# then `rasad bench` against the embedded mode and against 1 front end + 1 worker, 1 + 2, 2 + 2
# and 2 + 1, each on a new database and new streams. Prints each bench's report, the stage costs
# from the processes' metrics, and the CPU time of PostgreSQL and NATS per article. Then, when
# the example is built, what reading the first layout's updates would cost one front end and
# nats-server if JetStream filtered them by subject for the subscribers (examples/subject_filters.rs).
#
#   cargo build --release --example subject_filters
#   scripts/bench-distributed.sh            # ARTICLES=4000 SUBSCRIBERS=100 RASAD=target/release/rasad
#   LAYOUTS="1 1" EMBEDDED=no scripts/bench-distributed.sh     # one layout (front ends, workers)
#   TEXTS=tests/merge/real scripts/bench-distributed.sh        # articles of many country pairs
set -euo pipefail
cd "$(dirname "$0")/.."
RASAD=${RASAD:-${CARGO_TARGET_DIR:-target}/release/rasad}
ARTICLES=${ARTICLES:-4000}
SUBSCRIBERS=${SUBSCRIBERS:-100}
TEXTS=${TEXTS:-seeds}
LAYOUTS=${LAYOUTS:-1 1,1 2,2 2,2 1}
EMBEDDED=${EMBEDDED:-yes}
FILTERS=${FILTERS:-$(dirname "$RASAD")/examples/subject_filters}
COUNTRIES=RUS,USA,SAU,EGY,CHN,QAT,IRQ,TUR,JOR,ARE
PG_PORT=${PG_PORT:-55471}
NATS_PORT=${NATS_PORT:-55472}
work=$(mktemp -d)
pgbin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
as_postgres=()
if [ "$(id -u)" -eq 0 ]; then
  chown postgres "$work"
  as_postgres=(runuser -u postgres --)
fi
started=()
cleanup() {
  for pid in "${started[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  "${as_postgres[@]}" "$pgbin/pg_ctl" -D "$work/pg" -m fast stop >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

listening() { for _ in $(seq 200); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return; sleep 0.1; done; echo "nothing on port $1" >&2; exit 1; }
# CPU seconds (user + system) of the processes given, from /proc (clock ticks of 1/100 s).
cpu() { local t=0; for pid in "$@"; do [ -r "/proc/$pid/stat" ] && t=$((t + $(sed 's/.*) //' "/proc/$pid/stat" | awk '{print $12 + $13}'))); done; echo "$t"; }
postgres_pids() { local main; main=$(head -1 "$work/pg/postmaster.pid"); echo "$main" $(cat "/proc/$main/task/$main/children"); }

"${as_postgres[@]}" "$pgbin/initdb" -D "$work/pg" -A trust -U postgres -E UTF8 >/dev/null
"${as_postgres[@]}" "$pgbin/pg_ctl" -D "$work/pg" -o "-p $PG_PORT -k $work -c listen_addresses=127.0.0.1" -l "$work/pg.log" -w start >/dev/null
/usr/sbin/nats-server -a 127.0.0.1 -p "$NATS_PORT" -js -sd "$work/js" 2>"$work/nats.log" &
nats=$!
started+=("$nats")
listening "$NATS_PORT"
bench=(--articles "$ARTICLES" --subscribers "$SUBSCRIBERS" --countries "$COUNTRIES" --texts "$TEXTS")

if [ "$EMBEDDED" = yes ]; then
  echo "== embedded: rasad serve --data-dir (extraction threads: the CPUs)"
  RUST_LOG=warn "$RASAD" serve --data-dir "$work/embedded" --addr 127.0.0.1:55480 --http-addr 127.0.0.1:55490 &
  server=$!
  listening 55480
  "$RASAD" bench --server http://127.0.0.1:55480 "${bench[@]}" --metrics http://127.0.0.1:55490/metrics
  kill "$server"; wait "$server" || true
fi

IFS=, read -r -a layouts <<<"$LAYOUTS"
for layout in "${layouts[@]}"; do
  read -r fronts workers <<<"$layout"
  name="f${fronts}w${workers}"
  echo "== distributed: $fronts front end(s), $workers worker(s) (one extraction thread each)"
  psql -q -h 127.0.0.1 -p "$PG_PORT" -U postgres -c "CREATE DATABASE $name" postgres
  flags=(--store "postgres://postgres@127.0.0.1:$PG_PORT/$name" --bus "nats://127.0.0.1:$NATS_PORT" --prefix "$name")
  pids=()
  metrics=()
  for w in $(seq "$workers"); do
    RUST_LOG=warn "$RASAD" worker "${flags[@]}" --workers 1 --metrics-addr "127.0.0.1:5550$w" &
    pids+=($!)
    metrics+=(--metrics "http://127.0.0.1:5550$w/metrics")
  done
  urls=()
  for f in $(seq "$fronts"); do
    RUST_LOG=warn "$RASAD" serve "${flags[@]}" --workers 1 --addr "127.0.0.1:5548$f" --http-addr "127.0.0.1:5549$f" &
    pids+=($!)
    listening "5548$f"
    metrics+=(--metrics "http://127.0.0.1:5549$f/metrics")
    [ "$f" -eq 1 ] && urls+=(--server "http://127.0.0.1:5548$f") || urls+=(--front "http://127.0.0.1:5548$f")
  done
  for w in $(seq "$workers"); do listening "5550$w"; done
  started+=("${pids[@]}")
  pg_before=$(cpu $(postgres_pids)); nats_before=$(cpu "$nats")
  "$RASAD" bench "${urls[@]}" "${bench[@]}" "${metrics[@]}"
  pg_after=$(cpu $(postgres_pids)); nats_after=$(cpu "$nats")
  awk -v pg=$((pg_after - pg_before)) -v nats=$((nats_after - nats_before)) -v n="$ARTICLES" \
    'BEGIN { printf "  PostgreSQL (all its processes): %.0f µs of CPU per article\n  nats-server: %.0f µs of CPU per article\n", pg * 1e4 / n, nats * 1e4 / n }'
  kill "${pids[@]}"; wait "${pids[@]}" 2>/dev/null || true
done

first=$(read -r fronts workers <<<"${layouts[0]}"; echo "F${fronts}W${workers}_UPDATES")
if [ -x "$FILTERS" ]; then
  echo "== the updates of $first read by one front end, filtered by JetStream or not"
  "$FILTERS" --nats "nats://127.0.0.1:$NATS_PORT" --source "$first" --nats-pid "$nats" \
    --articles "$ARTICLES" --subscribers "$SUBSCRIBERS" --countries "$COUNTRIES"
else
  echo "== no $FILTERS: build it (cargo build --release --example subject_filters) to measure JetStream's filtering"
fi
