#!/usr/bin/env bash
# Regie benchmark: lesson ingest through the provider API. Starts the release server on a fresh
# database, makes a link key for the demo provider "Taalhuis Weert" the way a functioneel beheerder
# does, gives the provider's first offer a bigger started group, and measures `POST
# /api/aanbieder/v1/lessons` with wrk over loopback: lessons per second stored (201), latency, the
# participant rows (lesson_attendance) stored per second, and — counted in the database — that every
# 201 stored exactly one lesson and a repeated messageId nothing.
#
#   bench/provider-api.sh                     SQLite, then PostgreSQL (a throwaway cluster)
#   ENGINES=sqlite bench/provider-api.sh      one engine only
#   BENCH_DATABASE_URL=postgres://.../regie_bench_provider bench/provider-api.sh
#                                             PostgreSQL in that database; its public schema is
#                                             DROPPED first (only if the name contains "bench",
#                                             or RESET_DATABASE=1)
#   PG_OPTS='-c synchronous_commit=off' ENGINES=postgres bench/provider-api.sh
#                                             the throwaway cluster with other settings
#   SKIP_BUILD=1 REGIE_BIN=/path/to/regie DURATION=5s WARMUP=1s bench/provider-api.sh
#                                             another binary, no build, short runs (a smoke test)
#
# Without BENCH_DATABASE_URL the script starts a throwaway PostgreSQL cluster (initdb's defaults,
# so fsync and synchronous_commit on, plus PG_OPTS) on a random port and removes it afterwards;
# without PostgreSQL's server binaries the PostgreSQL part is skipped.
#
# Per engine, on one fresh database (migrated, `regie demo --people PEOPLE`), the server with
# DUO_WORKER=false (the DUO outbox each present participant gets a message in is not drained):
#   1. sign in as beheer@regie.example and make a link key on /beheer/aanbieders/<provider>;
#   2. with SQL, GROUP more persons of Weert (not referred before) get a started referral to the
#      provider's first offer (started 40 days ago) with a running consent (identity); the group
#      (started before the oldest lesson date) is read with `GET /referrals?limit=200`;
#   3. a few single requests with curl: 201; the same body again 201 with "replayed": true; the
#      same messageId with another body 409; a referral outside the group in `present` 400; no key
#      401 — and the rows counted after each (lessons, lesson_attendance, uren of lessons,
#      provider_messages, duo_outbox): a repeat or a refusal stores nothing;
#   4. fresh messageIds at each of CONNECTIONS (dates over the last 28 days, times, hours and the
#      one absent member at random; everyone else in the group present);
#   5. every request one of KEYS messageIds delivered before (16 connections): replays, nothing
#      stored;
#   6. `GET /health/live` at 16 connections: the machine's ceiling for the same server.
# Each wrk run is preceded by a WARMUP run of the same kind; rows are counted before and after each
# run (once they have not changed for 1.5 s, so the requests still in flight have finished).
#
# Environment: DURATION (20s), WARMUP (3s), CONNECTIONS ("1 4 16"), KEYS (200), PEOPLE (1000),
#              GROUP (15), PORT (28283), ENGINES ("sqlite postgres"), PG_OPTS, SKIP_BUILD=1,
#              REGIE_BIN. The report is printed and kept, with the raw wrk output, the requests'
#              bodies and the server logs, in bench/results/<stamp>-provider-api/ (git-ignored).
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$BENCH_DIR")
DURATION=${DURATION:-20s}
WARMUP=${WARMUP:-3s}
CONNECTIONS=${CONNECTIONS:-"1 4 16"}
KEYS=${KEYS:-200}
PEOPLE=${PEOPLE:-1000}
GROUP=${GROUP:-15}
PORT=${PORT:-28283}
ENGINES=${ENGINES:-"sqlite postgres"}
PG_OPTS=${PG_OPTS:-}
PROVIDER=00000000-0000-4000-8003-000000000001   # the demo's "Taalhuis Weert" (GM0988)
MUNICIPALITY=GM0988
BEHEER=beheer@regie.example
PASSWORD=regie-demo-2026
LUA="$BENCH_DIR/provider-lesson.lua"

for tool in wrk curl awk sqlite3 jq; do
  command -v "$tool" >/dev/null || { echo "$tool is required (apt-get install -y $tool)" >&2; exit 2; }
done
[[ "$GROUP" =~ ^[0-9]+$ && "$KEYS" =~ ^[1-9][0-9]*$ ]] || { echo "GROUP must be a number, KEYS a positive number" >&2; exit 2; }

