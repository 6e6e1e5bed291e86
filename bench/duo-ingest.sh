#!/usr/bin/env bash
# Regie benchmark: DUO notification ingest. Starts the release server with the Notificatie API
# listener (DUO_NOTIFY_PORT) on a fresh database and measures `POST /v1/notificaties` with wrk over
# loopback: notifications per second stored and acknowledged (201), latency, and — counted in the
# database — that every 201 stored exactly one row and a repeated berichtId none. See bench/README.md,
# "DUO notification ingest".
#
#   bench/duo-ingest.sh                       SQLite, then PostgreSQL (a throwaway cluster)
#   ENGINES=sqlite bench/duo-ingest.sh        one engine only
#   BENCH_DATABASE_URL=postgres://.../regie_bench_duo bench/duo-ingest.sh
#                                             PostgreSQL in that database; its public schema is
#                                             DROPPED first (only if the name contains "bench",
#                                             or RESET_DATABASE=1)
#   PG_OPTS='-c synchronous_commit=off' ENGINES=postgres bench/duo-ingest.sh
#                                             the throwaway cluster with other settings
#
# Without BENCH_DATABASE_URL the script starts a throwaway PostgreSQL cluster (initdb's defaults,
# so fsync and synchronous_commit on, plus PG_OPTS) on a random port and removes it afterwards;
# without PostgreSQL's server binaries the PostgreSQL part is skipped.
#
# Per engine, on one fresh database (migrated, `regie demo --people 100` for the municipalities):
#   1. a few single requests with curl: 201, the same berichtId again 201 and no second row,
#      403 for a wrong bron or an unknown doel, 400 for a missing berichtId or a bad body;
#   2. `GET /` on the listener (404, no database) at 1 and 16 connections: the ceiling; then a
#      notification for an unknown doel (403 after reading the municipalities, nothing stored);
#   3. with DUO_WORKER=false: fresh berichtIds at each of CONNECTIONS;
#   4. with DUO_WORKER=false: every request repeats one of KEYS berichtIds (16 connections);
#   5. restarted with DUO_WORKER=true and no DUO_URL (the worker claims every due notification and
#      postpones it): first with everything stored so far still due (a backlog, as after the worker
#      was off), then with that backlog marked processed (caught up), at each of WORKER_CONNECTIONS.
# Each wrk run is preceded by a WARMUP run with fresh berichtIds; rows are counted after each run.
#
# Environment: DURATION (20s), WARMUP (3s), CONNECTIONS ("1 4 16"), WORKER_CONNECTIONS ("1 16"),
#              KEYS (1000), PEOPLE (100), PORT (28281), NOTIFY_PORT (28282), ENGINES ("sqlite postgres"),
#              PG_OPTS, SKIP_BUILD=1, REGIE_BIN. The report is printed and kept, with the raw wrk
#              output and the server logs, in bench/results/<stamp>-duo-ingest/ (git-ignored).
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$BENCH_DIR")
DURATION=${DURATION:-20s}
WARMUP=${WARMUP:-3s}
CONNECTIONS=${CONNECTIONS:-"1 4 16"}
WORKER_CONNECTIONS=${WORKER_CONNECTIONS:-"1 16"}
KEYS=${KEYS:-1000}
PEOPLE=${PEOPLE:-100}
PORT=${PORT:-28281}
NOTIFY_PORT=${NOTIFY_PORT:-28282}
ENGINES=${ENGINES:-"sqlite postgres"}
PG_OPTS=${PG_OPTS:-}
BRON=00000009999999999000            # DUOConfig.developmentDUOOIN
DOEL=00000009000009880000            # DUOConfig.developmentOIN(for: "GM0988"), Weert
LUA="$BENCH_DIR/duo-notify.lua"

for tool in wrk curl awk sqlite3; do
  command -v "$tool" >/dev/null || { echo "$tool is required (apt-get install -y $tool)" >&2; exit 2; }
done

