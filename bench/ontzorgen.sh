#!/usr/bin/env bash
# Regie benchmark: the monthly payment run of financieel ontzorgen (issue 7). Seeds N people, adds
# K arrangements for Weert with SQL, starts the release server and times, with curl, a budget
# manager preparing next month's run, a second one approving it, the SEPA file downloaded twice,
# and the pages around it. See bench/README.md, "Ontzorgen payment runs (issue 7)".
#
#   bench/ontzorgen.sh                        SQLite, then PostgreSQL if BENCH_DATABASE_URL answers
#   ENGINES=sqlite bench/ontzorgen.sh         one engine only
#   SIZES="1000" N=5000 bench/ontzorgen.sh    a quick run
#   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5433/regie_bench_ontzorgen bench/ontzorgen.sh
#                                             PostgreSQL in that database (the default); it is created
#                                             if missing (and dropped at the end unless KEEP_DATABASE=1),
#                                             and its schema "public" is DROPPED before every size (only
#                                             if the name contains "bench", or RESET_DATABASE=1)
#
# Per engine and per K in SIZES, on a fresh database:
#   1. `regie migrate`, `regie demo --people N --seed SEED` (the demo already holds Weert's runs of
#      last and this month, approved and exported);
#   2. one generated SQL file (multi-row INSERTs in one transaction) gives the first K people of
#      MUNICIPALITY whose doelgroep is 'Asielstatushouder' and who have no arrangement an arrangement
#      from 2026-09-01 to 2027-02-28 under the policy in force on 2026-09-01, a benefit of € 1,315 and
#      five payee lines (rent, gas, electricity, water, health insurance: € 994 a month), so every
#      one of them gets six payments next month (five bills and the leefgeld of € 321). With fewer
#      than K such people the database is seeded again with a larger N. PostgreSQL: `ANALYZE`;
#   3. the server starts (LOG_LEVEL=info, so every request logs its `duration_ms`); budget@ and
#      budget2@ log in through the form; each takes the CSRF token from `GET /ontzorgen`;
#   4. budget@ prepares the run of MONTH (`POST /ontzorgen/runs` → 303 to `/ontzorgen/runs/{id}`);
#      the run page (one first, then WARM_REQUESTS more); budget2@ approves it
#      (`POST …/goedkeuren` → 303); the SEPA file (`GET …/betaalbestand.xml`) 1 + WARM_REQUESTS
#      times: every copy must be byte-identical to the first and `<NbOfTxs>` equal the number of
#      `<CdtTrfTxInf>` and the run's payments; the first is validated against pain.001.001.03 if
#      xmllint and the PyPI package sepaxml (which ships the XSD) are installed; then the overview
#      `/ontzorgen`, one bench person's statement `/personen/<id>/ontzorgen/overzicht?maand=MONTH`,
#      and the run page again after the export (its lines then carry the "failed" forms);
#   5. the server's peak RSS (VmHWM), the database size.
# Each GET: the first request ("first") and the median of WARM_REQUESTS more ("warm"), as curl's
# time_total, next to the server's own duration_ms for the same requests.
#
# Environment: N (20000), SIZES ("1000 5000"), MUNICIPALITY (GM0988), MONTH (the month after today's),
#              EXECUTION_DATE (as the form proposes: 3 days before MONTH, at least 2 days from today),
#              WARM_REQUESTS (5), SEED (2021), PORT (28185), ENGINES ("sqlite postgres"),
#              BENCH_DATABASE_URL, KEEP_DATABASE=1, CURL_MAX_TIME (600), REGIE_BIN (the release binary;
#              when unset it is built with `swift build -c release` unless SKIP_BUILD=1).
#              The report is printed and kept, with the server logs, the generated SQL, every response
#              body and the timings, in bench/results/<stamp>-ontzorgen/ (git-ignored); it is not
#              appended to README.md.
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$BENCH_DIR")
# shellcheck source=bench/lib.sh
source "$BENCH_DIR/lib.sh"

N=${N:-20000}
SIZES=${SIZES:-"1000 5000"}
MUNICIPALITY=${MUNICIPALITY:-GM0988}
TODAY=$(date +%F)
MONTH=${MONTH:-$(date -d "$(date +%Y-%m-01) +1 month" +%Y-%m)}
if [[ -z "${EXECUTION_DATE:-}" ]]; then
  EXECUTION_DATE=$(date -d "$MONTH-01 -3 days" +%F)
  [[ "$EXECUTION_DATE" > "$(date -d "$TODAY +2 days" +%F)" ]] || EXECUTION_DATE=$(date -d "$TODAY +2 days" +%F)
