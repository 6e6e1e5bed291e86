# Small helpers shared by the benchmark scripts in bench/. Source it, don't run it:
#
#   BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
#   source "$BENCH_DIR/lib.sh"
#
# The helpers read a few variables the script sets: LOG_TAG (the prefix of log lines), BASE
# (http://127.0.0.1:<port>), RUN_DIR (where login cookie jars and response bodies go), PASSWORD (the
# demo users' password) and SERVER_PID (the server started by the script). Nothing here starts work
# of its own or changes the environment beyond defining functions.

# Log line on standard error: "[<tag> 16:45:01] message".
log() { printf '[%s %s] %s\n' "${LOG_TAG:-bench}" "$(date +%H:%M:%S)" "$*" >&2; }
# Now in seconds with fractions, and the seconds between two of them with one decimal.
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }
# Seconds (as curl prints them) as milliseconds: 0.01234 → 12.3 below 100 ms, 1234 above.
ms() { awk -v s="$1" 'BEGIN { v = s * 1000; if (v < 100) printf "%.1f", v; else printf "%.0f", v }'; }
# Bytes as KiB/MiB/GiB.
human() { awk -v b="$1" 'BEGIN { if (b >= 1073741824) printf "%.2f GiB", b / 1073741824; else if (b >= 1048576) printf "%.1f MiB", b / 1048576; else printf "%.0f KiB", b / 1024 }'; }
# Median of numbers, one per line.
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print 0; else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
# The 1, 5 and 15 minute load averages.
load_average() { cut -d' ' -f1-3 /proc/loadavg; }

# Peak resident memory (VmHWM) of a process, in MiB with one decimal.
peak_rss() { awk '/^VmHWM/ { printf "%.1f MiB", $2 / 1024 }' "/proc/${1:-$SERVER_PID}/status"; }

# The machine in one phrase: "2 CPUs, AMD EPYC …, 23.5 GiB RAM".
machine() {
  printf '%s CPUs, %s, %s RAM' "$(nproc)" "$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)" \
    "$(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)"
}

# The checkout's commit, "(with uncommitted changes)" when tracked files differ from it.
commit_label() {
  local root=$1 commit
  commit=$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)
  if [[ "$commit" != unknown && -n "$(GIT_OPTIONAL_LOCKS=0 git -C "$root" status --porcelain --untracked-files=no 2>/dev/null)" ]]; then
    commit+=" (with uncommitted changes)"
  fi
  echo "$commit"
}

# Fails unless every named tool is on PATH.
require_tools() {
  local tool
  for tool in "$@"; do
    command -v "$tool" >/dev/null || { echo "$tool is required (apt-get install -y $tool)" >&2; exit 2; }
  done
}

# Fails when something already answers on the port.
port_free() {
  if curl -s -o /dev/null --max-time 2 "http://127.0.0.1:$1/"; then
    echo "something already answers on port $1; choose another with PORT=..." >&2; exit 2
  fi
}

# Waits (up to `seconds`, default 30) until `GET <url>` answers 2xx while the process `pid` lives.
wait_for_port() {
  local url=$1 pid=$2 seconds=${3:-30} log_file=${4:-} i
  for i in $(seq 1 $((seconds * 10))); do
    curl -sf -o /dev/null --max-time 2 "$url" && return 0
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "the server (pid $pid) exited before $url answered${log_file:+; see $log_file}" >&2
      [[ -z "$log_file" ]] || tail -5 "$log_file" >&2
      return 1
    fi
    sleep 0.1
  done
  echo "$url did not answer within $seconds s" >&2
  return 1
}