STARTED=$(date +%s)
STAMP=$(date +%Y%m%d-%H%M%S)
RUN_DIR="$BENCH_DIR/results/$STAMP-duo-ingest"   # bench/results/ is git-ignored
mkdir -p "$RUN_DIR"
BASE="http://127.0.0.1:$PORT"
NOTIFY="http://127.0.0.1:$NOTIFY_PORT"
log() { printf '[duo-bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
nonce() { od -An -N4 -tx1 /dev/urandom | tr -d ' \n'; }
uuid() { local h; h=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n'); echo "${h:0:8}-${h:8:4}-4${h:13:3}-8${h:17:3}-${h:20:12}"; }

# --- build -----------------------------------------------------------------------------------------
if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
  log "building the release binary (scratch path .build-release)"
  (cd "$ROOT" && swift build -c release --product regie --scratch-path .build-release) >&2
fi
BIN="${REGIE_BIN:-$ROOT/.build-release/release/regie}"
[[ -x "$BIN" ]] || { echo "no binary at $BIN (run without SKIP_BUILD=1)" >&2; exit 2; }

# --- PostgreSQL: a given database, or a throwaway cluster -------------------------------------------
PG_DIR=
PG_CTL=
as_pg_owner() { if [[ "$(id -u)" == 0 ]]; then su postgres -s /bin/bash -c "$*"; else bash -c "$*"; fi; }
stop_cluster() {
  if [[ -n "$PG_DIR" ]]; then
    cp "$PG_DIR/server.log" "$RUN_DIR/postgres/cluster.log" 2>/dev/null || true
    as_pg_owner "'$PG_CTL' -D '$PG_DIR' -m fast stop" >/dev/null 2>&1 || true
    rm -rf "$PG_DIR" "$PG_DIR.initdb.log"
    PG_DIR=
  fi
}
start_cluster() {
  local bin port
  bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
  if [[ -z "$bin" ]] && command -v pg_ctl >/dev/null; then bin=$(dirname "$(command -v pg_ctl)"); fi
  [[ -n "$bin" && -x "$bin/initdb" ]] || return 1
  PG_CTL="$bin/pg_ctl"
  PG_DIR=$(mktemp -d /tmp/regie-bench-pg.XXXXXX)
  port=$(( 20000 + RANDOM % 20000 ))
  [[ "$(id -u)" == 0 ]] && chown postgres "$PG_DIR"
  as_pg_owner "'$bin/initdb' -D '$PG_DIR' -U postgres --auth=trust -E UTF8 >'$PG_DIR.initdb.log' 2>&1" || return 1
  as_pg_owner "'$PG_CTL' -D '$PG_DIR' -w -o \"-p $port -k /tmp -c listen_addresses=127.0.0.1 $PG_OPTS\" -l '$PG_DIR/server.log' start >/dev/null" || return 1
  as_pg_owner "'$bin/createdb' -h 127.0.0.1 -p $port -U postgres regie_bench_duo" || return 1
  PG_URL="postgres://postgres@127.0.0.1:$port/regie_bench_duo"
}

# --- server -----------------------------------------------------------------------------------------
SERVER_PID=
NOTES=()
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
cleanup() { stop_server; stop_cluster; }
trap cleanup EXIT
trap 'exit 130' INT TERM

# The binary runs in its own directory so a stray .env in the checkout doesn't change the
# configuration; no DUO_URL, so the worker (when on) can only postpone.
CLEAN_ENV=(-u DUO_URL -u DUO_OIN -u DUO_MUNICIPALITY_OINS -u DUO_TLS_CERT -u DUO_TLS_KEY -u DUO_TLS_CA -u DUO_POLL_MS -u REGIE_ENV)
run_regie() { (cd "$ENGINE_DIR" && exec env "${CLEAN_ENV[@]}" LOG_LEVEL=warning "$@"); }

# start_server <true|false>: the web server on PORT and the Notificatie API on NOTIFY_PORT.
start_server() {
  local worker=$1 name=server-worker-$1
  for p in "$PORT" "$NOTIFY_PORT"; do
    if curl -s -o /dev/null --max-time 2 "http://127.0.0.1:$p/"; then
      echo "something already answers on port $p; choose others with PORT=/NOTIFY_PORT=" >&2; exit 2
    fi
  done
  # A subshell that execs the binary (not a function), so that $! is the server's own pid.
  (cd "$ENGINE_DIR" && exec env "${CLEAN_ENV[@]}" LOG_LEVEL=warning DUO_WORKER="$worker" DUO_NOTIFY_HOST=127.0.0.1 \
     DUO_NOTIFY_PORT="$NOTIFY_PORT" "$BIN" serve --port "$PORT" "${DB_ARGS[@]}") >"$ENGINE_DIR/$name.out" 2>"$ENGINE_DIR/$name.log" &
  SERVER_PID=$!
  for _ in $(seq 1 300); do
    if curl -sf -o /dev/null "$BASE/health/live" && [[ "$(curl -s -o /dev/null -w '%{http_code}' "$NOTIFY/")" == 404 ]]; then break; fi
    kill -0 "$SERVER_PID" 2>/dev/null || { echo "server exited; see $ENGINE_DIR/$name.log" >&2; tail -5 "$ENGINE_DIR/$name.log" >&2; exit 1; }
    sleep 0.1
  done
  [[ "$(curl -s -o /dev/null -w '%{http_code}' "$NOTIFY/")" == 404 ]] || { echo "the notification listener did not come up" >&2; exit 1; }
  log "server up (pid $SERVER_PID, DUO_WORKER=$worker): $BASE, notifications on $NOTIFY"
}

peak_rss() { awk '/^VmHWM/ { printf "%.0f MiB", $2 / 1024 }' "/proc/$SERVER_PID/status"; }

# One notification with curl; prints the HTTP status.
post() {
  local bron=$1 doel=$2 id=$3 body=$4 args=()
  [[ -z "$id" ]] || args+=(-H "berichtId: $id")
  curl -s -o /dev/null -w '%{http_code}' -X POST "$NOTIFY/v1/notificaties" \
    -H "bron: $bron" -H "doel: $doel" -H 'Content-Type: application/json' "${args[@]}" --data "$body"
}

# --- measurements ----------------------------------------------------------------------------------
declare -a ROWS
TABLE_HEAD="| engine | run | conn. | 201/s | p50 ms | p99 ms | non-201 | rows added | check |
|---|---|---:|---:|---:|---:|---:|---:|---|"

field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<" $2"; }

# wrk_run <slug> <connections> <duration> <keys> [url]: prints the RESULT line.
wrk_run() {
  local slug=$1 conns=$2 duration=$3 keys=$4 url=${5:-$NOTIFY/v1/notificaties} threads=2 out
  (( conns > 1 )) || threads=1
  out=$(BRON=$BRON DOEL=$DOEL NONCE=$(nonce) KEYS=$keys wrk -t"$threads" -c"$conns" -d"$duration" --timeout 10s --latency -s "$LUA" "$url")
  printf '%s\n' "$out" >"$ENGINE_DIR/wrk-$slug-c$conns.txt"
  grep '^RESULT' <<<"$out"
}

# measure <run label> <slug> <connections> <keys>
measure() {
  local label=$1 slug=$2 conns=$3 keys=$4 before after added line s201 sent requests non201 errors check p50 p99 rate
  local attempts_before attempts_after worker_note= t0 t1
  wrk_run "$slug-warmup" "$conns" "$WARMUP" 0 >/dev/null
  sleep 1
  before=$(count_rows)
  attempts_before=$(sum_attempts)
  t0=$(date +%s.%N)
  log "$ENGINE_LABEL: $label, $conns connection(s), $DURATION"
  line=$(wrk_run "$slug" "$conns" "$DURATION" "$keys")
  sleep 1
  after=$(count_rows)
  attempts_after=$(sum_attempts)
  t1=$(date +%s.%N)
  added=$((after - before))
  s201=$(field s201 "$line"); sent=$(field sent "$line"); requests=$(field requests "$line")
  errors=$(field errors "$line")
  non201=$((requests - s201))
  p50=$(printf '%.2f' "$(field p50_ms "$line")"); p99=$(printf '%.2f' "$(field p99_ms "$line")")
  rate=$(awk -v r="$(field ok_rps "$line")" 'BEGIN { printf "%.0f", r }')
  if (( keys > 0 )); then
    if (( non201 == 0 && errors == 0 && added <= keys )); then check="ok: ≤ $keys"; else check="**FAILED**"; fi
    (( non201 == 0 && errors == 0 && added <= keys )) ||
      NOTES+=("$ENGINE_LABEL, $label at $conns: $requests answers, $non201 not 201, $errors socket errors; $added rows added for $keys berichtIds")
  else
    if (( non201 == 0 && errors == 0 && added >= s201 && added <= sent )); then
      if (( added == s201 )); then check="ok: = 201s"; else check="ok: 201s + $((added - s201)) in flight"; fi
    else
      check="**FAILED**"
      NOTES+=("$ENGINE_LABEL, $label at $conns: $requests answers ($s201 × 201, $(field s400 "$line") × 400, $(field s403 "$line") × 403, $(field s503 "$line") × 503, $(field other "$line") other), $sent sent, $errors socket errors; $added rows added")
    fi
  fi
  if [[ "$slug" == worker* ]]; then
    worker_note=" the worker made $((attempts_after - attempts_before)) attempts meanwhile (about $(awk -v a=$((attempts_after - attempts_before)) -v t0="$t0" -v t1="$t1" 'BEGIN { printf "%.0f", a / (t1 - t0) }') per second)."
    WORKER_NOTES+=("$ENGINE_LABEL, $label at $conns connection(s):$worker_note")
  fi
  ROWS+=("| $ENGINE_LABEL | $label | $conns | $rate | $p50 | $p99 | $non201 | $added | $check |")
}

# ceiling <connections>: GET / on the listener, a 404 without a database.
ceiling() {
  local conns=$1 threads=2 out line
  (( conns > 1 )) || threads=1
  wrk -t"$threads" -c"$conns" -d"$WARMUP" "$NOTIFY/" >/dev/null
  log "$ENGINE_LABEL: ceiling (GET / → 404), $conns connection(s)"
  out=$(wrk -t"$threads" -c"$conns" -d"$DURATION" --timeout 10s --latency -s "$BENCH_DIR/report.lua" "$NOTIFY/")
  printf '%s\n' "$out" >"$ENGINE_DIR/wrk-ceiling-c$conns.txt"
  line=$(grep '^RESULT' <<<"$out")
  ROWS+=("| $ENGINE_LABEL | \`GET /\` on the listener (404, no database) | $conns | ($(awk -v r="$(field rps "$line")" 'BEGIN { printf "%.0f", r }') req/s) | $(printf '%.2f' "$(field p50_ms "$line")") | $(printf '%.2f' "$(field p99_ms "$line")") | — | — | — |")
}

# lookup <connections>: a doel that is no municipality of this instance: the headers are checked
# and the municipalities read (one SELECT), then 403; nothing is stored.
lookup() {
  local conns=$1 threads=2 out line requests s403
  (( conns > 1 )) || threads=1
  BRON=$BRON DOEL=00000009000099990000 NONCE=$(nonce) KEYS=0 wrk -t"$threads" -c"$conns" -d"$WARMUP" -s "$LUA" "$NOTIFY/v1/notificaties" >/dev/null
  log "$ENGINE_LABEL: unknown doel (403 after the municipality lookup), $conns connection(s)"
  out=$(BRON=$BRON DOEL=00000009000099990000 NONCE=$(nonce) KEYS=0 wrk -t"$threads" -c"$conns" -d"$DURATION" --timeout 10s --latency -s "$LUA" "$NOTIFY/v1/notificaties")
  printf '%s\n' "$out" >"$ENGINE_DIR/wrk-lookup-c$conns.txt"
  line=$(grep '^RESULT' <<<"$out")
  requests=$(field requests "$line"); s403=$(field s403 "$line")
  [[ "$requests" == "$s403" ]] || NOTES+=("$ENGINE_LABEL, unknown doel at $conns: $requests answers, only $s403 of them 403")
  ROWS+=("| $ENGINE_LABEL | unknown doel: 403 after the municipality lookup, nothing stored | $conns | ($(awk -v r="$(field rps "$line")" 'BEGIN { printf "%.0f", r }') 403/s) | $(printf '%.2f' "$(field p50_ms "$line")") | $(printf '%.2f' "$(field p99_ms "$line")") | $((requests - s403)) non-403 | — | — |")
}

# --- per engine --------------------------------------------------------------------------------------
SETTINGS_LINES=()
WORKER_NOTES=()
CHECK_LINES=()
for ENGINE in $ENGINES; do
  ENGINE_DIR="$RUN_DIR/$ENGINE"
  mkdir -p "$ENGINE_DIR"
  case "$ENGINE" in
    sqlite)
      DB_FILE="$ENGINE_DIR/regie.sqlite"
      DB_ARGS=(--database-path "$DB_FILE")
      count_rows() { sqlite3 -cmd '.timeout 10000' "$DB_FILE" "SELECT COUNT(*) FROM duo_notifications"; }
      sum_attempts() { sqlite3 -cmd '.timeout 10000' "$DB_FILE" "SELECT COALESCE(SUM(attempts), 0) FROM duo_notifications"; }
      db_exec() { sqlite3 -cmd '.timeout 10000' "$DB_FILE" "$1" >/dev/null; }
      ENGINE_LABEL="SQLite"
      ;;
    postgres)
      command -v psql >/dev/null || { NOTES+=("PostgreSQL skipped: psql not found"); continue; }
      if [[ -n "${BENCH_DATABASE_URL:-}" ]]; then
        PG_URL=$BENCH_DATABASE_URL
        DB_NAME=$(psql "$PG_URL" -Atc "SELECT current_database()")
        if [[ "$DB_NAME" != *bench* && "${RESET_DATABASE:-0}" != 1 ]]; then
          echo "refusing to reset database '$DB_NAME': use a database whose name contains 'bench', or RESET_DATABASE=1" >&2; exit 2
        fi
        log "resetting schema public of database $DB_NAME"
        psql "$PG_URL" -q -v ON_ERROR_STOP=1 -c "DROP SCHEMA public CASCADE; CREATE SCHEMA public;" >/dev/null
      elif start_cluster; then
        log "started a throwaway PostgreSQL cluster in $PG_DIR ($PG_URL)"
      else
        NOTES+=("PostgreSQL skipped: no BENCH_DATABASE_URL and no server binaries to start a cluster")
        continue
      fi
      DB_ARGS=(--database-url "$PG_URL")
      count_rows() { psql "$PG_URL" -Atc "SELECT COUNT(*) FROM duo_notifications"; }
      sum_attempts() { psql "$PG_URL" -Atc "SELECT COALESCE(SUM(attempts), 0) FROM duo_notifications"; }
      db_exec() { psql "$PG_URL" -q -v ON_ERROR_STOP=1 -c "$1" >/dev/null; }
      ENGINE_LABEL="PostgreSQL $(psql "$PG_URL" -Atc 'SHOW server_version' | cut -d' ' -f1)"
      [[ -z "$PG_OPTS" ]] || ENGINE_LABEL+=" ($(sed 's/-c //g; s/  */ /g; s/^ //; s/ $//' <<<"$PG_OPTS"))"
      ;;
    *) echo "unknown engine $ENGINE (sqlite or postgres)" >&2; exit 2 ;;
  esac

  LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
  log "$ENGINE_LABEL: migrate and demo data (--people $PEOPLE)"
  run_regie "$BIN" migrate "${DB_ARGS[@]}" >"$ENGINE_DIR/migrate.log" 2>&1
  run_regie "$BIN" demo "${DB_ARGS[@]}" --people "$PEOPLE" >"$ENGINE_DIR/demo.log" 2>&1
  if [[ "$ENGINE" == sqlite ]]; then
    SETTINGS_LINES+=("- $ENGINE_LABEL $(sqlite3 --version | cut -d' ' -f1) (sqlite3 CLI; the server links its own): journal_mode $(sqlite3 "$DB_FILE" 'PRAGMA journal_mode'), synchronous NORMAL and busy_timeout 10000 per connection (\`SQLiteSource\`), pool of ${DATABASE_MAX_CONNECTIONS:-4} connections (\`DATABASE_MAX_CONNECTIONS\`).")
  else
    SETTINGS_LINES+=("- $ENGINE_LABEL: $(psql "$PG_URL" -Atc "SELECT string_agg(name || '=' || current_setting(name), ', ' ORDER BY name) FROM pg_settings WHERE name IN ('fsync', 'synchronous_commit', 'wal_sync_method', 'full_page_writes', 'shared_buffers', 'max_connections', 'commit_delay')"); pool of ${DATABASE_MAX_CONNECTIONS:-16} connections (\`DATABASE_MAX_CONNECTIONS\`); $( [[ -n "$PG_DIR" ]] && echo "a throwaway cluster on the same disk" || echo "the database in BENCH_DATABASE_URL").")
  fi

  # 1. single requests
  start_server false
  before=$(count_rows)
  id=$(uuid)
  body='{"registratieDatumTijd":"2026-11-20T10:15:00Z","bsn":"123456782","gebeurtenisId":"SS101"}'
  c1=$(post "$BRON" "$DOEL" "$id" "$body"); c2=$(post "$BRON" "$DOEL" "$id" "$body")
  mid=$(count_rows)
  c3=$(post 00000001234567890000 "$DOEL" "$(uuid)" "$body")
  c4=$(post "$BRON" 00000009000099990000 "$(uuid)" "$body")
  c5=$(post "$BRON" "$DOEL" "" "$body")
  c6=$(post "$BRON" "$DOEL" "$(uuid)" '{"registratieDatumTijd":"20 november","bsn":"12345","gebeurtenisId":"SS101"}')
  after=$(count_rows)
  line="$ENGINE_LABEL single requests: new $c1, same berichtId again $c2 (rows added $((mid - before))); wrong bron $c3, unknown doel $c4, no berichtId $c5, bad body $c6 (rows added $((after - mid)))"
  if [[ "$c1 $c2 $((mid - before)) $c3 $c4 $c5 $c6 $((after - mid))" == "201 201 1 403 403 400 400 0" ]]; then
    CHECK_LINES+=("- $line: as expected.")
  else
    CHECK_LINES+=("- **$line: NOT as expected** (expected 201, 201, 1; 403, 403, 400, 400, 0).")
  fi

  # 2. ceiling, 3. fresh berichtIds, 4. repeated berichtIds (worker off)
  for conns in 1 16; do ceiling "$conns"; done
  for conns in 1 16; do lookup "$conns"; done
  for conns in $CONNECTIONS; do measure "worker off, fresh berichtIds" fresh "$conns" 0; done
  measure "worker off, every request one of $KEYS berichtIds" repeat 16 "$KEYS"
  SETTINGS_LINES+=("- $ENGINE_LABEL, server with the worker off: peak RSS $(peak_rss).")
  stop_server

  # 5. worker on: first with a backlog (everything stored so far is due), then caught up.
  backlog=$(count_rows)
  start_server true
  measure "worker on, backlog of $backlog due" worker-backlog 16 0
  db_exec "UPDATE duo_notifications SET status = 'processed', processed_at = received_at WHERE status IN ('received', 'waiting')"
  sleep 2
  for conns in $WORKER_CONNECTIONS; do measure "worker on, caught up" worker "$conns" 0; done
  SETTINGS_LINES+=("- $ENGINE_LABEL, server with the worker on: peak RSS $(peak_rss); $(grep -c . "$ENGINE_DIR/server-worker-true.log" || true) log lines at warning or above (worker off: $(grep -c . "$ENGINE_DIR/server-worker-false.log" || true)).")
  stop_server
  SETTINGS_LINES+=("- $ENGINE_LABEL: $(count_rows) notifications stored in all. Load average (1, 5, 15 min) before: $LOAD_BEFORE; after: $(cut -d' ' -f1-3 /proc/loadavg).")
  [[ "$ENGINE" != postgres ]] || stop_cluster