STARTED=$(date +%s)
STAMP=$(date +%Y%m%d-%H%M%S)
RUN_DIR="$BENCH_DIR/results/$STAMP-provider-api"   # bench/results/ is git-ignored
mkdir -p "$RUN_DIR"
BASE="http://127.0.0.1:$PORT"
API="$BASE/api/aanbieder/v1"
log() { printf '[provider-bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { echo "provider-api: $*" >&2; exit 1; }
nonce() { od -An -N4 -tx1 /dev/urandom | tr -d ' \n'; }
uuid() { local h; h=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n'); echo "${h:0:8}-${h:8:4}-4${h:13:3}-8${h:17:3}-${h:20:12}"; }
# Dates as Regie sees them: the civil date in Europe/Amsterdam.
day() { TZ=Europe/Amsterdam date -d "$1 days ago" +%F; }

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
  as_pg_owner "'$bin/createdb' -h 127.0.0.1 -p $port -U postgres regie_bench_provider" || return 1
  PG_URL="postgres://postgres@127.0.0.1:$port/regie_bench_provider"
}

# --- server -----------------------------------------------------------------------------------------
SERVER_PID=
NOTES=()
ENGINE_LABEL=
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
# configuration; no DUO_URL (so no notification listener), and the DUO worker off.
CLEAN_ENV=(-u DUO_URL -u DUO_OIN -u DUO_MUNICIPALITY_OINS -u DUO_TLS_CERT -u DUO_TLS_KEY -u DUO_TLS_CA -u DUO_POLL_MS
           -u DUO_NOTIFY_PORT -u REGIE_ENV)
run_regie() { (cd "$ENGINE_DIR" && exec env "${CLEAN_ENV[@]}" LOG_LEVEL=warning "$@"); }

start_server() {
  local name=server
  if curl -s -o /dev/null --max-time 2 "$BASE/"; then
    echo "something already answers on port $PORT; choose another with PORT=" >&2; exit 2
  fi
  # A subshell that execs the binary (not a function), so that $! is the server's own pid.
  (cd "$ENGINE_DIR" && exec env "${CLEAN_ENV[@]}" LOG_LEVEL=warning DUO_WORKER=false \
     "$BIN" serve --port "$PORT" "${DB_ARGS[@]}") >"$ENGINE_DIR/$name.out" 2>"$ENGINE_DIR/$name.log" &
  SERVER_PID=$!
  for _ in $(seq 1 300); do
    curl -sf -o /dev/null "$BASE/health/live" && break
    kill -0 "$SERVER_PID" 2>/dev/null || { echo "server exited; see $ENGINE_DIR/$name.log" >&2; tail -5 "$ENGINE_DIR/$name.log" >&2; exit 1; }
    sleep 0.1
  done
  curl -sf -o /dev/null "$BASE/health/live" || die "the server did not answer /health/live within 30 s; see $ENGINE_DIR/$name.log"
  log "server up (pid $SERVER_PID, DUO_WORKER=false): $BASE"
}

peak_rss() { awk '/^VmHWM/ { printf "%.0f MiB", $2 / 1024 }' "/proc/$SERVER_PID/status"; }

# --- the link key: signed in as the functioneel beheerder, made on the provider's page --------------
csrf_in() { { grep -o 'name="_csrf"[^>]*' "$1" || true; } | sed -n 's/.*value="\([^"]*\)".*/\1/p' | awk 'NR == 1'; }
make_key() {
  local jar="$ENGINE_DIR/beheer.jar" page="$ENGINE_DIR/key-page.html" answer="$ENGINE_DIR/key-made.html" csrf status key
  rm -f "$jar"
  status=$(curl -s -c "$jar" -o "$page" -w '%{http_code}' "$BASE/inloggen")
  csrf=$(csrf_in "$page")
  [[ "$status" == 200 && -n "$csrf" ]] || die "cannot make a link key: GET /inloggen gave HTTP $status ${csrf:+with}${csrf:-without} a _csrf field"
  status=$(curl -s -o /dev/null -w '%{http_code}' -b "$jar" -c "$jar" --data-urlencode "_csrf=$csrf" \
    --data-urlencode "email=$BEHEER" --data-urlencode "password=$PASSWORD" "$BASE/inloggen")
  [[ "$status" == 303 ]] || die "cannot make a link key: signing in as $BEHEER gave HTTP $status (expected 303; is the demo data there?)"
  status=$(curl -s -b "$jar" -c "$jar" -o "$page" -w '%{http_code}' "$BASE/beheer/aanbieders/$PROVIDER")
  csrf=$(csrf_in "$page")
  [[ "$status" == 200 && -n "$csrf" ]] || die "cannot make a link key: GET /beheer/aanbieders/$PROVIDER gave HTTP $status ${csrf:+with}${csrf:-without} a _csrf field"
  status=$(curl -s -b "$jar" -c "$jar" -o "$answer" -w '%{http_code}' --data-urlencode "_csrf=$csrf" \
    --data-urlencode "actie=maken" --data-urlencode "keyName=bench-$STAMP" "$BASE/beheer/aanbieders/$PROVIDER/sleutels")
  key=$({ grep -oE 'regie-aanbieder_[A-Za-z0-9-]{12}_[A-Za-z0-9_-]+' "$answer" || true; } | awk 'NR == 1')
  [[ "$status" == 201 && -n "$key" ]] || die "cannot make a link key: POST /beheer/aanbieders/$PROVIDER/sleutels gave HTTP $status ${key:+with}${key:-without} a key (page in $answer)"
  rm -f "$answer"   # the page shows the secret; don't keep it
  status=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $key" "$API/offers")
  [[ "$status" == 200 ]] || die "the new link key does not work: GET $API/offers gave HTTP $status"
  LINK_KEY=$key
}

# api <method> <path> [body]: prints "<status> <body on one line>".
api() {
  local method=$1 path=$2 body=${3:-} out=$ENGINE_DIR/last-answer.json status args=()
  [[ -z "$body" ]] || args+=(-H 'Content-Type: application/json' --data "$body")
  status=$(curl -s -o "$out" -w '%{http_code}' -X "$method" -H "Authorization: Bearer $LINK_KEY" "${args[@]}" "$API$path")
  echo "$status $(tr -d '\n' <"$out")"
}

# A lesson body: lesson_body <messageId> <date> <startsAt> <hours> <present as a JSON array>.
lesson_body() {
  printf '{"messageId":"%s","offerId":"%s","date":"%s","startsAt":"%s","hours":%s,"kind":"cursus","present":%s}' "$1" "$OFFER" "$2" "$3" "$4" "$5"
}
# The group's referral ids but the one at index i (0-based), as a JSON array.
present_but() {
  local i=$1 j ids=()
  for j in "${!GROUP_IDS[@]}"; do (( j == i )) || ids+=("\"${GROUP_IDS[$j]}\""); done
  local IFS=,
  echo "[${ids[*]}]"
}

# --- measurements ----------------------------------------------------------------------------------
declare -a ROWS
TABLE_HEAD="| engine | run | conn. | req/s | p50 ms | p99 ms | non-2xx | lessons stored | participant rows stored | rows/s | load (1 min) | check |
|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"

field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<" $2"; }
round() { awk -v r="$1" 'BEGIN { printf "%.0f", r }'; }
# counts: "lessons attendance uren-of-lessons provider_messages duo_outbox"
counts() { db_query "SELECT (SELECT COUNT(*) FROM lessons), (SELECT COUNT(*) FROM lesson_attendance), (SELECT COUNT(*) FROM uren WHERE lesson_id IS NOT NULL), (SELECT COUNT(*) FROM provider_messages), (SELECT COUNT(*) FROM duo_outbox)" | tr '|' ' '; }