# Stops SERVER_PID: SIGTERM, then SIGKILL if it has not exited within 10 s (then returns 1).
stop_server() {
  local i rc=0
  if [[ -n "${SERVER_PID:-}" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill "$SERVER_PID" 2>/dev/null || true
    for i in $(seq 1 40); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.25; done
    if kill -0 "$SERVER_PID" 2>/dev/null; then
      kill -KILL "$SERVER_PID" 2>/dev/null || true
      rc=1
    fi
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  SERVER_PID=
  return $rc
}

# The first CSRF token in an HTML file (`name="_csrf" value="…"`).
csrf_in() { { grep -o 'name="_csrf"[^>]*' "$1" || true; } | sed -n 's/.*value="\([^"]*\)".*/\1/p' | awk 'NR == 1'; }

# Logs in through the form like a browser (GET /inloggen for the CSRF token, POST /inloggen) and
# prints "regie_session=<value>". The cookie jar and headers stay in RUN_DIR/<name>.*.
login() {
  local email=$1 jar="$RUN_DIR/$2.jar" headers="$RUN_DIR/$2.login-headers" page="$RUN_DIR/$2.login-page" csrf status value
  rm -f "$jar"
  curl -sf -c "$jar" -o "$page" "$BASE/inloggen" || { echo "GET /inloggen failed" >&2; return 1; }
  csrf=$(csrf_in "$page")
  [[ -n "$csrf" ]] || { echo "no _csrf on /inloggen" >&2; return 1; }
  status=$(curl -s -o /dev/null -D "$headers" -w '%{http_code}' -b "$jar" -c "$jar" \
    --data-urlencode "_csrf=$csrf" --data-urlencode "email=$email" --data-urlencode "password=$PASSWORD" "$BASE/inloggen")
  value=$({ grep -i '^set-cookie: *regie_session=' "$headers" || true; } | awk 'NR == 1' | sed 's/^[^=]*=\([^;]*\).*/\1/' | tr -d '\r')
  [[ "$status" == 303 && -n "$value" ]] || { echo "login of $email failed (HTTP $status)" >&2; return 1; }
  echo "regie_session=$value"
}

# One GET with curl: timed <path> <cookie> [body file] [headers file]; prints "<status> <seconds>
# <bytes>". The body goes to the file (default RUN_DIR/last-body), the response headers to the
# headers file if one is given. CURL_MAX_TIME (600) bounds the request.
timed() {
  local body=${3:-$RUN_DIR/last-body} headers=()
  [[ -z "${4:-}" ]] || headers=(-D "$4")
  rm -f "$body"
  curl -s -o "$body" "${headers[@]}" -b "$2" -w '%{http_code} %{time_total} %{size_download}\n' --max-time "${CURL_MAX_TIME:-600}" "$BASE$1" || echo "000 0 0"
}

# One form POST with curl, redirects not followed: timed_post <path> <cookie> <body file> <curl
# --data-urlencode arguments…>; prints "<status> <seconds> <redirect location or ->".
timed_post() {
  local path=$1 cookie=$2 body=$3 args=() out a status seconds location
  shift 3
  for a in "$@"; do args+=(--data-urlencode "$a"); done
  rm -f "$body"
  out=$(curl -s -o "$body" -b "$cookie" -w '%{http_code} %{time_total} %{redirect_url}' --max-time "${CURL_MAX_TIME:-600}" "${args[@]}" "$BASE$path") || out="000 0"
  read -r status seconds location <<<"$out"
  location=${location#"$BASE"}
  echo "$status $seconds ${location:--}"
}

# The server's own time for the last request it logged after line `from` of its log (JSON lines at
# LOG_LEVEL=info, `"msg":"request"` with `duration_ms`, written when the handler returns): prints the
# milliseconds, or "?" when no such line appeared within a second. Take `from` with
# `log_lines <log file>` just before the request.
log_lines() { if [[ -f "$1" ]]; then wc -l <"$1"; else echo 0; fi; }
server_duration() {
  local file=$1 from=$2 i value
  for i in $(seq 1 20); do
    value=$(tail -n +"$((from + 1))" "$file" | { grep '"msg":"request"' || true; } | tail -1 | sed -n 's/.*"duration_ms":"\([0-9.]*\)".*/\1/p')
    [[ -z "$value" ]] || { echo "$value"; return 0; }
    sleep 0.05
  done
  echo "?"
}
