-- wrk script for bench/run.sh.
-- Sends the session cookie (env COOKIE, e.g. "regie_session=...") with every request, counts
-- responses that are not 200 (an expired session would answer 303 to /inloggen and look fast),
-- and prints one machine-readable line at the end:
--   RESULT p50_ms=<..> p99_ms=<..> rps=<..> ok_rps=<..> requests=<..> non200=<..> errors=<..>
-- rps counts every response, ok_rps only the 200s. wrk leaves requests that exceed --timeout out
-- of the latency figures (they count as "timeout" errors).

local cookie = os.getenv("COOKIE")
if cookie ~= nil and cookie ~= "" then
  wrk.headers["Cookie"] = cookie
end

local threads = {}

function setup(thread)
  thread:set("non200", 0)
  table.insert(threads, thread)
end

function init(args)
  non200 = 0
end

function response(status, headers, body)
  if status ~= 200 then
    non200 = non200 + 1
  end
end

function done(summary, latency, requests)
  local non200 = 0
  for _, thread in ipairs(threads) do
    non200 = non200 + (thread:get("non200") or 0)
  end
  local e = summary.errors
  local errors = e.connect + e.read + e.write + e.timeout
  local seconds = summary.duration / 1e6
  io.write(string.format(
    "RESULT p50_ms=%.3f p99_ms=%.3f rps=%.1f ok_rps=%.1f requests=%d non200=%d errors=%d\n",
    latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.requests / seconds, (summary.requests - non200) / seconds, summary.requests, non200, errors))
end