# settled_counts: counts once nothing changed for 1.5 s (requests still in flight when wrk stops go
# on in the server, and a queue of them can take seconds); at most 60 s.
settled_counts() {
  local previous current quiet=0 i
  previous=$(counts)
  for i in $(seq 1 80); do
    sleep 0.75
    current=$(counts)
    if [[ "$current" == "$previous" ]]; then quiet=$((quiet + 1)); (( quiet < 2 )) || break; else quiet=0; fi
    previous=$current
  done
  (( quiet >= 2 )) || log "WARNING: $ENGINE_LABEL: the row counts still changed 60 s after a wrk run"
  echo "$current"
}

# wrk_run <slug> <mode> <connections> <duration>: prints the RESULT line.
wrk_run() {
  local slug=$1 mode=$2 conns=$3 duration=$4 threads=2 out
  (( conns > 1 )) || threads=1
  out=$(KEY=$LINK_KEY MODE=$mode OFFER=$OFFER GROUP=$GROUP_CSV DATES=$DATES_CSV NONCE=$(nonce) BODIES=$ENGINE_DIR/replay-bodies.jsonl \
    wrk -t"$threads" -c"$conns" -d"$duration" --timeout 10s --latency -s "$LUA" "$API/lessons")
  printf '%s\n' "$out" >"$ENGINE_DIR/wrk-$slug-c$conns.txt"
  grep '^RESULT' <<<"$out" || die "wrk printed no RESULT line; see $ENGINE_DIR/wrk-$slug-c$conns.txt"
}

