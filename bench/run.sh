#!/usr/bin/env bash
# Regie benchmark: seeds N cases, starts the release server and measures it with wrk over loopback.
# Prints one Markdown table and appends it to bench/README.md. See bench/README.md.
#
#   bench/run.sh [N]                      SQLite, a fresh file under bench/results/
#   DATABASE_URL=postgres://... bench/run.sh [N]
#                                         PostgreSQL; the database's public schema is DROPPED first
#                                         (only if the database name contains "bench", or RESET_DATABASE=1)
#   SEEDED=1 DB_FILE=/path/regie.sqlite bench/run.sh N
#   SEEDED=1 DATABASE_URL=postgres://... bench/run.sh N
#                                         an already seeded database of N people (a million takes
#                                         20-30 minutes to seed): nothing is reset, migrated or seeded
# Environment: N (100000), DURATION (15s), WARMUP (2s), ENGINE (sqlite|postgres), PORT (28181),
#              DEPTH (20: pages to follow for the deep page), SEED (2021), SKIP_BUILD=1, SEEDED=1,
#              DB_FILE, FROM/TO (the dashboard's period: 2026-01-01/2026-11-30),
#              NO_README=1 (print only, don't append to README.md).
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$BENCH_DIR")
N=${1:-${N:-100000}}
DURATION=${DURATION:-15s}
WARMUP=${WARMUP:-2s}
PORT=${PORT:-28181}
DEPTH=${DEPTH:-20}
SEED=${SEED:-2021}
SEEDED=${SEEDED:-0}
FROM=${FROM:-2026-01-01}
TO=${TO:-2026-11-30}
PASSWORD=regie-demo-2026
if [[ -z "${ENGINE:-}" ]]; then
  if [[ -n "${DATABASE_URL:-}" ]]; then ENGINE=postgres; else ENGINE=sqlite; fi
fi
case "$ENGINE" in
  sqlite) unset DATABASE_URL ;;
  postgres) [[ -n "${DATABASE_URL:-}" ]] || { echo "ENGINE=postgres needs DATABASE_URL" >&2; exit 2; } ;;
  *) echo "ENGINE must be sqlite or postgres" >&2; exit 2 ;;
esac
for tool in wrk curl awk; do
  command -v "$tool" >/dev/null || { echo "$tool is required (apt-get install -y $tool)" >&2; exit 2; }
done

STARTED=$(date +%s)
STAMP=$(date +%Y%m%d-%H%M%S)
RUN_DIR="$BENCH_DIR/results/$STAMP-$ENGINE-$N"   # bench/results/ is git-ignored
mkdir -p "$RUN_DIR"
BASE="http://127.0.0.1:$PORT"
log() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }
fmt_rps() { awk -v r="$1" 'BEGIN { if (r < 10) printf "%.1f", r; else printf "%.0f", r }'; }
ms_or_none() { if [[ "$1" == 0.000 ]]; then echo "— (no answer within 10 s)"; else printf '%.2f ms' "$1"; fi; }
human() { awk -v b="$1" 'BEGIN { if (b >= 1073741824) printf "%.2f GiB", b / 1073741824; else printf "%.1f MiB", b / 1048576 }'; }

# --- build ---------------------------------------------------------------------------------------
if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
  log "building the release binary (scratch path .build-release)"
  (cd "$ROOT" && swift build -c release --product regie --scratch-path .build-release) >&2
fi
BIN="${REGIE_BIN:-$ROOT/.build-release/release/regie}"
[[ -x "$BIN" ]] || { echo "no binary at $BIN (run without SKIP_BUILD=1)" >&2; exit 2; }

# The binary runs in RUN_DIR so a stray .env in the checkout doesn't change the configuration.
regie() { (cd "$RUN_DIR" && LOG_LEVEL=warning "$BIN" "$@"); }

# --- fresh database --------------------------------------------------------------------------------
DB_ARGS=()
if [[ "$ENGINE" == sqlite ]]; then
  if [[ "$SEEDED" == 1 ]]; then
    [[ -f "${DB_FILE:-}" ]] || { echo "SEEDED=1 needs DB_FILE, an already seeded SQLite file" >&2; exit 2; }
  else
    DB_FILE="$RUN_DIR/regie.sqlite"
  fi
  DB_ARGS=(--database-path "$DB_FILE")
  db_size() { local total=0 f; for f in "$DB_FILE" "$DB_FILE-wal"; do [[ -f "$f" ]] && total=$((total + $(stat -c %s "$f"))); done; echo "$total"; }
