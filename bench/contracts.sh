#!/usr/bin/env bash
# Regie benchmark: the contract view (issue 18 item 7) at N cases. Seeds N cases on SQLite, starts
# the release server and times the figures dashboard of one municipality as the teamleider with
# curl — first with the demo's few referrals, then after a year of a busy provider network was
# added with SQL: REFERRALS started referrals (with consent) spread over the municipality's offers,
# two lessons a week of LESSON_HOURS hours per offer for WEEKS weeks, every participant of an offer
# on every list (one in ten absent). The difference is what the contract view costs at that volume:
# every table of the dashboard is computed per request (`FiguresController.allTables`), and only
# *Aanbieders en contracten* reads the register. See bench/README.md, "Contract view".
#
#   bench/contracts.sh [N]                    N cases (default 100000)
#   SKIP_BUILD=1 REGIE_BIN=/path/to/regie N=2000 bench/contracts.sh
#
# Environment: N (100000), REFERRALS (3000), WEEKS (40), LESSON_HOURS (3), MUNICIPALITY (GM0988),
#              FROM (2026-01-01), TO (2026-11-30), REQUESTS (7, the median is reported), SEED (2021),
#              PORT (28185), SKIP_BUILD=1, REGIE_BIN. The report is printed and kept in
#              bench/results/<stamp>-contracts-<N>/ (git-ignored).
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$BENCH_DIR")
N=${1:-${N:-100000}}
REFERRALS=${REFERRALS:-3000}
WEEKS=${WEEKS:-40}
LESSON_HOURS=${LESSON_HOURS:-3}
MUNICIPALITY=${MUNICIPALITY:-GM0988}
FROM=${FROM:-2026-01-01}
TO=${TO:-2026-11-30}
REQUESTS=${REQUESTS:-7}
SEED=${SEED:-2021}
PORT=${PORT:-28185}
PASSWORD=regie-demo-2026
BASE="http://127.0.0.1:$PORT"
QUERY="gemeente=$MUNICIPALITY&van=$FROM&tot=$TO"

for tool in curl sqlite3 awk; do
  command -v "$tool" >/dev/null || { echo "$tool is required (apt-get install -y $tool)" >&2; exit 2; }