# measure <run label> <slug> <fresh|repeat> <connections>
measure() {
  local label=$1 slug=$2 mode=$3 conns=$4 before after line load
  local lessons attendance uren seconds s201 new replayed sent requests errors non2xx check rate rows_rate ok=1 why=()
  wrk_run "$slug-warmup" "$mode" "$conns" "$WARMUP" >/dev/null
  read -r -a before <<<"$(settled_counts)"
  load=$(cut -d' ' -f1 /proc/loadavg)
  log "$ENGINE_LABEL: $label, $conns connection(s), $DURATION"
  line=$(wrk_run "$slug" "$mode" "$conns" "$DURATION")
  read -r -a after <<<"$(settled_counts)"
  lessons=$((after[0] - before[0])); attendance=$((after[1] - before[1])); uren=$((after[2] - before[2]))
  seconds=$(field seconds "$line"); s201=$(field s201 "$line"); new=$(field new "$line"); replayed=$(field replayed "$line")
  sent=$(field sent "$line"); requests=$(field requests "$line"); errors=$(field errors "$line")
  non2xx=$((requests - s201))
  (( non2xx == 0 && errors == 0 )) || { ok=0; why+=("$non2xx non-2xx ($(field s400 "$line") × 400, $(field s401 "$line") × 401, $(field s409 "$line") × 409, $(field s5xx "$line") × 5xx, $(field other "$line") other), $errors socket errors"); }
  if [[ "$mode" == fresh ]]; then
    rate=$(round "$(field new_rps "$line")")
    (( replayed == 0 )) || { ok=0; why+=("$replayed fresh messageIds answered as replays"); }
    (( lessons >= new && lessons <= sent )) || { ok=0; why+=("$lessons lessons stored for $new × 201 ($sent sent)"); }
    (( attendance == lessons * GROUP_ALL )) || { ok=0; why+=("$attendance participant rows for $lessons lessons of a group of $GROUP_ALL"); }
    (( uren == lessons * (GROUP_ALL - 1) )) || { ok=0; why+=("$uren uren rows for $lessons lessons with $((GROUP_ALL - 1)) present"); }
    if (( ok )); then
      if (( lessons == new )); then check="ok: 1 lesson per 201"; else check="ok: 201s + $((lessons - new)) in flight"; fi
      check+=", $GROUP_ALL rows each"
    fi
  else
    rate=$(round "$(field ok_rps "$line")")
    (( new == 0 )) || { ok=0; why+=("$new answers not marked replayed"); }
    (( lessons == 0 && attendance == 0 && uren == 0 && after[3] == before[3] )) ||
      { ok=0; why+=("stored $lessons lessons, $attendance participant rows, $uren uren rows, $((after[3] - before[3])) messages"); }
    (( ok )) && check="ok: all replayed, nothing stored"
  fi
  if (( ! ok )); then
    check="**FAILED**"
    local IFS=';'
    NOTES+=("$ENGINE_LABEL, $label at $conns: ${why[*]}")
  fi
  rows_rate=$(awk -v a="$attendance" -v s="$seconds" 'BEGIN { printf "%.0f", (s > 0 ? a / s : 0) }')
  ROWS+=("| $ENGINE_LABEL | $label | $conns | $rate | $(printf '%.2f' "$(field p50_ms "$line")") | $(printf '%.2f' "$(field p99_ms "$line")") | $non2xx | $lessons | $attendance | $rows_rate | $load | $check |")
  if [[ "$mode" == fresh && "$conns" == 16 ]]; then LESSONS_16=$rate; fi
}

# ceiling <connections>: GET /health/live (no database).
ceiling() {
  local conns=$1 threads=2 out line load rate
  (( conns > 1 )) || threads=1
  wrk -t"$threads" -c"$conns" -d"$WARMUP" "$BASE/health/live" >/dev/null
  load=$(cut -d' ' -f1 /proc/loadavg)
  log "$ENGINE_LABEL: ceiling (GET /health/live), $conns connection(s)"
  out=$(wrk -t"$threads" -c"$conns" -d"$DURATION" --timeout 10s --latency -s "$BENCH_DIR/report.lua" "$BASE/health/live")
  printf '%s\n' "$out" >"$ENGINE_DIR/wrk-health-c$conns.txt"
  line=$(grep '^RESULT' <<<"$out") || die "wrk printed no RESULT line; see $ENGINE_DIR/wrk-health-c$conns.txt"
  rate=$(round "$(field rps "$line")")
  ROWS+=("| $ENGINE_LABEL | \`GET /health/live\` (the ceiling, no database) | $conns | $rate | $(printf '%.2f' "$(field p50_ms "$line")") | $(printf '%.2f' "$(field p99_ms "$line")") | $(field non200 "$line") | — | — | — | $load | — |")
  HEALTH_16=$rate
}