fi
WARM_REQUESTS=${WARM_REQUESTS:-5}
SEED=${SEED:-2021}
PORT=${PORT:-28185}
ENGINES=${ENGINES:-"sqlite postgres"}
BENCH_DATABASE_URL=${BENCH_DATABASE_URL:-postgres://postgres@127.0.0.1:5433/regie_bench_ontzorgen}
PASSWORD=regie-demo-2026
LOG_TAG=ontzorgen
# The arrangement the SQL gives every bench person (see step 2 above).
START=2026-09-01
PLANNED_END=2027-02-28
BENEFIT=131500

require_tools curl awk sqlite3 cmp

STARTED=$(date +%s)
STAMP=$(date +%Y%m%d-%H%M%S)
OUT_DIR="$BENCH_DIR/results/$STAMP-ontzorgen"   # bench/results/ is git-ignored
mkdir -p "$OUT_DIR"
BASE="http://127.0.0.1:$PORT"

# --- binary ----------------------------------------------------------------------------------------
if [[ -z "${REGIE_BIN:-}" && "${SKIP_BUILD:-0}" != 1 ]]; then
  log "building the release binary (scratch path .build-release)"
  (cd "$ROOT" && swift build -c release --product regie --scratch-path .build-release) >&2
fi
BIN="${REGIE_BIN:-$ROOT/.build-release/release/regie}"
[[ -x "$BIN" ]] || { echo "no binary at $BIN (set REGIE_BIN, or run without SKIP_BUILD=1)" >&2; exit 2; }

# The pain.001.001.03 schema that the PyPI package sepaxml ships, if it and xmllint are there.
XSD=
if command -v xmllint >/dev/null && command -v python3 >/dev/null; then
  XSD=$(python3 -c "import os, sepaxml; print(os.path.join(os.path.dirname(sepaxml.__file__), 'schemas', 'pain.001.001.03.xsd'))" 2>/dev/null || true)
  [[ -f "$XSD" ]] || XSD=
fi

SERVER_PID=
CREATED_DATABASE=
ADMIN_URL=
cleanup() {
  stop_server || true
  if [[ -n "$CREATED_DATABASE" && "${KEEP_DATABASE:-0}" != 1 ]]; then
    psql "$ADMIN_URL" -q -c "DROP DATABASE IF EXISTS \"$CREATED_DATABASE\"" >/dev/null 2>&1 || true
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM
port_free "$PORT"

NOTES=()
DETAILS=()
declare -A TABLES   # engine label → table rows
ENGINE_ORDER=()
ENGINE_LABEL=

# --- database helpers (set per engine) -------------------------------------------------------------
# db_query <sql>: one value per line, columns separated by '|'. db_file <file>: runs a SQL file.
setup_engine() {
  local engine=$1 db_name
  if [[ "$engine" == sqlite ]]; then
    ENGINE_LABEL="SQLite"
    run_env=(env -u DATABASE_URL)
    db_query() { sqlite3 -cmd '.timeout 10000' "$DB_FILE" "$1"; }
    db_file() { sqlite3 -bail -cmd '.timeout 10000' "$DB_FILE" <"$1" >/dev/null; }
    db_size() { local total=0 f; for f in "$DB_FILE" "$DB_FILE-wal"; do [[ -f "$f" ]] && total=$((total + $(stat -c %s "$f"))); done; echo "$total"; }
    sql_ms() { printf '.timer on\n%s;\n' "$1" | sqlite3 -cmd '.timeout 10000' "$DB_FILE" | { grep -a '^Run Time: real' || true; } | awk '{ s += $4 } END { print s * 1000 }'; }
    return 0
  fi
  command -v psql >/dev/null || { NOTES+=("PostgreSQL skipped: psql is not installed"); return 1; }
  db_name=${BENCH_DATABASE_URL##*/}; db_name=${db_name%%\?*}
  ADMIN_URL=${BENCH_DATABASE_URL%/*}/postgres
  if ! psql "$ADMIN_URL" -Atc 'SELECT 1' >/dev/null 2>&1; then
    NOTES+=("PostgreSQL skipped: nothing answers at ${BENCH_DATABASE_URL%/*}")
    log "PostgreSQL skipped: nothing answers at ${BENCH_DATABASE_URL%/*}"
    return 1
  fi
  if [[ "$db_name" != *bench* && "${RESET_DATABASE:-0}" != 1 ]]; then
    echo "refusing to reset database '$db_name': use a database whose name contains 'bench', or RESET_DATABASE=1" >&2
    exit 2
  fi
  if [[ -z "$(psql "$ADMIN_URL" -Atc "SELECT 1 FROM pg_database WHERE datname = '$db_name'")" ]]; then
    log "creating database $db_name"
    psql "$ADMIN_URL" -q -v ON_ERROR_STOP=1 -c "CREATE DATABASE \"$db_name\"" >/dev/null
    CREATED_DATABASE=$db_name
  fi
  ENGINE_LABEL="PostgreSQL $(psql "$BENCH_DATABASE_URL" -Atc 'SHOW server_version' | cut -d' ' -f1)"
  run_env=(env DATABASE_URL="$BENCH_DATABASE_URL")
  db_query() { psql "$BENCH_DATABASE_URL" -X -Atq -v ON_ERROR_STOP=1 -c "$1"; }
  db_file() { PGOPTIONS='-c client_min_messages=warning' psql "$BENCH_DATABASE_URL" -X -q -v ON_ERROR_STOP=1 -f "$1" >/dev/null; }
  db_size() { psql "$BENCH_DATABASE_URL" -Atc "SELECT pg_database_size(current_database())"; }
  sql_ms() { printf '\\timing on\n\\o /dev/null\n%s;\n' "$1" | psql "$BENCH_DATABASE_URL" -X -q | { grep '^Time:' || true; } | awk '{ s += $2 } END { print s }'; }
}

# A fresh, migrated database with the demo's N people; prints the seconds `regie demo` took.
fresh_database() {
  local engine=$1 people=$2 t0 t1
  if [[ "$engine" == sqlite ]]; then
    rm -f "$DB_FILE" "$DB_FILE-wal" "$DB_FILE-shm"
  else
    PGOPTIONS='-c client_min_messages=warning' psql "$BENCH_DATABASE_URL" -q -v ON_ERROR_STOP=1 -c "DROP SCHEMA public CASCADE; CREATE SCHEMA public;" >/dev/null
  fi
  (cd "$RUN_DIR" && LOG_LEVEL=warning "${run_env[@]}" "$BIN" migrate "${db_args[@]}") >"$RUN_DIR/migrate.log" 2>&1
  t0=$(now)
  (cd "$RUN_DIR" && LOG_LEVEL=warning "${run_env[@]}" "$BIN" demo "${db_args[@]}" --people "$people" --seed "$SEED") >"$RUN_DIR/demo.log" 2>&1
  t1=$(now)
  elapsed "$t0" "$t1"
}

eligible_sql() {
  echo "SELECT p.id FROM persons p WHERE p.municipality_code = '$MUNICIPALITY' AND p.doelgroep = 'Asielstatushouder'
          AND NOT EXISTS (SELECT 1 FROM ontzorgingen o WHERE o.person_id = p.id) ORDER BY p.id"
}

# The seed file for the people in $1 (one id a line): INSERTs of CHUNK rows, one transaction.
generate_sql() {
  local ids=$1 policy=$2
  awk -v policy="$policy" -v muni="$MUNICIPALITY" -v start="$START" -v planned_end="$PLANNED_END" -v benefit="$BENEFIT" '
    function mod97(s,   i, v, r) {
      r = 0
      for (i = 1; i <= length(s); i++) {
        v = index("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ", substr(s, i, 1)) - 1
        if (v >= 10) r = (r * 100 + v) % 97; else r = (r * 10 + v) % 97
      }
      return r
    }
    # A valid Dutch IBAN (ISO 13616 check digits) for a bank code and an account number.
    function nl_iban(bank, account,   bban) { bban = bank sprintf("%010d", account); return sprintf("NL%02d%s", 98 - mod97(bban "NL00"), bban) }
    function flush(table, columns, rows, n,   i, out) {
      for (i = 1; i <= n; i += 1000) {
        out = "INSERT INTO " table " (" columns ") VALUES\n"
        for (j = i; j < i + 1000 && j <= n; j++) out = out rows[j] (j < i + 999 && j < n ? ",\n" : ";\n")
        printf "%s", out
      }
    }
    BEGIN {
      split("huur gas elektriciteit water zorgverzekering", soort, " ")
      split("65000 7000 9500 2100 15800", amount, " ")
      split("NL91ABNA0417164300 NL44RABO0123456789 NL69INGB0123456789 NL39RABO0300065264 NL14BNGH0285001234", iban, " ")
      split("Woonbedrijf Bench|Energie Bench|Energie Bench|Waterbedrijf Bench|Zorgverzekeraar Bench", payee, "|")
    }
    NF {
      n++
      a[n] = sprintf("(\x27%s\x27, \x27%s\x27, \x27%s\x27, \x27%s\x27, \x27ruimereUitleg\x27, 1, \x27%s\x27, \x27beleid\x27, \x27%s\x27, \x27%s\x27, \x27Bench %d\x27, \x27%s\x27, \x27bench\x27, 0, 0)",
                     $1, muni, start, policy, start, planned_end, start, n, nl_iban("INGB", 4100000 + n))
      u[n] = sprintf("(\x27bench-u-%06d\x27, \x27%s\x27, \x27%s\x27, %d, \x27bench\x27, 0)", n, $1, start, benefit)
      for (k = 1; k <= 5; k++) {
        m++
        p[m] = sprintf("(\x27bench-p-%06d-%d\x27, \x27bench-p-%06d-%d\x27, \x27%s\x27, \x27%s\x27, \x27%s\x27, \x27%s\x27, \x27Bench %s %d\x27, %d, \x27%s\x27, NULL, \x27bench\x27, 0)",
                       n, k, n, k, $1, soort[k], payee[k], iban[k], soort[k], n, amount[k], start)
      }
    }
    END {
      print "BEGIN;"
      flush("ontzorgingen", "person_id, municipality_code, bijstand_start, beleid_id, regime, ontzorgd, decision_date, decision_reason, planned_end, mandate_signed_on, leefgeld_name, leefgeld_iban, decided_by, created_at, updated_at", a, n)
      flush("ontzorgen_uitkering", "id, person_id, valid_from, amount_cents, created_by, created_at", u, n)
      flush("ontzorgen_posten", "id, post_id, person_id, soort, payee_name, iban, reference, amount_cents, valid_from, valid_until, created_by, created_at", p, m)
      print "COMMIT;"
    }' "$ids"
}

# One GET, timed by curl and by the server: get_once <key> <index> <path> <cookie> [body] [headers].
# Appends "<index> <status> <curl s> <bytes> <server ms>" to RUN_DIR/<key>.times.
get_once() {
  local key=$1 index=$2 path=$3 cookie=$4 body=${5:-$RUN_DIR/last-body} headers=${6:-} mark status seconds bytes server
  mark=$(log_lines "$SERVER_LOG")
  read -r status seconds bytes < <(timed "$path" "$cookie" "$body" "$headers")
  server=$(server_duration "$SERVER_LOG" "$mark")
  echo "$index $status $seconds $bytes $server" >>"$RUN_DIR/$key.times"
  [[ "$status" == 200 ]] || NOTES+=("$ENGINE_LABEL, K=$K: GET $path ($key #$index) answered $status after ${seconds}s")
}

# The first request of a page and WARM_REQUESTS more; the first body is kept as RUN_DIR/<key>.html.
series() {
  local key=$1 path=$2 cookie=$3 i
  : >"$RUN_DIR/$key.times"
  get_once "$key" 0 "$path" "$cookie" "$RUN_DIR/$key.html"
  for i in $(seq 1 "$WARM_REQUESTS"); do get_once "$key" "$i" "$path" "$cookie"; done
  log "$ENGINE_LABEL, K=$K: $key $(summary "$key")"
}
# From RUN_DIR/<key>.times: "first_ms warm_ms server_first server_warm bytes".
summary() {
  local f="$RUN_DIR/$1.times" first warm sfirst swarm bytes
  first=$(awk '$1 == 0 { print $3 }' "$f"); sfirst=$(awk '$1 == 0 { print $5 }' "$f"); bytes=$(awk '$1 == 0 { print $4 }' "$f")
  warm=$(awk '$1 > 0 { print $3 }' "$f" | median); swarm=$(awk '$1 > 0 && $5 != "?" { print $5 }' "$f" | median)
  echo "$(ms "$first") $(ms "$warm") $(awk -v v="$sfirst" 'BEGIN { if (v == "?") print "?"; else printf (v < 100 ? "%.1f" : "%.0f"), v }') $(awk -v v="$swarm" 'BEGIN { printf (v < 100 ? "%.1f" : "%.0f"), v }') $bytes"
}
# A table row for a GET series.
row_get() {
  local label=$1 key=$2 first warm sfirst swarm bytes
  read -r first warm sfirst swarm bytes < <(summary "$key")
  TABLE_ROWS+=("| $(fmt_int "$K") | $label | $first | $warm | $sfirst / $swarm | $(human "$bytes") |")
}
# A table row for one POST.
row_post() { TABLE_ROWS+=("| $(fmt_int "$K") | $1 | $(ms "$2") | — | $3 / — | — |"); }
# Bytes of a page's first response per payment line: per_line <key> <lines>.
per_line() { awk -v l="$2" '$1 == 0 { printf "%.0f", (l > 0 ? $4 / l : 0) }' "$RUN_DIR/$1.times"; }
fmt_int() { sed ':a;s/\B[0-9]\{3\}\>/,&/;ta' <<<"$1"; }

run_size() {
  local engine=$1 people=$N seed_s eligible policy ids t0 t1 sql_s gen_s analyze_note= load_before cookie1 cookie2 csrf1 csrf2
  local status seconds location mark server_prepare server_approve run_id payments total persons held bench_payments
  RUN_DIR="$OUT_DIR/$engine-$K"
  mkdir -p "$RUN_DIR"
  SERVER_LOG="$RUN_DIR/server.log"
  TABLE_ROWS=()
  if [[ "$engine" == sqlite ]]; then DB_FILE="$RUN_DIR/regie.sqlite"; db_args=(--database-path "$DB_FILE"); else db_args=(); fi

  load_before=$(load_average)
  log "$ENGINE_LABEL, K=$K: seeding $people people (load average $load_before)"
  seed_s=$(fresh_database "$engine" "$people")
  eligible=$(db_query "SELECT COUNT(*) FROM ($(eligible_sql)) e")
  if (( eligible < K )); then
    # Raise N in proportion, with a margin, rounded up to thousands; seed again.
    if (( eligible > 0 )); then people=$(( ( (K * people * 115 / 100) / eligible / 1000 + 1 ) * 1000 )); else people=$((people * 4)); fi
    NOTES+=("$ENGINE_LABEL, K=$K: N=$N gave only $eligible eligible people in $MUNICIPALITY; seeded again with N=$people")
    log "$ENGINE_LABEL, K=$K: only $eligible eligible people; seeding again with N=$people"
    seed_s=$(fresh_database "$engine" "$people")
    eligible=$(db_query "SELECT COUNT(*) FROM ($(eligible_sql)) e")
    (( eligible >= K )) || { NOTES+=("$ENGINE_LABEL, K=$K: still only $eligible eligible people at N=$people; size skipped"); return 0; }
  fi
  policy=$(db_query "SELECT id FROM ontzorgen_beleid WHERE municipality_code = '$MUNICIPALITY' AND effective_from <= '$START' ORDER BY effective_from DESC LIMIT 1")
  [[ -n "$policy" ]] || { echo "no ontzorgen policy for $MUNICIPALITY on $START" >&2; exit 1; }

  ids="$RUN_DIR/bench-persons.txt"
  t0=$(now)
  db_query "$(eligible_sql) LIMIT $K" >"$ids"
  generate_sql "$ids" "$policy" >"$RUN_DIR/seed-ontzorgen.sql"
  t1=$(now); gen_s=$(elapsed "$t0" "$t1")
  t0=$(now); db_file "$RUN_DIR/seed-ontzorgen.sql"; t1=$(now)
  sql_s=$(elapsed "$t0" "$t1")
  if [[ "$engine" == postgres ]]; then
    t0=$(now); db_query "ANALYZE" >/dev/null; t1=$(now)
    analyze_note=", then \`ANALYZE\` $(elapsed "$t0" "$t1") s"
  fi
  local db_bytes; db_bytes=$(db_size)
  log "$ENGINE_LABEL, K=$K: demo ${seed_s}s, SQL for $K arrangements ${sql_s}s ($(human "$(stat -c %s "$RUN_DIR/seed-ontzorgen.sql")")), database $(human "$db_bytes")"

  (cd "$RUN_DIR" && LOG_LEVEL=info LOG_FORMAT=json exec "${run_env[@]}" "$BIN" serve --port "$PORT" "${db_args[@]}") >"$RUN_DIR/server.out" 2>"$SERVER_LOG" &
  SERVER_PID=$!
  wait_for_port "$BASE/health/live" "$SERVER_PID" 60 "$SERVER_LOG" || exit 1
  log "$ENGINE_LABEL, K=$K: server up (pid $SERVER_PID) on $BASE"
  cookie1=$(login budget@regie.example budget)
  cookie2=$(login budget2@regie.example budget2)
  : >"$RUN_DIR/csrf.times"
  get_once csrf 1 /ontzorgen "$cookie1" "$RUN_DIR/overview-before-run.html"
  get_once csrf 2 /ontzorgen "$cookie2" "$RUN_DIR/overview-before-run-budget2.html"
  csrf1=$(csrf_in "$RUN_DIR/overview-before-run.html"); csrf2=$(csrf_in "$RUN_DIR/overview-before-run-budget2.html")
  [[ -n "$csrf1" && -n "$csrf2" ]] || { echo "no _csrf on /ontzorgen" >&2; exit 1; }

  # Prepare (budget@).
  mark=$(log_lines "$SERVER_LOG")
  read -r status seconds location < <(timed_post /ontzorgen/runs "$cookie1" "$RUN_DIR/prepare-response.html" \
    "_csrf=$csrf1" "gemeente=$MUNICIPALITY" "maand=$MONTH" "uitvoerdatum=$EXECUTION_DATE")
  server_prepare=$(server_duration "$SERVER_LOG" "$mark")
  echo "prepare $status $seconds $location $server_prepare" >"$RUN_DIR/posts.txt"
  log "$ENGINE_LABEL, K=$K: prepare $MONTH → $status in ${seconds}s ($location)"
  if [[ "$status" != 303 || "$location" != /ontzorgen/runs/* ]]; then
    local why
    why=$({ grep -o 'class="[^"]*error[^"]*"[^>]*>[^<]*' "$RUN_DIR/prepare-response.html" || true; } | sed 's/.*>//' | awk 'NF' | head -2 | tr '\n' ' ')
    NOTES+=("$ENGINE_LABEL, K=$K: preparing the run of $MONTH answered $status after ${seconds}s, not 303 to the run${why:+: $why}; this size was not measured further")
    stop_server || true
    return 0
  fi
  run_id=${location#/ontzorgen/runs/}
  read -r payments total < <(db_query "SELECT payments, total_cents FROM ontzorgen_runs WHERE id = '$run_id'" | tr '|' ' ')
  persons=$(db_query "SELECT COUNT(*) FROM ontzorgen_run_personen WHERE run_id = '$run_id'")
  held=$(db_query "SELECT COUNT(*) FROM ontzorgen_run_personen WHERE run_id = '$run_id' AND hold_reason IS NOT NULL")
  bench_payments=$(db_query "SELECT COUNT(*) FROM ontzorgen_betalingen WHERE run_id = '$run_id' AND status = 'klaar' AND person_id IN (SELECT person_id FROM ontzorgen_uitkering WHERE created_by = 'bench')")
  row_post "\`POST /ontzorgen/runs\` (prepare, 303)" "$seconds" "$(awk -v v="$server_prepare" 'BEGIN { if (v == "?") print v; else printf "%.0f", v }')"

  # The run page as it is approved (budget@ prepared it, so they see it without the approve button).
  series run-page "/ontzorgen/runs/$run_id" "$cookie1"
  row_get "\`GET /ontzorgen/runs/{id}\` (concept)" run-page
  local lines_on_page; lines_on_page=$({ grep -o 'id="betaling-' "$RUN_DIR/run-page.html" || true; } | wc -l)

  # Approve (budget2@).
  mark=$(log_lines "$SERVER_LOG")
  read -r status seconds location < <(timed_post "/ontzorgen/runs/$run_id/goedkeuren" "$cookie2" "$RUN_DIR/approve-response.html" "_csrf=$csrf2")
  server_approve=$(server_duration "$SERVER_LOG" "$mark")
  echo "approve $status $seconds $location $server_approve" >>"$RUN_DIR/posts.txt"
  log "$ENGINE_LABEL, K=$K: approve → $status in ${seconds}s"
  [[ "$status" == 303 ]] || NOTES+=("$ENGINE_LABEL, K=$K: approving answered $status after ${seconds}s, not 303")
  row_post "\`POST /ontzorgen/runs/{id}/goedkeuren\` (303)" "$seconds" "$(awk -v v="$server_approve" 'BEGIN { if (v == "?") print v; else printf "%.1f", v }')"

  # The SEPA file: the first download and WARM_REQUESTS more, all byte-identical.
  local i file_checks=() nb txs differ=0 ctype xsd_result="not validated (xmllint or sepaxml missing)"
  : >"$RUN_DIR/download.times"
  get_once download 0 "/ontzorgen/runs/$run_id/betaalbestand.xml" "$cookie2" "$RUN_DIR/betaalbestand-1.xml" "$RUN_DIR/betaalbestand-1.headers"
  for i in $(seq 1 "$WARM_REQUESTS"); do
    get_once download "$i" "/ontzorgen/runs/$run_id/betaalbestand.xml" "$cookie2" "$RUN_DIR/betaalbestand-$((i + 1)).xml"
    cmp -s "$RUN_DIR/betaalbestand-1.xml" "$RUN_DIR/betaalbestand-$((i + 1)).xml" || differ=$((differ + 1))
  done
  log "$ENGINE_LABEL, K=$K: download $(summary download)"
  ctype=$({ grep -i '^content-type:' "$RUN_DIR/betaalbestand-1.headers" || true; } | sed 's/^[^:]*: *//' | tr -d '\r')
  nb=$(sed -n 's/.*<NbOfTxs>\([0-9]*\)<\/NbOfTxs>.*/\1/p' "$RUN_DIR/betaalbestand-1.xml" | awk 'NR == 1')
  txs=$({ grep -o '<CdtTrfTxInf>' "$RUN_DIR/betaalbestand-1.xml" || true; } | wc -l)
  if [[ -n "$XSD" ]]; then
    if xmllint --noout --schema "$XSD" "$RUN_DIR/betaalbestand-1.xml" >"$RUN_DIR/xsd-validation.txt" 2>&1; then
      xsd_result="valid against pain.001.001.03 (xmllint, sepaxml's XSD)"
    else
      xsd_result="**INVALID** against pain.001.001.03: $(grep -v 'fails to validate' "$RUN_DIR/xsd-validation.txt" | head -1)"
      NOTES+=("$ENGINE_LABEL, K=$K: the SEPA file does not validate against pain.001.001.03 (see xsd-validation.txt)")
    fi
  fi
  (( differ == 0 )) || NOTES+=("$ENGINE_LABEL, K=$K: $differ of $WARM_REQUESTS later downloads differ from the first")
  [[ "$nb" == "$txs" && "$txs" == "$payments" ]] || NOTES+=("$ENGINE_LABEL, K=$K: <NbOfTxs> $nb, <CdtTrfTxInf> $txs, run payments $payments: not all equal")
  [[ "$ctype" == application/xml* ]] || NOTES+=("$ENGINE_LABEL, K=$K: the file came as '$ctype', not application/xml")
  row_get "\`GET …/betaalbestand.xml\` (first download, then $WARM_REQUESTS more)" download

  series overview /ontzorgen "$cookie1"
  row_get "\`GET /ontzorgen\` (overview)" overview
  local person; person=$(awk 'NR == 1' "$ids")
  series statement "/personen/$person/ontzorgen/overzicht?maand=$MONTH" "$cookie1"
  row_get "\`GET /personen/<id>/ontzorgen/overzicht?maand=…\`" statement
  series run-page-exported "/ontzorgen/runs/$run_id" "$cookie2"
  row_get "\`GET /ontzorgen/runs/{id}\` (after the export)" run-page-exported

  local peak load_after
  peak=$(peak_rss "$SERVER_PID")
  load_after=$(load_average)
  stop_server || NOTES+=("$ENGINE_LABEL, K=$K: the server did not exit within 10 s of SIGTERM and was killed")
  # The SQL of the pages alone, in the engine's CLI (rows formatted and thrown away), with the
  # server stopped: the median of 3, to set against the server's duration_ms.
  # The overview's scope: every municipality (the demo's budget managers work for the whole organisation).
  local scope since sql_notes=() label sql t
  scope=$(db_query "SELECT code FROM municipalities ORDER BY code" | awk '{ printf "%s\x27%s\x27", (NR > 1 ? ", " : ""), $1 }')
  since=$(date -d "$TODAY -60 days" +%F)
  for label in "run page (people)" "run page (payments)" "file (payments)" "overview (arrangements)"; do
    case "$label" in
      "run page (people)") sql="SELECT r.*, p.given_names, p.family_name FROM ontzorgen_run_personen r JOIN persons p ON p.id = r.person_id WHERE r.run_id = '$run_id' ORDER BY r.hold_reason IS NULL, p.family_name, p.given_names" ;;
      "run page (payments)") sql="SELECT * FROM ontzorgen_betalingen WHERE run_id = '$run_id' ORDER BY person_id, soort, end_to_end_id" ;;
      "file (payments)") sql="SELECT * FROM ontzorgen_betalingen WHERE run_id = '$run_id' AND status <> 'aangehouden' ORDER BY end_to_end_id" ;;
      "overview (arrangements)") sql="SELECT o.*, p.given_names, p.family_name, (SELECT MIN(k.due_date) FROM taken k WHERE k.person_id = o.person_id AND k.source = 'ontzorgen' AND k.done_at IS NULL) AS next_review FROM ontzorgingen o JOIN persons p ON p.id = o.person_id WHERE o.municipality_code IN ($scope) AND (o.closed_on IS NULL OR o.closed_on >= '$since') ORDER BY o.planned_end, p.family_name" ;;
    esac
    t=$(for i in 1 2 3; do sql_ms "$sql"; done | median)
    echo "$label|$t|$sql" >>"$RUN_DIR/sql-alone.txt"
    sql_notes+=("$label $(ms "$(awk -v v="$t" 'BEGIN { print v / 1000 }')") ms")
  done
  local overview_rows; overview_rows=$({ grep -o "/personen/[^/\"]*/ontzorgen\"" "$RUN_DIR/overview.html" || true; } | wc -l)

  TABLES[$ENGINE_LABEL]+=$(printf '%s\n' "${TABLE_ROWS[@]}")$'\n'
  DETAILS+=("- **$ENGINE_LABEL, K=$(fmt_int "$K")** (N=$(fmt_int "$people"), $(fmt_int "$eligible") eligible people in $MUNICIPALITY before the SQL): run of $MONTH, execution date $EXECUTION_DATE: $(fmt_int "$persons") people ($held held back), $(fmt_int "$payments") payments ($(fmt_int "$bench_payments") of them to bench people), € $(fmt_int "$((total / 100))"). Run page: $(fmt_int "$lines_on_page") payment lines, $(per_line run-page "$lines_on_page") bytes a line (after the export $(per_line run-page-exported "$lines_on_page")). Overview: $(fmt_int "$overview_rows") links to arrangements. SEPA file: $(human "$(stat -c %s "$RUN_DIR/betaalbestand-1.xml")"), \`<NbOfTxs>\` $nb, $txs \`<CdtTrfTxInf>\`, $( ((differ == 0)) && echo "all $((WARM_REQUESTS + 1)) downloads byte-identical" || echo "**$differ downloads differ**"), $ctype, $xsd_result. Seeding: \`regie demo\` ${seed_s} s; the SQL for $K arrangements (generated in ${gen_s} s, $(human "$(stat -c %s "$RUN_DIR/seed-ontzorgen.sql")")) ${sql_s} s${analyze_note}; database $(human "$db_bytes"). Server peak RSS (VmHWM) $peak. The pages' SQL alone in the engine's CLI (median of 3, server stopped): $(IFS=';'; echo "${sql_notes[*]}" | sed 's/;/; /g'). Load average before seeding $load_before, after the requests $load_after.")
}

