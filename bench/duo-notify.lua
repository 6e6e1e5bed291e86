-- wrk script for bench/duo-ingest.sh: DUO's calls to the Notificatie API (POST /v1/notificaties).
-- Every request is a complete notification: headers bron (DUO's OIN), doel (a municipality's OIN),
-- berichtId (a UUID) and a JSON body with registratieDatumTijd, a BSN that passes the 11-check,
-- and gebeurtenisId.
--
-- Environment:
--   BRON    DUO's OIN (development: 00000009999999999000)
--   DOEL    the municipality's OIN (development: Weert GM0988 -> 00000009000009880000)
--   NONCE   8 hex digits, different for every run, so that fresh berichtIds never repeat an
--           earlier run's
--   KEYS    0 (default): a fresh berichtId for every request (NONCE, thread, counter).
--           n > 0: every request repeats one of n berichtIds (chosen at random), each always with
--           the same BSN, like DUO retrying a message; the server must store each at most once.
--
-- Prints one machine-readable line at the end:
--   RESULT p50_ms=.. p99_ms=.. rps=.. ok_rps=.. requests=.. sent=.. s201=.. s400=.. s403=.. s503=.. other=.. errors=..
-- requests counts the responses wrk read; sent counts the requests the script generated (the last
-- ones may be in flight or unsent when wrk stops: the server stores between s201 and sent rows).
-- ok_rps counts only 201 answers.

local bron = os.getenv("BRON") or "00000009999999999000"
local doel = os.getenv("DOEL") or "00000009000009880000"
local nonce = os.getenv("NONCE") or "00000000"
local keys = tonumber(os.getenv("KEYS") or "0") or 0
local path = "/v1/notificaties"
-- Events the worker knows (an unknown one it would finish as "unknown" instead of postponing).
local events = { "SS101", "SS102", "SS103", "SS106" }

local threads = {}
local thread_count = 0

function setup(thread)
  thread_count = thread_count + 1
  thread:set("tid", thread_count)
  table.insert(threads, thread)
end

-- A BSN from a number: eight digits from n, the ninth the 11-check digit; n + 1 when the check
-- digit would be 10.
local function bsn(n)
  while true do
    local digits = string.format("%08d", n % 100000000)
    local sum = 0
    for i = 1, 8 do
      sum = sum + (10 - i) * tonumber(digits:sub(i, i))
    end
    local check = sum % 11
    if check < 10 and digits:sub(1, 1) ~= "0" then
      return digits .. tostring(check)
    end
    n = n + 1
    if n % 100000000 < 10000000 then n = n + 10000000 end
  end
end

function init(args)
  math.randomseed(os.time() * 100 + tid)
  counter = 0
  sent = 0
  s201 = 0
  s400 = 0
  s403 = 0
  s503 = 0
  other = 0
end

local function body(bsn_value, event)
  return '{"registratieDatumTijd":"2026-11-20T10:15:00Z","bsn":"' .. bsn_value .. '","gebeurtenisId":"' .. event .. '"}'
end

function request()
  local id, b
  if keys > 0 then
    local k = math.random(0, keys - 1)
    id = string.format("%s-0000-4000-8000-%012x", nonce, k)
    b = body(bsn(10000000 + k * 7919), events[(k % #events) + 1])
  else
    counter = counter + 1
    id = string.format("%s-%04x-4%03x-8%03x-%012x", nonce, tid, math.random(0, 4095), math.random(0, 4095), counter)
    b = body(bsn(math.random(10000000, 99999999)), events[math.random(1, #events)])
  end
  sent = sent + 1
  return wrk.format("POST", path, {
    ["bron"] = bron,
    ["doel"] = doel,
    ["berichtId"] = id,
    ["Content-Type"] = "application/json",
  }, b)
end

function response(status, headers, body)
  if status == 201 then
    s201 = s201 + 1
  elseif status == 400 then
    s400 = s400 + 1
  elseif status == 403 then
    s403 = s403 + 1
  elseif status == 503 then
    s503 = s503 + 1
  else
    other = other + 1
  end
end

function done(summary, latency, requests)
  local t = { sent = 0, s201 = 0, s400 = 0, s403 = 0, s503 = 0, other = 0 }
  for _, thread in ipairs(threads) do
    for name, _ in pairs(t) do
      t[name] = t[name] + (thread:get(name) or 0)
    end
  end
  local e = summary.errors
  local errors = e.connect + e.read + e.write + e.timeout
  local seconds = summary.duration / 1e6
  io.write(string.format(
    "RESULT p50_ms=%.3f p99_ms=%.3f rps=%.1f ok_rps=%.1f requests=%d sent=%d s201=%d s400=%d s403=%d s503=%d other=%d errors=%d\n",
    latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.requests / seconds, t.s201 / seconds, summary.requests, t.sent, t.s201, t.s400, t.s403, t.s503, t.other, errors))
end