done

# --- report --------------------------------------------------------------------------------------------
CPU=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
MEM=$(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)
COMMIT=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
if [[ "$COMMIT" != unknown && -n "$(GIT_OPTIONAL_LOCKS=0 git -C "$ROOT" status --porcelain --untracked-files=no 2>/dev/null)" ]]; then
  COMMIT+=" (with uncommitted changes)"
fi
REPORT="### $(date '+%Y-%m-%d %H:%M') — DUO notification ingest

Machine: $(nproc) CPUs, $CPU, $MEM RAM. Commit \`$COMMIT\`. wrk $DURATION per row after a $WARMUP warm-up with fresh berichtIds, \`-t1\` at 1 connection and \`-t2\` otherwise, loopback, \`bench/duo-notify.lua\`. 201/s counts 201 answers only; rows added is counted in \`duo_notifications\` after each row.

$TABLE_HEAD"
for row in "${ROWS[@]}"; do REPORT+=$'\n'"$row"; done
REPORT+=$'\n'
for line in "${CHECK_LINES[@]+"${CHECK_LINES[@]}"}" "${SETTINGS_LINES[@]+"${SETTINGS_LINES[@]}"}"; do REPORT+=$'\n'"$line"; done
for line in "${WORKER_NOTES[@]+"${WORKER_NOTES[@]}"}"; do REPORT+=$'\n'"- $line"; done
REPORT+=$'\n'"- Whole run: $(( $(date +%s) - STARTED )) s. Raw wrk output and server logs: \`bench/results/$(basename "$RUN_DIR")/\`."
for note in "${NOTES[@]+"${NOTES[@]}"}"; do REPORT+=$'\n'"- WARNING: $note"; done

printf '%s\n' "$REPORT" | tee "$RUN_DIR/report.md"