for engine in $ENGINES; do
  case "$engine" in
    sqlite|postgres) ;;
    *) echo "unknown engine '$engine' (sqlite or postgres)" >&2; exit 2 ;;
  esac
  setup_engine "$engine" || continue
  log "$ENGINE_LABEL: load average $(load_average) ($(uptime | sed 's/.*load average: //'))"
  ENGINE_ORDER+=("$ENGINE_LABEL")
  for K in $SIZES; do run_size "$engine"; done
done

# --- report ------------------------------------------------------------------------------------------
REPORT="### $(date '+%Y-%m-%d %H:%M') — ontzorgen payment runs, $MUNICIPALITY, N=$N

Machine: $(machine). Commit \`$(commit_label "$ROOT")\`. Binary \`$BIN\`. Run month $MONTH (today $TODAY). curl over loopback, one request at a time; \"first\" is the first request of that page in the run, \"warm\" the median of the $WARM_REQUESTS that follow; \"server ms\" is the server's \`duration_ms\` for the first / the median of the warm ones. K = arrangements added with SQL."
for label in "${ENGINE_ORDER[@]+"${ENGINE_ORDER[@]}"}"; do
  REPORT+=$'\n\n'"**$label**"$'\n\n'"| K | request | first ms | warm ms | server ms | size |"$'\n'"|---:|---|---:|---:|---:|---:|"
  REPORT+=$'\n'"${TABLES[$label]:-| — | no size was measured (see the warnings) | | | | |}"; REPORT=${REPORT%$'\n'}
done
REPORT+=$'\n'
for line in "${DETAILS[@]+"${DETAILS[@]}"}"; do REPORT+=$'\n'"$line"; done
REPORT+=$'\n'"- Whole run: $(( $(date +%s) - STARTED )) s. Raw output: \`bench/results/$(basename "$OUT_DIR")/\`."
for note in "${NOTES[@]+"${NOTES[@]}"}"; do REPORT+=$'\n'"- WARNING: $note"; done
printf '%s\n' "$REPORT" | tee "$OUT_DIR/report.md"