done
RUN_DIR="$BENCH_DIR/results/$(date +%Y%m%d-%H%M%S)-contracts-$N"
mkdir -p "$RUN_DIR"
log() { printf '[contracts-bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
  log "building the release binary (scratch path .build-release)"
  (cd "$ROOT" && swift build -c release --product regie --scratch-path .build-release) >&2
fi
BIN="${REGIE_BIN:-$ROOT/.build-release/release/regie}"
[[ -x "$BIN" ]] || { echo "no binary at $BIN (run without SKIP_BUILD=1)" >&2; exit 2; }
if curl -s -o /dev/null --max-time 2 "$BASE/health/live"; then
  echo "something already answers on port $PORT; choose another with PORT=..." >&2; exit 2
fi

DB="$RUN_DIR/regie.sqlite"
SERVER_PID=
cleanup() { [[ -n "$SERVER_PID" ]] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null; return 0; }
trap cleanup EXIT

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
log "seeding $N people (load average $load_before)"
t0=$(date +%s)
(cd "$RUN_DIR" && LOG_LEVEL=warning env -u DATABASE_URL "$BIN" demo --database-path "$DB" --people "$N" --seed "$SEED") >"$RUN_DIR/demo.log" 2>&1
seed_s=$(( $(date +%s) - t0 ))

(cd "$RUN_DIR" && LOG_LEVEL=warning exec env -u DATABASE_URL "$BIN" serve --port "$PORT" --database-path "$DB") >"$RUN_DIR/server.out" 2>"$RUN_DIR/server.log" &
SERVER_PID=$!
for _ in $(seq 1 300); do curl -sf -o /dev/null "$BASE/health/live" && break; sleep 0.1; done
curl -sf -o /dev/null "$BASE/health/live" || { echo "server did not come up; see $RUN_DIR/server.log" >&2; exit 1; }

jar="$RUN_DIR/teamleider.jar"
csrf=$(curl -sf -c "$jar" "$BASE/inloggen" | grep -o 'name="_csrf"[^>]*' | sed -n 's/.*value="\([^"]*\)".*/\1/p' | head -1)
status=$(curl -s -o /dev/null -w '%{http_code}' -b "$jar" -c "$jar" --data-urlencode "_csrf=$csrf" \
  --data-urlencode "email=teamleider@regie.example" --data-urlencode "password=$PASSWORD" "$BASE/inloggen")
[[ "$status" == 303 ]] || { echo "login of the teamleider failed (HTTP $status)" >&2; exit 1; }

# The median of REQUESTS dashboards (after one not counted), in ms; the contract table's CSV once.
measure() {
  local label=$1 i times=()
  curl -s -o /dev/null -b "$jar" "$BASE/cijfers?$QUERY"
  for i in $(seq 1 "$REQUESTS"); do
    times+=("$(curl -s -o "$RUN_DIR/last.html" -b "$jar" -w '%{time_total}' --max-time 120 "$BASE/cijfers?$QUERY")")
  done
  grep -q 'Aanbieders en contracten' "$RUN_DIR/last.html" || { echo "$label: the dashboard has no contract table" >&2; exit 1; }
  curl -s -o "$RUN_DIR/contracts-$label.csv" -b "$jar" "$BASE/cijfers/csv?tabel=contracts&$QUERY"
  printf '%s\n' "${times[@]}" | sort -n | awk '{ a[NR] = $1 } END { printf "%.0f", a[int((NR + 1) / 2)] * 1000 }'
}

count() { sqlite3 "$DB" "PRAGMA busy_timeout = 10000; $1" | tail -1; }
cases=$(count "SELECT COUNT(*) FROM trajecten WHERE municipality_code = '$MUNICIPALITY'")
log "measuring the dashboard of $MUNICIPALITY ($cases cases) with the demo's referrals"
before_rows=$(count "SELECT COUNT(*) FROM lesson_attendance")
before=$(measure before)

log "adding $REFERRALS started referrals and $WEEKS weeks of lessons"
t0=$(date +%s)
sqlite3 "$DB" >/dev/null <<SQL
PRAGMA busy_timeout = 10000;
BEGIN IMMEDIATE;
CREATE TEMP TABLE bench_offers AS
  SELECT o.id AS offer_id, o.provider_id, ROW_NUMBER() OVER (ORDER BY o.id) - 1 AS n
  FROM provider_offers o JOIN providers v ON v.id = o.provider_id WHERE v.municipality_code = '$MUNICIPALITY' AND o.active = 1;
CREATE TEMP TABLE bench_people AS
  SELECT p.id AS person_id, ROW_NUMBER() OVER (ORDER BY p.id) - 1 AS n
  FROM persons p WHERE p.municipality_code = '$MUNICIPALITY' AND NOT EXISTS (SELECT 1 FROM referrals r WHERE r.person_id = p.id)
  LIMIT $REFERRALS;
INSERT INTO referrals (id, person_id, offer_id, status, referred_on, answered_on, planned_start_on, started_on, created_by, created_at)
  SELECT 'bench-r-' || b.n, b.person_id, o.offer_id, 'started', date('$FROM', '+' || (b.n % 60) || ' days'),
         date('$FROM', '+' || (b.n % 60 + 7) || ' days'), date('$FROM', '+' || (b.n % 60 + 30) || ' days'),
         date('$FROM', '+' || (b.n % 60 + 30) || ' days'), 'bench', 0
  FROM bench_people b JOIN bench_offers o ON o.n = b.n % (SELECT COUNT(*) FROM bench_offers);
INSERT INTO referral_consents (id, referral_id, person_id, classes, given_on, recorded_by, recorded_at)
  SELECT 'bench-c-' || b.n, 'bench-r-' || b.n, b.person_id, 'identity,hours', date('$FROM', '+' || (b.n % 60) || ' days'), 'bench', 0 FROM bench_people b;
WITH RECURSIVE k(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM k WHERE i < $WEEKS * 2 - 1)
INSERT INTO lessons (id, provider_id, offer_id, lesson_date, starts_at, hours, soort, code, status, opened_by, opened_at, confirmed_by, confirmed_at)
  SELECT 'bench-l-' || o.n || '-' || k.i, o.provider_id, o.offer_id, date('$FROM', '+' || (35 + (k.i / 2) * 7 + (k.i % 2) * 2) || ' days'),
         '09:00', $LESSON_HOURS, 'cursus', '', 'confirmed', 'bench', 0, 'bench', 0
  FROM bench_offers o, k;
INSERT INTO lesson_attendance (lesson_id, person_id, referral_id, lesson_date, present, hours)
  SELECT l.id, r.person_id, r.id, l.lesson_date, CASE WHEN ABS(RANDOM()) % 10 = 0 THEN 0 ELSE 1 END, 0
  FROM lessons l JOIN referrals r ON r.offer_id = l.offer_id AND r.id LIKE 'bench-r-%' WHERE l.id LIKE 'bench-l-%';
UPDATE lesson_attendance SET hours = $LESSON_HOURS WHERE present = 1 AND lesson_id LIKE 'bench-l-%';
COMMIT;
ANALYZE;
SQL
insert_s=$(( $(date +%s) - t0 ))
rows=$(count "SELECT COUNT(*) FROM lesson_attendance")
lessons=$(count "SELECT COUNT(*) FROM lessons")
offers=$(count "SELECT COUNT(*) FROM provider_offers o JOIN providers v ON v.id = o.provider_id WHERE v.municipality_code = '$MUNICIPALITY' AND o.active = 1")
log "measuring again ($rows attendance rows, $lessons lessons)"
after=$(measure after)
peak_kb=$(awk '/VmHWM/ { print $2 }' "/proc/$SERVER_PID/status" 2>/dev/null || echo 0)
load_after=$(cut -d' ' -f1-3 /proc/loadavg)
commit=$(cd "$ROOT" && git log -1 --format='%h' 2>/dev/null || echo '?')

{
  echo "### $(date '+%Y-%m-%d %H:%M') — contract view, SQLite, N=$N"
  echo
  echo "Commit \`$commit\`, binary \`$BIN\`. Dashboard of $MUNICIPALITY ($cases cases) for $FROM…$TO as the teamleider, curl, median of $REQUESTS after one not counted."
  echo
  echo "| register | referrals added | lessons | attendance rows | dashboard, median |"
  echo "|---|---:|---:|---:|---:|"
  echo "| the demo's | 0 | — | $before_rows | $before ms |"
  echo "| a year of $offers offers | $REFERRALS | $lessons | $rows | $after ms |"
  echo
  echo "- The contract view at this volume: $(( after - before )) ms of the dashboard (the difference)."
  echo "- Seeding $N people ${seed_s} s; adding the register with SQL ${insert_s} s. Peak RSS $(( peak_kb / 1024 )) MiB."
  echo "- Load average before seeding $load_before, after $load_after."
  echo "- The contract table after: \`$(head -c 300 "$RUN_DIR/contracts-after.csv" | tr '\r\n' '  ')\`"
} | tee "$RUN_DIR/report.md"