else
  command -v psql >/dev/null || { echo "psql is required for ENGINE=postgres" >&2; exit 2; }
  DB_NAME=$(psql "$DATABASE_URL" -Atc "SELECT current_database()")
  if [[ "$SEEDED" == 1 ]]; then
    log "using the seeded database $DB_NAME as it is"
  elif [[ "$DB_NAME" == *bench* || "${RESET_DATABASE:-0}" == 1 ]]; then
    log "resetting schema public of database $DB_NAME"
    psql "$DATABASE_URL" -q -v ON_ERROR_STOP=1 -c "DROP SCHEMA public CASCADE; CREATE SCHEMA public;" >/dev/null
  else
    echo "refusing to reset database '$DB_NAME': use a database whose name contains 'bench', or RESET_DATABASE=1" >&2
    exit 2
  fi
  db_size() { psql "$DATABASE_URL" -Atc "SELECT pg_database_size(current_database())"; }
fi

if [[ "$SEEDED" == 1 ]]; then
  MIGRATE_S=; SEED_S=
else
  log "migrating ($ENGINE)"
  t0=$(now); regie migrate "${DB_ARGS[@]}" >"$RUN_DIR/migrate.log" 2>&1; t1=$(now)
  MIGRATE_S=$(elapsed "$t0" "$t1")
  log "seeding $N people"
  t0=$(now); regie demo "${DB_ARGS[@]}" --people "$N" --seed "$SEED" >"$RUN_DIR/demo.log" 2>&1; t1=$(now)
  SEED_S=$(elapsed "$t0" "$t1")
fi
DB_BYTES=$(db_size)
log "migrate ${MIGRATE_S:-—}s, seed ${SEED_S:-—}s, database $(human "$DB_BYTES")"