# --- per engine --------------------------------------------------------------------------------------
SETTINGS_LINES=()
CHECK_LINES=()
for ENGINE in $ENGINES; do
  ENGINE_DIR="$RUN_DIR/$ENGINE"
  mkdir -p "$ENGINE_DIR"
  case "$ENGINE" in
    sqlite)
      DB_FILE="$ENGINE_DIR/regie.sqlite"
      DB_ARGS=(--database-path "$DB_FILE")
      db_query() { sqlite3 -cmd '.timeout 10000' "$DB_FILE" "$1"; }
      db_script() { sqlite3 -cmd '.timeout 10000' -bail "$DB_FILE" <"$1" >/dev/null; }
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
      db_query() { psql "$PG_URL" -v ON_ERROR_STOP=1 -Atc "$1"; }
      db_script() { psql "$PG_URL" -q -v ON_ERROR_STOP=1 -f "$1" >/dev/null; }
      ENGINE_LABEL="PostgreSQL $(psql "$PG_URL" -Atc 'SHOW server_version' | cut -d' ' -f1)"
      [[ -z "$PG_OPTS" ]] || ENGINE_LABEL+=" ($(sed 's/-c //g; s/  */ /g; s/^ //; s/ $//' <<<"$PG_OPTS"))"
      ;;
    *) echo "unknown engine $ENGINE (sqlite or postgres)" >&2; exit 2 ;;
  esac

  LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
  log "$ENGINE_LABEL: migrate and demo data (--people $PEOPLE)"
  run_regie "$BIN" migrate "${DB_ARGS[@]}" >"$ENGINE_DIR/migrate.log" 2>&1 || die "migrate failed; see $ENGINE_DIR/migrate.log"
  run_regie "$BIN" demo "${DB_ARGS[@]}" --people "$PEOPLE" >"$ENGINE_DIR/demo.log" 2>&1 || die "regie demo failed; see $ENGINE_DIR/demo.log"
  if [[ "$ENGINE" == sqlite ]]; then
    SETTINGS_LINES+=("- $ENGINE_LABEL $(sqlite3 --version | cut -d' ' -f1) (sqlite3 CLI; the server links its own): journal_mode $(sqlite3 "$DB_FILE" 'PRAGMA journal_mode'), synchronous NORMAL and busy_timeout 10000 per connection (\`SQLiteSource\`), pool of ${DATABASE_MAX_CONNECTIONS:-4} connections (\`DATABASE_MAX_CONNECTIONS\`).")
  else
    SETTINGS_LINES+=("- $ENGINE_LABEL: $(psql "$PG_URL" -Atc "SELECT string_agg(name || '=' || current_setting(name), ', ' ORDER BY name) FROM pg_settings WHERE name IN ('fsync', 'synchronous_commit', 'wal_sync_method', 'full_page_writes', 'shared_buffers', 'max_connections', 'commit_delay')"); pool of ${DATABASE_MAX_CONNECTIONS:-16} connections (\`DATABASE_MAX_CONNECTIONS\`); $( [[ -n "$PG_DIR" ]] && echo "a throwaway cluster on the same disk" || echo "the database in BENCH_DATABASE_URL").")
  fi

  # 1. the server and a link key
  start_server
  LINK_KEY=
  make_key
  log "$ENGINE_LABEL: link key made for provider $PROVIDER"
  read -r status answer <<<"$(api GET /offers)"
  [[ "$status" == 200 ]] || die "GET /offers gave HTTP $status: $answer"
  OFFER=$(jq -r '.data[0].id // empty' <<<"$answer")
  OFFER_NAME=$(jq -r '.data[0].name // empty' <<<"$answer")
  [[ -n "$OFFER" ]] || die "provider $PROVIDER has no active offer (GET /offers: $answer)"

  # 2. a bigger group: GROUP more persons of the municipality, started 40 days ago, consent running
  STARTED_ON=$(day 40)
  CUTOFF=$(day 31)            # the oldest date a lesson may have (RecordLesson.deliveryWindowDays)
  mapfile -t persons < <(db_query "SELECT p.id FROM persons p JOIN trajecten t ON t.person_id = p.id
    WHERE p.municipality_code = '$MUNICIPALITY' AND t.closed_date IS NULL
      AND NOT EXISTS (SELECT 1 FROM referrals r WHERE r.person_id = p.id)
    ORDER BY p.id LIMIT $GROUP")
  (( ${#persons[@]} == GROUP )) || NOTES+=("$ENGINE_LABEL: only ${#persons[@]} persons of $MUNICIPALITY without a referral to add to the group (GROUP=$GROUP); raise PEOPLE")
  created_by=$(db_query "SELECT created_by FROM referrals ORDER BY created_at, id LIMIT 1")
  recorded_by=$(db_query "SELECT recorded_by FROM referral_consents ORDER BY recorded_at, id LIMIT 1")
  sql="$ENGINE_DIR/group.sql"
  { echo "BEGIN;"
    for person in "${persons[@]+"${persons[@]}"}"; do
      referral=$(uuid)
      echo "INSERT INTO referrals (id, person_id, offer_id, status, referred_on, started_on, created_by, created_at) VALUES ('$referral', '$person', '$OFFER', 'started', '$(day 45)', '$STARTED_ON', '${created_by:-bench}', $(date +%s));"
      echo "INSERT INTO referral_consents (id, referral_id, person_id, classes, given_on, recorded_by, recorded_at) VALUES ('$(uuid)', '$referral', '$person', 'identity', '$(day 45)', '${recorded_by:-bench}', $(date +%s));"
    done
    echo "COMMIT;"
  } >"$sql"
  db_script "$sql" || die "inserting the group failed; see $sql"
  # The group as the provider sees it: started referrals to the offer, started before the oldest
  # lesson date (so every lesson has the same group), with a running consent.
  read -r status answer <<<"$(api GET '/referrals?limit=200')"
  [[ "$status" == 200 ]] || die "GET /referrals?limit=200 gave HTTP $status: $answer"
  mapfile -t GROUP_IDS < <(jq -r --arg offer "$OFFER" --arg cutoff "$CUTOFF" \
    '.data[] | select(.offerId == $offer and .status == "started" and .startedOn != null and .startedOn <= $cutoff) | .id' <<<"$answer" | sort)
  late=$(jq -r --arg offer "$OFFER" --arg cutoff "$CUTOFF" \
    '[.data[] | select(.offerId == $offer and .status == "started" and (.startedOn == null or .startedOn > $cutoff))] | length' <<<"$answer")
  [[ "$(jq -r '.next // empty' <<<"$answer")" == "" ]] || NOTES+=("$ENGINE_LABEL: GET /referrals has more than 200 referrals; the group was read from the first page only")
  (( ${#GROUP_IDS[@]} > 0 )) || die "the group of offer $OFFER is empty: no started referral with a running consent (GET /referrals: $(head -c 500 <<<"$answer"))"
  (( ${#GROUP_IDS[@]} > 1 )) || die "the group of offer $OFFER has only one member; every lesson needs one absent and at least one present"
  sql_group=$(db_query "SELECT COUNT(*) FROM referrals r WHERE r.offer_id = '$OFFER' AND r.status = 'started' AND r.started_on <= '$CUTOFF'
    AND EXISTS (SELECT 1 FROM referral_consents c WHERE c.referral_id = r.id AND c.ended_on IS NULL)")
  [[ "$sql_group" == "${#GROUP_IDS[@]}" ]] || NOTES+=("$ENGINE_LABEL: the API lists ${#GROUP_IDS[@]} started referrals of the offer, the database $sql_group")
  (( late == 0 )) || NOTES+=("$ENGINE_LABEL: $late started referrals of the offer started after $CUTOFF; lessons after their start have a bigger group (the row checks will fail)")
  GROUP_ALL=${#GROUP_IDS[@]}
  GROUP_CSV=$(IFS=,; echo "${GROUP_IDS[*]}")
  DATES_CSV=$(for d in $(seq 1 28); do day "$d"; done | paste -sd,)
  log "$ENGINE_LABEL: offer \"$OFFER_NAME\" ($OFFER): a group of $GROUP_ALL started referrals (${#persons[@]} added)"

  # 3. single requests
  yesterday=$(day 1)
  id="single-$(nonce)"
  body=$(lesson_body "$id" "$yesterday" 09:00 3 "$(present_but 0)")
  read -r -a c0 <<<"$(counts)"
  read -r s1 a1 <<<"$(api POST /lessons "$body")"
  read -r -a c1 <<<"$(counts)"
  read -r s2 a2 <<<"$(api POST /lessons "$body")"
  read -r -a c2 <<<"$(counts)"
  read -r s3 a3 <<<"$(api POST /lessons "$(lesson_body "$id" "$yesterday" 10:00 3 "$(present_but 0)")")"
  outsider=$(db_query "SELECT r.id FROM referrals r JOIN provider_offers o ON o.id = r.offer_id
    WHERE o.provider_id = '$PROVIDER' AND NOT (r.offer_id = '$OFFER' AND r.status = 'started') ORDER BY r.id LIMIT 1")
  [[ -n "$outsider" ]] || outsider=$(uuid)
  read -r s4 a4 <<<"$(api POST /lessons "$(lesson_body "single-$(nonce)" "$yesterday" 09:00 3 "[\"${GROUP_IDS[0]}\",\"$outsider\"]")")"
  s5=$(curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' --data "$(lesson_body "single-$(nonce)" "$yesterday" 09:00 3 "$(present_but 0)")" "$API/lessons")
  read -r -a c3 <<<"$(counts)"
  printf '%s\n%s\n%s\n%s\n' "$a1" "$a2" "$a3" "$a4" >"$ENGINE_DIR/single-answers.json"
  r1=$(jq -r '"\(.replayed) \(.present) \(.absent) \(.id)"' <<<"$a1" 2>/dev/null || echo "? ? ? ?")
  r2=$(jq -r '"\(.replayed) \(.present) \(.absent) \(.id)"' <<<"$a2" 2>/dev/null || echo "? ? ? ?")
  d1="$((c1[0] - c0[0]))/$((c1[1] - c0[1]))/$((c1[2] - c0[2]))/$((c1[3] - c0[3]))/$((c1[4] - c0[4]))"
  d2="$((c2[0] - c1[0]))/$((c2[1] - c1[1]))/$((c2[2] - c1[2]))/$((c2[3] - c1[3]))/$((c2[4] - c1[4]))"
  d3="$((c3[0] - c2[0]))/$((c3[1] - c2[1]))/$((c3[2] - c2[2]))/$((c3[3] - c2[3]))/$((c3[4] - c2[4]))"
  line="$ENGINE_LABEL single requests (rows added as lessons/participant rows/uren of lessons/provider messages/DUO outbox): new lesson $s1 (replayed, present, absent: ${r1% *}; added $d1); same body again $s2 (${r2% *}, same id: $([[ "${r1##* }" == "${r2##* }" ]] && echo yes || echo NO); added $d2); same messageId, other body $s3; a referral outside the group $s4; no key $s5 (added $d3)"
  actual="$s1 ${r1% *} $d1 $s2 ${r2% *} $d2 $s3 $s4 $s5 $d3"
  want="201 false $((GROUP_ALL - 1)) 1 1/$GROUP_ALL/$((GROUP_ALL - 1))/1/$((GROUP_ALL - 1)) 201 true $((GROUP_ALL - 1)) 1 0/0/0/0/0 409 400 401 0/0/0/0/0"
  if [[ "$actual" == "$want" && "${r1##* }" == "${r2##* }" ]]; then
    CHECK_LINES+=("- $line: as expected.")
  else
    CHECK_LINES+=("- **$line: NOT as expected** (expected $want).")
    log "single requests not as expected: got '$actual', expected '$want'"
  fi

  # 4. fresh messageIds
  for conns in $CONNECTIONS; do measure "fresh messageIds, group of $GROUP_ALL, 1 absent" fresh fresh "$conns"; done

  # 5. replays: KEYS lessons delivered first (one by one with curl, all must be 201 and new), then
  # every request repeats one of them.
  bodies="$ENGINE_DIR/replay-bodies.jsonl"
  prefix="replay-$(nonce)"
  : >"$bodies"
  for k in $(seq 0 $((KEYS - 1))); do
    lesson_body "$prefix.$k" "$(cut -d, -f$(( k % 28 + 1 )) <<<"$DATES_CSV")" "$(printf '%02d:%02d' $(( 8 + k % 12 )) $(( (k / 12) % 4 * 15 )))" \
      $(( 1 + k % 3 )) "$(present_but $(( k % GROUP_ALL )))" >>"$bodies"
    echo >>"$bodies"
  done
  config="$ENGINE_DIR/replay-prime.curl"
  : >"$config"
  while IFS= read -r b; do
    [[ ! -s "$config" ]] || echo next >>"$config"
    printf 'url = "%s"\nrequest = "POST"\nheader = "Authorization: Bearer %s"\nheader = "Content-Type: application/json"\ndata = "%s"\noutput = "/dev/null"\nwrite-out = "%%{http_code}\\n"\n' \
      "$API/lessons" "$LINK_KEY" "${b//\"/\\\"}" >>"$config"
  done <"$bodies"
  log "$ENGINE_LABEL: delivering the $KEYS messages to repeat"
  read -r -a p0 <<<"$(counts)"
  primed=$({ curl -s -K "$config" || true; } | sort | uniq -c | awk '{ printf "%s%s × %s", (NR > 1 ? ", " : ""), $1, $2 }')
  rm -f "$config"   # it holds the link key
  read -r -a p1 <<<"$(counts)"
  [[ "$primed" == "$KEYS × 201" && $((p1[0] - p0[0])) == "$KEYS" ]] ||
    die "delivering the $KEYS messages to repeat gave $primed and stored $((p1[0] - p0[0])) lessons"
  measure "every request one of $KEYS messageIds delivered before" repeat repeat 16

  # 6. the ceiling
  ceiling 16
  ratio=$(awk -v a="${LESSONS_16:-0}" -v b="${HEALTH_16:-0}" 'BEGIN { if (b > 0) printf "%.2f %%", 100 * a / b; else print "—" }')
  SETTINGS_LINES+=("- $ENGINE_LABEL: ${LESSONS_16:-—} lessons/s at 16 connections against ${HEALTH_16:-—} \`GET /health/live\`/s: $ratio of the ceiling; ${LESSONS_16:+$(( LESSONS_16 * GROUP_ALL ))} participant rows/s by lessons/s × group size ($GROUP_ALL).")
  SETTINGS_LINES+=("- $ENGINE_LABEL, server: peak RSS $(peak_rss); $(grep -c . "$ENGINE_DIR/server.log" || true) log lines at warning or above, $(grep -ciE '"(level)" *: *"(error|critical)"|status.{0,4}5[0-9][0-9]| 5[0-9][0-9] ' "$ENGINE_DIR/server.log" || true) of them errors or 5xx.")
  stop_server
  read -r -a final <<<"$(counts)"
  SETTINGS_LINES+=("- $ENGINE_LABEL: ${final[0]} lessons, ${final[1]} participant rows, ${final[2]} uren rows of lessons, ${final[3]} provider messages and ${final[4]} DUO outbox messages stored in all. Load average (1, 5, 15 min) before: $LOAD_BEFORE; after: $(cut -d' ' -f1-3 /proc/loadavg).")
  if [[ -s "$ENGINE_DIR/server.log" ]]; then
    while IFS= read -r msg; do NOTES+=("$ENGINE_LABEL server log: $msg"); done < <(cut -c1-300 "$ENGINE_DIR/server.log" | sort | uniq -c | sort -rn | head -3 | sed 's/^ *\([0-9]*\) /\1 × /')
  fi
  LESSONS_16=; HEALTH_16=
  [[ "$ENGINE" != postgres ]] || stop_cluster
done

# --- report --------------------------------------------------------------------------------------------
CPU=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
MEM=$(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)
COMMIT=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
if [[ "$COMMIT" != unknown && -n "$(GIT_OPTIONAL_LOCKS=0 git -C "$ROOT" status --porcelain --untracked-files=no 2>/dev/null)" ]]; then
  COMMIT+=" (with uncommitted changes)"
fi
REPORT="### $(date '+%Y-%m-%d %H:%M') — provider API lesson ingest

Machine: $(nproc) CPUs, $CPU, $MEM RAM. Commit \`$COMMIT\`, binary \`${BIN/#$ROOT\//}\`. wrk $DURATION per row after a $WARMUP warm-up of the same kind, \`-t1\` at 1 connection and \`-t2\` otherwise, loopback, \`bench/provider-lesson.lua\`, \`POST /api/aanbieder/v1/lessons\` with a link key of \"Taalhuis Weert\", demo data of $PEOPLE people plus $GROUP started referrals, server with DUO_WORKER=false. req/s counts new lessons (201, not replayed) for fresh messageIds and replays (201) for repeated ones; lessons and participant rows (\`lesson_attendance\`) are counted in the database before and after each row; rows/s is participant rows stored per second of the wrk run; load is the 1-minute load average at the start of the row. Every lesson is for the same group, so concurrent deliveries write to the same persons' rows (their cases, terms, absences): a worst case for contention; each absent participant's earlier absences are read per lesson, so that read grows during the run.

$TABLE_HEAD"
for row in "${ROWS[@]+"${ROWS[@]}"}"; do REPORT+=$'\n'"$row"; done
REPORT+=$'\n'
for line in "${CHECK_LINES[@]+"${CHECK_LINES[@]}"}" "${SETTINGS_LINES[@]+"${SETTINGS_LINES[@]}"}"; do REPORT+=$'\n'"$line"; done
REPORT+=$'\n'"- Whole run: $(( $(date +%s) - STARTED )) s. Raw wrk output, request bodies and server logs: \`bench/results/$(basename "$RUN_DIR")/\`."
for note in "${NOTES[@]+"${NOTES[@]}"}"; do REPORT+=$'\n'"- WARNING: $note"; done

printf '%s\n' "$REPORT" | tee "$RUN_DIR/report.md"
