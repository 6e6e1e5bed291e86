#!/usr/bin/env bash
# Regie benchmark: the figures dashboard (issue 6). Seeds N cases, starts the release server and
# measures `GET /cijfers` for one municipality and a period as the teamleider, with curl (one cold
# request, then warm ones) and with wrk over loopback (1 and 4 connections), against
# `GET /health/live` as the ceiling. See bench/README.md, "Figures dashboard (issue 6)".
#
#   bench/figures.sh [N]                      SQLite, then PostgreSQL if BENCH_DATABASE_URL answers
#   ENGINES=sqlite bench/figures.sh           one engine only
#   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5433/regie_bench_figures bench/figures.sh
#                                             PostgreSQL in that database (the default); it is created
#                                             if missing, and its schema "public" is DROPPED first (only
#                                             if the name contains "bench", or RESET_DATABASE=1)
#
# Per engine, on one fresh database (migrated, `regie demo --people N --seed SEED`):
#   1. the server starts; the teamleider logs in through the form like a browser;
#   2. curl: the first dashboard request after the start ("cold"), then WARM_REQUESTS more ("warm");
#      then each table's CSV once (`/cijfers/csv?tabel=<key>&…`; every CSV request computes all tables
#      and sends one, so these time the same work as the page, without the template);
#   3. wrk: `GET /health/live` and the dashboard at 1 connection, then both at 4 (-t2), DURATION each
#      (DASHBOARD_DURATION for the dashboard) after a WARMUP run; wrk's timeout is TIMEOUT (30s), since
#      one dashboard takes seconds. Before the warm-up and before each row the script waits until the
#      machine is idle, so requests still in flight when wrk stopped do not run into the next row;
#   4. the server's peak RSS (VmHWM) after the load, and the database size.
#
# Environment: N (100000), MUNICIPALITY (GM0988), FROM (2026-01-01), TO (2026-11-30), DURATION (15s),
#              DASHBOARD_DURATION (DURATION: the dashboard's wrk rows; at 4 connections one round of
#              requests takes about as long as 15 s, so a longer run gives a throughput worth reading),
#              WARMUP (2s), TIMEOUT (30s), WARM_REQUESTS (5), SEED (2021), PORT (28183),
#              ENGINES ("sqlite postgres"), BENCH_DATABASE_URL, SKIP_BUILD=1, REGIE_BIN,
#              CONNECTIONS ("1 4 16": the wrk rows), IDLE_WAIT (120: seconds to wait for an idle machine
#              before a row; 0 on a machine that other work keeps busy — the report then says so).
#              The report is printed and kept, with the raw wrk and curl output and the server logs,
#              in bench/results/<stamp>-figures-<N>/ (git-ignored); it is not appended to README.md.
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$BENCH_DIR")
N=${1:-${N:-100000}}
MUNICIPALITY=${MUNICIPALITY:-GM0988}
FROM=${FROM:-2026-01-01}
TO=${TO:-2026-11-30}
DURATION=${DURATION:-15s}
DASHBOARD_DURATION=${DASHBOARD_DURATION:-$DURATION}
WARMUP=${WARMUP:-2s}
TIMEOUT=${TIMEOUT:-30s}
WARM_REQUESTS=${WARM_REQUESTS:-5}
SEED=${SEED:-2021}
PORT=${PORT:-28183}
ENGINES=${ENGINES:-"sqlite postgres"}
CONNECTIONS=${CONNECTIONS:-"1 4 16"}
IDLE_WAIT=${IDLE_WAIT:-120}
BENCH_DATABASE_URL=${BENCH_DATABASE_URL:-postgres://postgres@127.0.0.1:5433/regie_bench_figures}
PASSWORD=regie-demo-2026
TABLES=(obligation routes pipOnTime delayReasons throughput waits lbtRoute routeMix caseload terms results fines targets)
QUERY="gemeente=$MUNICIPALITY&van=$FROM&tot=$TO"
DASHBOARD="/cijfers?$QUERY"

for tool in wrk curl awk; do
  command -v "$tool" >/dev/null || { echo "$tool is required (apt-get install -y $tool)" >&2; exit 2; }
done

STARTED=$(date +%s)
STAMP=$(date +%Y%m%d-%H%M%S)
OUT_DIR="$BENCH_DIR/results/$STAMP-figures-$N"   # bench/results/ is git-ignored
mkdir -p "$OUT_DIR"
BASE="http://127.0.0.1:$PORT"
log() { printf '[figures %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }
fmt_rps() { awk -v r="$1" 'BEGIN { if (r < 10) printf "%.1f", r; else printf "%.0f", r }'; }
human() { awk -v b="$1" 'BEGIN { if (b >= 1073741824) printf "%.2f GiB", b / 1073741824; else printf "%.1f MiB", b / 1048576 }'; }
# Median of numbers, one per line.
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print 0; else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# --- build ---------------------------------------------------------------------------------------
if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
  log "building the release binary (scratch path .build-release)"
  (cd "$ROOT" && swift build -c release --product regie --scratch-path .build-release) >&2
fi
BIN="${REGIE_BIN:-$ROOT/.build-release/release/regie}"
[[ -x "$BIN" ]] || { echo "no binary at $BIN (run without SKIP_BUILD=1, or set REGIE_BIN)" >&2; exit 2; }

SERVER_PID=
# Stops the server: SIGTERM, then SIGKILL if it has not exited within 10 s.
stop_server() {
  local i
  if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill "$SERVER_PID" 2>/dev/null || true
    for i in $(seq 1 40); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.25; done
    if kill -0 "$SERVER_PID" 2>/dev/null; then
      NOTES+=("$ENGINE_LABEL: the server did not exit within 10 s of SIGTERM and was killed")
      kill -KILL "$SERVER_PID" 2>/dev/null || true
    fi
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  SERVER_PID=
}
trap stop_server EXIT
trap 'exit 130' INT TERM

if curl -s -o /dev/null --max-time 2 "$BASE/health/live"; then
  echo "something already answers on port $PORT; choose another with PORT=..." >&2; exit 2
fi

NOTES=()
[[ "$IDLE_WAIT" == 0 ]] && NOTES+=("rows ran without waiting for an idle machine (IDLE_WAIT=0): read them with the load averages below")
TABLE_ROWS=()
DETAILS=()
ENGINE_LABEL=

# Logs in through the form like a browser and prints "regie_session=<value>".
login() {
  local email=$1 jar="$RUN_DIR/$2.jar" headers="$RUN_DIR/$2.login-headers" csrf status value
  rm -f "$jar"
  csrf=$(curl -sf -c "$jar" "$BASE/inloggen" | { grep -o 'name="_csrf"[^>]*' || true; } | sed -n 's/.*value="\([^"]*\)".*/\1/p' | awk 'NR == 1')
  [[ -n "$csrf" ]] || { echo "no _csrf on /inloggen" >&2; return 1; }
  status=$(curl -s -o /dev/null -D "$headers" -w '%{http_code}' -b "$jar" -c "$jar" \
    --data-urlencode "_csrf=$csrf" --data-urlencode "email=$email" --data-urlencode "password=$PASSWORD" "$BASE/inloggen")
  value=$({ grep -i '^set-cookie: *regie_session=' "$headers" || true; } | awk 'NR == 1' | sed 's/^[^=]*=\([^;]*\).*/\1/' | tr -d '\r')
  [[ "$status" == 303 && -n "$value" ]] || { echo "login of $email failed (HTTP $status)" >&2; return 1; }
  echo "regie_session=$value"
}

# One request with curl: prints "<status> <seconds> <bytes>".
timed() { rm -f "$RUN_DIR/last-body"; curl -s -o "$RUN_DIR/last-body" -b "$2" -w '%{http_code} %{time_total} %{size_download}\n' --max-time 120 "$BASE$1" || true; }

# Waits (up to 120 s) until the machine is idle: below 15% of its CPUs busy over half a second.
# wrk stops after its duration, but the server (and PostgreSQL) finish the requests still in flight,
# several seconds each for the dashboard; without this they would run into the next row.
wait_idle() {
  local i a b busy=?
  [[ "$IDLE_WAIT" == 0 ]] && return 0
  for i in $(seq 1 $((IDLE_WAIT * 2))); do
    a=$(awk '/^cpu / { print $2 + $3 + $4 + $7 + $8, $2 + $3 + $4 + $5 + $6 + $7 + $8 }' /proc/stat)
    sleep 0.5
    b=$(awk '/^cpu / { print $2 + $3 + $4 + $7 + $8, $2 + $3 + $4 + $5 + $6 + $7 + $8 }' /proc/stat)
    busy=$(awk -v a="$a" -v b="$b" 'BEGIN { split(a, x, " "); split(b, y, " "); t = y[2] - x[2]; print (t > 0 ? (y[1] - x[1]) * 100 / t : 0) }')
    awk -v u="$busy" 'BEGIN { exit !(u < 15) }' && return 0
  done
  NOTES+=("$ENGINE_LABEL: the machine was still busy (${busy}% CPU) $IDLE_WAIT s after a row; the next row ran anyway")
}

# wrk row: label, path, cookie, connections, duration.
measure() {
  local label=$1 path=$2 cookie=$3 conns=$4 duration=$5 threads out line p50 p99 rps non200 errors requests slug
  slug=$(tr -c 'a-zA-Z0-9' '_' <<<"$label")
  if [[ $conns == 1 ]]; then threads=1; else threads=2; fi
  wait_idle
  COOKIE="$cookie" wrk -t"$threads" -c"$conns" -d"$WARMUP" --timeout "$TIMEOUT" -s "$BENCH_DIR/report.lua" "$BASE$path" >/dev/null
  wait_idle
  log "$ENGINE_LABEL: wrk -t$threads -c$conns -d$duration $label"
  out=$(COOKIE="$cookie" wrk -t"$threads" -c"$conns" -d"$duration" --timeout "$TIMEOUT" --latency -s "$BENCH_DIR/report.lua" "$BASE$path")
  printf '%s\n' "$out" >"$RUN_DIR/wrk-$slug-c$conns-$duration.txt"
  line=$(grep '^RESULT' <<<"$out")
  p50=$(sed 's/.*p50_ms=\([^ ]*\).*/\1/' <<<"$line")
  p99=$(sed 's/.*p99_ms=\([^ ]*\).*/\1/' <<<"$line")
  rps=$(sed 's/.* ok_rps=\([^ ]*\).*/\1/' <<<"$line")
  non200=$(sed 's/.*non200=\([^ ]*\).*/\1/' <<<"$line")
  errors=$(sed 's/.*errors=\([^ ]*\).*/\1/' <<<"$line")
  requests=$(sed 's/.*requests=\([^ ]*\).*/\1/' <<<"$line")
  if [[ "$requests" == 0 || "$p99" == 0.000 ]]; then
    TABLE_ROWS+=("| $ENGINE_LABEL | $label | $conns | $duration | — | — | $(fmt_rps "$rps") | $requests |")
  else
    TABLE_ROWS+=("| $ENGINE_LABEL | $label | $conns | $duration | $(printf '%.2f' "$p50") | $(printf '%.2f' "$p99") | $(fmt_rps "$rps") | $requests |")
  fi
  if [[ "$non200" != 0 || "$errors" != 0 ]]; then
    NOTES+=("$ENGINE_LABEL, $label at $conns connections: $requests responses, $non200 of them not 200; $errors socket errors or timeouts (wrk --timeout $TIMEOUT)")
  fi
}

run_engine() {
  local engine=$1 db_args=() db_name admin_url t0 t1 migrate_s seed_s db_bytes cookie cold warm status seconds bytes i key csv_times
  RUN_DIR="$OUT_DIR/$engine"
  mkdir -p "$RUN_DIR"
  if [[ "$engine" == sqlite ]]; then
    ENGINE_LABEL=SQLite
    DB_FILE="$RUN_DIR/regie.sqlite"
    db_args=(--database-path "$DB_FILE")
    db_size() { local total=0 f; for f in "$DB_FILE" "$DB_FILE-wal"; do [[ -f "$f" ]] && total=$((total + $(stat -c %s "$f"))); done; echo "$total"; }
    run_env=(env -u DATABASE_URL)
  else
    command -v psql >/dev/null || { NOTES+=("PostgreSQL skipped: psql is not installed"); return 0; }
    db_name=${BENCH_DATABASE_URL##*/}; db_name=${db_name%%\?*}
    admin_url=${BENCH_DATABASE_URL%/*}/postgres
    if ! psql "$admin_url" -Atc 'SELECT 1' >/dev/null 2>&1; then
      NOTES+=("PostgreSQL skipped: nothing answers at ${BENCH_DATABASE_URL%/*}")
      log "PostgreSQL skipped: nothing answers at ${BENCH_DATABASE_URL%/*}"
      return 0
    fi
    if [[ "$db_name" != *bench* && "${RESET_DATABASE:-0}" != 1 ]]; then
      echo "refusing to reset database '$db_name': use a database whose name contains 'bench', or RESET_DATABASE=1" >&2
      exit 2
    fi
    if [[ -z "$(psql "$admin_url" -Atc "SELECT 1 FROM pg_database WHERE datname = '$db_name'")" ]]; then
      log "creating database $db_name"
      psql "$admin_url" -q -v ON_ERROR_STOP=1 -c "CREATE DATABASE \"$db_name\"" >/dev/null
    fi
    log "resetting schema public of database $db_name"
    PGOPTIONS='-c client_min_messages=warning' psql "$BENCH_DATABASE_URL" -q -v ON_ERROR_STOP=1 -c "DROP SCHEMA public CASCADE; CREATE SCHEMA public;" >/dev/null
    ENGINE_LABEL="PostgreSQL $(psql "$BENCH_DATABASE_URL" -Atc 'SHOW server_version' | cut -d' ' -f1)"
    db_size() { psql "$BENCH_DATABASE_URL" -Atc "SELECT pg_database_size(current_database())"; }
    run_env=(env DATABASE_URL="$BENCH_DATABASE_URL")
  fi

  local load_before
  load_before=$(cut -d' ' -f1-3 /proc/loadavg)
  log "$ENGINE_LABEL: migrating (load average $load_before)"
  t0=$(now); (cd "$RUN_DIR" && LOG_LEVEL=warning "${run_env[@]}" "$BIN" migrate "${db_args[@]}") >"$RUN_DIR/migrate.log" 2>&1; t1=$(now)
  migrate_s=$(elapsed "$t0" "$t1")
  log "$ENGINE_LABEL: seeding $N people"
  t0=$(now); (cd "$RUN_DIR" && LOG_LEVEL=warning "${run_env[@]}" "$BIN" demo "${db_args[@]}" --people "$N" --seed "$SEED") >"$RUN_DIR/demo.log" 2>&1; t1=$(now)
  seed_s=$(elapsed "$t0" "$t1")
  # PostgreSQL: statistics for every table before the first query, as autovacuum would have them in a
  # database in use. Right after the bulk load it has not analysed route_besluiten yet, and the
  # planner's guess for the LBT × route query (a correlated subquery in its join) ran for minutes.
  local analyze_note=
  if [[ "$engine" == postgres ]]; then
    t0=$(now); psql "$BENCH_DATABASE_URL" -q -v ON_ERROR_STOP=1 -c "ANALYZE" >/dev/null; t1=$(now)
    analyze_note=" \`ANALYZE\` after seeding: $(elapsed "$t0" "$t1") s."
  fi
  db_bytes=$(db_size)
  log "$ENGINE_LABEL: migrate ${migrate_s}s, seed ${seed_s}s, database $(human "$db_bytes")"

  (cd "$RUN_DIR" && LOG_LEVEL=warning exec "${run_env[@]}" "$BIN" serve --port "$PORT" "${db_args[@]}") >"$RUN_DIR/server.out" 2>"$RUN_DIR/server.log" &
  SERVER_PID=$!
  for _ in $(seq 1 300); do
    curl -sf -o /dev/null "$BASE/health/live" && break
    kill -0 "$SERVER_PID" 2>/dev/null || { echo "server exited; see $RUN_DIR/server.log" >&2; tail -5 "$RUN_DIR/server.log" >&2; exit 1; }
    sleep 0.1
  done
  curl -sf -o /dev/null "$BASE/health/live" || { echo "server did not come up" >&2; exit 1; }
  log "$ENGINE_LABEL: server up (pid $SERVER_PID) on $BASE"
  cookie=$(login teamleider@regie.example teamleider)

  # How many cases the municipality has (from the page's obligation table is not enough: it counts
  # the period). One count per engine, outside the measurements.
  local cases
  if [[ "$engine" == sqlite ]]; then
    cases=$(command -v sqlite3 >/dev/null && sqlite3 "file:$DB_FILE?mode=ro" "SELECT COUNT(*) FROM trajecten WHERE municipality_code = '$MUNICIPALITY'" 2>/dev/null || echo "?")
  else
    cases=$(psql "$BENCH_DATABASE_URL" -Atc "SELECT COUNT(*) FROM trajecten WHERE municipality_code = '$MUNICIPALITY'")
  fi

  # --- curl: cold, warm, CSV ---
  read -r status seconds bytes < <(timed "$DASHBOARD" "$cookie")
  [[ -f "$RUN_DIR/last-body" ]] && cp "$RUN_DIR/last-body" "$RUN_DIR/dashboard.html"
  if [[ "$status" != 200 ]] || ! grep -q 'class="figure"' "$RUN_DIR/dashboard.html" 2>/dev/null; then
    NOTES+=("$ENGINE_LABEL: the first dashboard request answered HTTP $status after ${seconds}s (curl --max-time 120), without figures; this engine was not measured further")
    log "$ENGINE_LABEL: the first dashboard request answered HTTP $status after ${seconds}s; skipping the rest"
    stop_server
    return 0
  fi
  cold=$seconds
  : >"$RUN_DIR/warm.txt"
  for i in $(seq 1 "$WARM_REQUESTS"); do
    read -r status seconds bytes < <(timed "$DASHBOARD" "$cookie")
    [[ "$status" == 200 ]] || NOTES+=("$ENGINE_LABEL: a warm dashboard request answered $status")
    echo "$seconds" >>"$RUN_DIR/warm.txt"
  done
  warm=$(median <"$RUN_DIR/warm.txt")
  : >"$RUN_DIR/csv.txt"
  for key in "${TABLES[@]}"; do
    read -r status seconds _ < <(timed "/cijfers/csv?tabel=$key&$QUERY" "$cookie")
    echo "$key $status $seconds" >>"$RUN_DIR/csv.txt"
    [[ "$status" == 200 ]] || NOTES+=("$ENGINE_LABEL: /cijfers/csv?tabel=$key answered $status")
  done
  csv_times=$(awk '{ printf "%s%s %.0f", (NR > 1 ? ", " : ""), $1, $3 * 1000 }' "$RUN_DIR/csv.txt")
  local csv_median
  csv_median=$(awk '{ print $3 }' "$RUN_DIR/csv.txt" | median)
  log "$ENGINE_LABEL: dashboard cold ${cold}s, warm median ${warm}s ($bytes bytes); CSV: $csv_times ms"

  # --- wrk ---
  local conns
  for conns in $CONNECTIONS; do
    measure '`GET /health/live`' /health/live "" "$conns" "$DURATION"
    measure "\`GET /cijfers?…\` ($MUNICIPALITY)" "$DASHBOARD" "$cookie" "$conns" "$DASHBOARD_DURATION"
  done

  local peak_kb load_after
  peak_kb=$(awk '/^VmHWM/ { print $2 }' "/proc/$SERVER_PID/status")
  load_after=$(cut -d' ' -f1-3 /proc/loadavg)
  stop_server
  DETAILS+=("- **$ENGINE_LABEL**: $cases cases in $MUNICIPALITY of $N. One dashboard with curl: cold (the first after the start) $(awk -v s="$cold" 'BEGIN { printf "%.0f", s * 1000 }') ms, warm $(awk -v s="$warm" 'BEGIN { printf "%.0f", s * 1000 }') ms (median of $WARM_REQUESTS), $(human "$bytes") of HTML. CSV per table (each computes every table): median $(awk -v s="$csv_median" 'BEGIN { printf "%.0f", s * 1000 }') ms ($csv_times ms). Peak RSS (VmHWM) $(awk -v k="$peak_kb" 'BEGIN { printf "%.1f MiB", k / 1024 }'). Seeding ${seed_s} s,${analyze_note} database $(human "$db_bytes"). Load average before seeding $load_before, after the load $load_after.")
}

for engine in $ENGINES; do
  case "$engine" in
    sqlite|postgres) run_engine "$engine" ;;
    *) echo "unknown engine '$engine' (sqlite or postgres)" >&2; exit 2 ;;
  esac
done

# --- report ------------------------------------------------------------------------------------------
CPU=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
MEM=$(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)
COMMIT=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
if [[ "$COMMIT" != unknown && -n "$(GIT_OPTIONAL_LOCKS=0 git -C "$ROOT" status --porcelain --untracked-files=no 2>/dev/null)" ]]; then
  COMMIT+=" (with uncommitted changes)"
fi
REPORT="### $(date '+%Y-%m-%d %H:%M') — figures dashboard, N=$N

Machine: $(nproc) CPUs, $CPU, $MEM RAM. Commit \`$COMMIT\`. Binary \`$BIN\`. \`GET $DASHBOARD\` as teamleider@regie.example; wrk $DURATION per row (the dashboard's rows $DASHBOARD_DURATION) after a $WARMUP warm-up (connections $CONNECTIONS, each \`-t1\` at one connection, else \`-t2\`), \`--timeout $TIMEOUT\`, loopback.

| engine | request | connections | duration | p50 ms | p99 ms | req/s | responses |
|---|---|---:|---:|---:|---:|---:|---:|"
for row in "${TABLE_ROWS[@]+"${TABLE_ROWS[@]}"}"; do REPORT+=$'\n'"$row"; done
REPORT+=$'\n'
for line in "${DETAILS[@]+"${DETAILS[@]}"}"; do REPORT+=$'\n'"$line"; done
REPORT+=$'\n'"- Whole run: $(( $(date +%s) - STARTED )) s. Raw output: \`bench/results/$(basename "$OUT_DIR")/\`."
for note in "${NOTES[@]+"${NOTES[@]}"}"; do REPORT+=$'\n'"- WARNING: $note"; done
printf '%s\n' "$REPORT" | tee "$OUT_DIR/report.md"