# --- server ----------------------------------------------------------------------------------------
SERVER_PID=
SHUTDOWN_NOTE=
# Stops the server: SIGTERM, then SIGKILL if it has not exited within 10 s.
cleanup() {
  local i
  if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill "$SERVER_PID" 2>/dev/null || true
    for i in $(seq 1 40); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.25; done
    if kill -0 "$SERVER_PID" 2>/dev/null; then
      SHUTDOWN_NOTE="the server did not exit within 10 s of SIGTERM and was killed"
      kill -KILL "$SERVER_PID" 2>/dev/null || true
    fi
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  SERVER_PID=
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if curl -s -o /dev/null --max-time 2 "$BASE/health/live"; then
  echo "something already answers on port $PORT; choose another with PORT=..." >&2; exit 2
fi
(cd "$RUN_DIR" && LOG_LEVEL=warning exec "$BIN" serve --port "$PORT" "${DB_ARGS[@]}") >"$RUN_DIR/server.out" 2>"$RUN_DIR/server.log" &
SERVER_PID=$!
# A database from an older commit may migrate and recompute its figures before the server listens.
t0=$(now)
for _ in $(seq 1 6000); do
  curl -sf -o /dev/null "$BASE/health/live" && break
  kill -0 "$SERVER_PID" 2>/dev/null || { echo "server exited; see $RUN_DIR/server.log" >&2; tail -5 "$RUN_DIR/server.log" >&2; exit 1; }
  sleep 0.1
done
curl -sf -o /dev/null "$BASE/health/live" || { echo "server did not come up" >&2; exit 1; }
START_S=$(elapsed "$t0" "$(now)")
log "server up (pid $SERVER_PID) on $BASE after ${START_S}s"

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
CONSULENT=$(login consulent@regie.example consulent)
TEAMLEIDER=$(login teamleider@regie.example teamleider)

# GET with a session; fails unless 200.
page() { curl -sf -b "$2" "$BASE$1"; }
rows() { { grep -o 'href="/personen/[0-9a-f-]*"' || true; } | sort -u | wc -l; }
next_link() {
  { grep -o '<a href="[^"]*" rel="next"' || true; } | awk 'NR == 1' |
    sed 's/<a href="\([^"]*\)".*/\1/; s/&#x3D;/=/g; s/&#61;/=/g; s/&#x2F;/\//g; s/&amp;/\&/g'
}

HOME_C=$(page / "$CONSULENT")
CONSULENT_ROWS=$(rows <<<"$HOME_C")
HOME_T=$(page / "$TEAMLEIDER")
TEAM_ROWS=$(rows <<<"$HOME_T")
PERSON_PATH=$({ grep -o 'href="/personen/[0-9a-f-]*"' <<<"$HOME_C" || true; } | awk 'NR == 1' | sed 's/href="\(.*\)"/\1/')
[[ -n "$PERSON_PATH" ]] || { echo "no person link on the consulent's caseload" >&2; exit 1; }
# Search: that person's whole name (one case: the search case workers use most) and their family
# name alone (a common one: the page fills up), both as the teamleider over all three municipalities.
PERSON_NAME=$({ grep -o "<a href=\"$PERSON_PATH\">[^<]*</a>" <<<"$HOME_C" || true; } | awk 'NR == 1' |
  sed 's/<a [^>]*>\(.*\)<\/a>/\1/; s/&#39;/'"'"'/g; s/&#x27;/'"'"'/g; s/&amp;/\&/g')
[[ -n "$PERSON_NAME" ]] || { echo "no name for $PERSON_PATH on the consulent's caseload" >&2; exit 1; }
# The list shows "Family, Given"; a case worker types "Given Family" or the family name.
FAMILY_NAME=${PERSON_NAME%%, *}
[[ "$PERSON_NAME" == *", "* ]] && PERSON_NAME="${PERSON_NAME#*, } $FAMILY_NAME"
urlencode() { local LC_ALL=C s=$1 i c out=; for ((i = 0; i < ${#s}; i++)); do c=${s:i:1}; case "$c" in [a-zA-Z0-9.~_-]) out+=$c ;; *) out+=$(printf '%%%02X' "'$c") ;; esac; done; echo "$out"; }
SEARCH_ONE="/?q=$(urlencode "$PERSON_NAME")"
SEARCH_MANY="/?q=$(urlencode "$FAMILY_NAME")"
# And their V-nummer, from the case file: digits match the BSN or V-nummer exactly.
V_NUMMER=$(page "$PERSON_PATH" "$CONSULENT" | { grep -o '<dt>V-nummer</dt><dd>[0-9]*</dd>' || true; } | awk 'NR == 1' | sed 's/.*<dd>\([0-9]*\)<\/dd>/\1/')
[[ -n "$V_NUMMER" ]] || { echo "no V-nummer on the case file $PERSON_PATH" >&2; exit 1; }
SEARCH_NUMBER="/?q=$V_NUMMER"
SEARCH_NUMBER_ROWS=$(page "$SEARCH_NUMBER" "$TEAMLEIDER" | rows)
SEARCH_ONE_ROWS=$(page "$SEARCH_ONE" "$TEAMLEIDER" | rows)
SEARCH_MANY_ROWS=$(page "$SEARCH_MANY" "$TEAMLEIDER" | rows)
# The figures dashboard of the largest municipality (Weert) for the year so far.
DASHBOARD="/cijfers?gemeente=GM0988&van=$FROM&tot=$TO"
page "$DASHBOARD" "$TEAMLEIDER" >/dev/null || { echo "the dashboard $DASHBOARD did not answer 200" >&2; exit 1; }

# Follow "Volgende pagina" DEPTH times through the teamleider's list.
DEEP_PATH=/
DEEP_PAGE=1
html=$HOME_T
for _ in $(seq 1 "$DEPTH"); do
  href=$(next_link <<<"$html")
  [[ -n "$href" ]] || break
  [[ "$href" == /* ]] || href="/$href"
  DEEP_PATH=$href
  DEEP_PAGE=$((DEEP_PAGE + 1))
  html=$(page "$DEEP_PATH" "$TEAMLEIDER")
done
DEEP_ROWS=$(rows <<<"$html")
log "consulent page: $CONSULENT_ROWS rows; team page: $TEAM_ROWS rows; deep page $DEEP_PATH: $DEEP_ROWS rows; case file $PERSON_PATH; search \"$PERSON_NAME\": $SEARCH_ONE_ROWS rows, \"$FAMILY_NAME\": $SEARCH_MANY_ROWS rows, V-nummer $V_NUMMER: $SEARCH_NUMBER_ROWS row"

# --- measurements -------------------------------------------------------------------------------
# All single-connection rows run first, then all 16-connection rows, so that a server still
# recovering from a 16-connection row cannot spoil a single-connection figure.
LABELS=('`GET /health/live`' '`GET /` consulent (own caseload)' '`GET /` teamleider (first page)'
        '`GET /?na=…` teamleider (page '"$DEEP_PAGE"')' '`GET /personen/<id>` (case file)'
        '`GET /?q=<whole name>` teamleider (search, '"$SEARCH_ONE_ROWS"' row(s))'
        '`GET /?q=<family name>` teamleider (search, '"$SEARCH_MANY_ROWS"' rows)'
        '`GET /cijfers` Weert, '"$FROM"' – '"$TO"' (dashboard)'
        '`GET /?q=<V-nummer>` teamleider (search, '"$SEARCH_NUMBER_ROWS"' row)')
PATHS=(/health/live / / "$DEEP_PATH" "$PERSON_PATH" "$SEARCH_ONE" "$SEARCH_MANY" "$DASHBOARD" "$SEARCH_NUMBER")
COOKIES=("" "$CONSULENT" "$TEAMLEIDER" "$TEAMLEIDER" "$CONSULENT" "$TEAMLEIDER" "$TEAMLEIDER" "$TEAMLEIDER" "$TEAMLEIDER")
NOTES=()
declare -A ROW P50 P99 RPS LOAD

# Waits (up to 60 s) until the request answers 200 again.
wait_ready() {
  local path=$1 cookie=$2 label=$3 i
  for i in $(seq 1 60); do
    curl -sf -o /dev/null --max-time 10 -b "$cookie" "$BASE$path" && return 0
    sleep 1
  done
  NOTES+=("$label: the server did not answer 200 for 60 s before the measurement")
}

measure() {
  local i=$1 conns=$2 label=${LABELS[$1]} path=${PATHS[$1]} cookie=${COOKIES[$1]} threads out line p50 p99 rps non200 errors requests slug share
  slug=$(tr -c 'a-zA-Z0-9' '_' <<<"$label")
  if [[ $conns == 1 ]]; then threads=1; else threads=2; fi
  wait_ready "$path" "$cookie" "$label"
  LOAD[$i/$conns]=$(cut -d' ' -f1 /proc/loadavg)
  COOKIE="$cookie" wrk -t"$threads" -c"$conns" -d"$WARMUP" --timeout 10s -s "$BENCH_DIR/report.lua" "$BASE$path" >/dev/null
  log "wrk -t$threads -c$conns -d$DURATION $label"
  out=$(COOKIE="$cookie" wrk -t"$threads" -c"$conns" -d"$DURATION" --timeout 10s --latency -s "$BENCH_DIR/report.lua" "$BASE$path")
  printf '%s\n' "$out" >"$RUN_DIR/wrk-$slug-c$conns.txt"
  line=$(grep '^RESULT' <<<"$out")
  p50=$(sed 's/.*p50_ms=\([^ ]*\).*/\1/' <<<"$line")
  p99=$(sed 's/.*p99_ms=\([^ ]*\).*/\1/' <<<"$line")
  rps=$(sed 's/.* ok_rps=\([^ ]*\).*/\1/' <<<"$line")   # 200 responses per second
  non200=$(sed 's/.*non200=\([^ ]*\).*/\1/' <<<"$line")
  errors=$(sed 's/.*errors=\([^ ]*\).*/\1/' <<<"$line")
  requests=$(sed 's/.*requests=\([^ ]*\).*/\1/' <<<"$line")
  P50[$i/$conns]=$p50; P99[$i/$conns]=$p99; RPS[$i/$conns]=$rps
  # The share of /health/live's throughput in the same run (row 0 of each connection count runs first).
  share=$(awk -v r="$rps" -v h="${RPS[0/$conns]:-0}" 'BEGIN { if (h > 0) printf "%.2f %%", 100 * r / h; else print "—" }')
  if [[ "$requests" == 0 || "$p99" == 0.000 ]]; then
    ROW[$i/$conns]="| $label | $conns | — | — | $(fmt_rps "$rps") | $share | ${LOAD[$i/$conns]} |"
    NOTES+=("$label at $conns connections: no request answered within wrk's 10 s timeout in $DURATION ($requests responses)")
  else
    ROW[$i/$conns]="| $label | $conns | $(printf '%.2f' "$p50") | $(printf '%.2f' "$p99") | $(fmt_rps "$rps") | $share | ${LOAD[$i/$conns]} |"
  fi
  if [[ "$non200" != 0 || "$errors" != 0 ]]; then
    NOTES+=("$label at $conns connections: $requests responses, $non200 of them not 200; $errors socket errors or timeouts (wrk --timeout 10s)")
  fi
}
for conns in 1 16; do
  for i in "${!LABELS[@]}"; do measure "$i" "$conns"; done
done
TABLE="| request | connections | p50 ms | p99 ms | req/s | of \`/health/live\` | load |
|---|---:|---:|---:|---:|---:|---:|"
for i in "${!LABELS[@]}"; do
  TABLE+=$'\n'"${ROW[$i/1]}"$'\n'"${ROW[$i/16]}"
done

PEAK_RSS_KB=$(awk '/^VmHWM/ { print $2 }' "/proc/$SERVER_PID/status")
DB_BYTES_AFTER=$(db_size)
cleanup

# --- report ------------------------------------------------------------------------------------------
CPU=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
MEM=$(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)
COMMIT=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
if [[ "$COMMIT" != unknown && -n "$(GIT_OPTIONAL_LOCKS=0 git -C "$ROOT" status --porcelain --untracked-files=no 2>/dev/null)" ]]; then
  COMMIT+=" (with uncommitted changes)"
fi
if [[ "$ENGINE" == sqlite ]]; then ENGINE_LABEL="SQLite"; else ENGINE_LABEL="PostgreSQL $(psql "$DATABASE_URL" -Atc 'SHOW server_version' | cut -d' ' -f1)"; fi
TOTAL_S=$(( $(date +%s) - STARTED ))
SETTINGS=
for var in NIO_SINGLETON_BLOCKING_POOL_THREAD_COUNT DATABASE_MAX_CONNECTIONS; do
  [[ -z "${!var:-}" ]] || SETTINGS+=" Server environment: \`$var=${!var}\`."
done

REPORT="### $(date '+%Y-%m-%d %H:%M') — $ENGINE_LABEL, N=$N

Machine: $(nproc) CPUs, $CPU, $MEM RAM. Commit \`$COMMIT\`. wrk $DURATION per row (after a $WARMUP warm-up; all 1-connection rows first), \`-t1 -c1\` and \`-t2 -c16\`, loopback.$SETTINGS

$TABLE

- $(if [[ "$SEEDED" == 1 ]]; then echo "Seeding: not part of this run (an already seeded database, \`SEEDED=1\`)"; else echo "Seeding (\`regie demo --people $N\`): ${SEED_S} s; migrate (empty database): ${MIGRATE_S} s"; fi); the server listened ${START_S} s after it started.
- Database size after seeding: $(human "$DB_BYTES") (after the load, with the audit entries and sessions it wrote: $(human "$DB_BYTES_AFTER")).
- Server peak RSS (VmHWM) after the load: $(awk -v k="$PEAK_RSS_KB" 'BEGIN { printf "%.1f MiB", k / 1024 }').
- Rows per page: consulent $CONSULENT_ROWS, teamleider $TEAM_ROWS, deep page $DEEP_ROWS (page $DEEP_PAGE, $((DEEP_PAGE - 1)) \"Volgende pagina\" links in).
- Caseload against issue 14's targets: p50 $(ms_or_none "${P50[1/1]}") at 1 connection (≤ 5 ms), p99 $(ms_or_none "${P99[1/16]}") at 16 (≤ 60 ms), $(fmt_rps "${RPS[1/16]}") pages/s at 16 (≥ 1,000, and ≥ 3 % of \`/health/live\`).
- Search against its targets: p50 $(ms_or_none "${P50[8/1]}") (a V-nummer), $(ms_or_none "${P50[5/1]}") (a whole name) and $(ms_or_none "${P50[6/1]}") (a family name) at 1 connection (≤ 20 ms), p99 $(ms_or_none "${P99[8/16]}"), $(ms_or_none "${P99[5/16]}") and $(ms_or_none "${P99[6/16]}") at 16 (≤ 150 ms).
- Dashboard against its targets: p50 $(ms_or_none "${P50[7/1]}") at 1 connection (≤ 100 ms at 100k, ≤ 300 ms at 1M), p99 $(ms_or_none "${P99[7/16]}") at 16 (≤ 1 s).
- Load is the 1-minute load average when the row began; the \`/health/live\` column is the row's req/s against \`/health/live\`'s at the same connections in this run.
- Whole run: ${TOTAL_S} s. Raw wrk output: \`bench/results/$(basename "$RUN_DIR")/\`."
[[ -z "$SHUTDOWN_NOTE" ]] || NOTES+=("$SHUTDOWN_NOTE")
for note in "${NOTES[@]+"${NOTES[@]}"}"; do REPORT+=$'\n'"- WARNING: $note"; done

printf '%s\n' "$REPORT" | tee "$RUN_DIR/report.md"
if [[ "${NO_README:-0}" != 1 ]]; then
  printf '\n%s\n' "$REPORT" >>"$BENCH_DIR/README.md"
  log "appended to bench/README.md"
fi
