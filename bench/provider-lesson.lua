-- wrk script for bench/provider-api.sh: a provider's system delivering lessons to the provider API
-- (POST /api/aanbieder/v1/lessons) with its link key. Every request is a complete lesson: the
-- offer, a date in the last weeks, a start time, hours, kind "cursus", and the referral ids of
-- those present (the whole group but one; everyone else in the group is absent).
--
-- Environment:
--   KEY     the link key (sent as Authorization: Bearer <KEY>)
--   MODE    fresh (default): a fresh messageId for every request (NONCE, thread, counter, random),
--           a random date of DATES, start time, hours and absent member, so every lesson differs.
--           repeat: every request is one of the lines of BODIES (complete JSON bodies, delivered
--           before), chosen at random: the server must answer each from the stored message
--           (201, "replayed": true) and store nothing.
--   OFFER   the offer's id (fresh)
--   GROUP   the referral ids of the group, comma-separated (fresh)
--   DATES   the lesson dates to choose from, YYYY-MM-DD, comma-separated (fresh)
--   NONCE   different for every run, so that fresh messageIds never repeat an earlier run's (fresh)
--   BODIES  a file with one JSON body per line (repeat)
--
-- Prints one machine-readable line at the end:
--   RESULT p50_ms=.. p99_ms=.. rps=.. ok_rps=.. new_rps=.. seconds=.. requests=.. sent=.. s201=..
--          new=.. replayed=.. s400=.. s401=.. s409=.. s5xx=.. other=.. errors=..
-- requests counts the responses wrk read; sent counts the requests the script generated (the last
-- ones may be in flight when wrk stops: the server stores between `new` and `sent` lessons). new and
-- replayed split the 201s by the answer's "replayed" field.

local key = os.getenv("KEY") or ""
local mode = os.getenv("MODE") or "fresh"
local offer = os.getenv("OFFER") or ""
local nonce = os.getenv("NONCE") or "00000000"
local path = "/api/aanbieder/v1/lessons"

local function split(text)
  local list = {}
  for item in string.gmatch(text or "", "[^,%s]+") do
    table.insert(list, item)
  end
  return list
end

local threads = {}
local thread_count = 0

function setup(thread)
  thread_count = thread_count + 1
  thread:set("tid", thread_count)
  table.insert(threads, thread)
end

local headers = {
  ["Authorization"] = "Bearer " .. key,
  ["Content-Type"] = "application/json",
}
local minutes = { "00", "15", "30", "45" }

function init(args)
  math.randomseed(os.time() * 100 + tid)
  counter = 0
  sent = 0
  new = 0
  replayed = 0
  s400 = 0
  s401 = 0
  s409 = 0
  s5xx = 0
  other = 0
  dates = split(os.getenv("DATES"))
  group = split(os.getenv("GROUP"))
  -- present[i]: the JSON array of the group without member i (the one absent).
  present = {}
  for i = 1, #group do
    local ids = {}
    for j, id in ipairs(group) do
      if j ~= i then table.insert(ids, '"' .. id .. '"') end
    end
    present[i] = "[" .. table.concat(ids, ",") .. "]"
  end
  bodies = {}
  if mode == "repeat" then
    local file = assert(io.open(os.getenv("BODIES") or "", "r"), "MODE=repeat needs BODIES, a file of JSON bodies")
    for line in file:lines() do
      if #line > 0 then table.insert(bodies, line) end
    end
    file:close()
    assert(#bodies > 0, "BODIES is empty")
  else
    assert(#group > 0 and #dates > 0 and offer ~= "", "MODE=fresh needs OFFER, GROUP and DATES")
  end
end

function request()
  local body
  if mode == "repeat" then
    body = bodies[math.random(1, #bodies)]
  else
    counter = counter + 1
    local id = string.format("%s.%d.%d.%04x", nonce, tid, counter, math.random(0, 65535))
    body = '{"messageId":"' .. id .. '","offerId":"' .. offer .. '","date":"' .. dates[math.random(1, #dates)] ..
      '","startsAt":"' .. string.format("%02d:%s", math.random(8, 20), minutes[math.random(1, 4)]) ..
      '","hours":' .. math.random(1, 3) .. ',"kind":"cursus","present":' .. present[math.random(1, #group)] .. '}'
  end
  sent = sent + 1
  return wrk.format("POST", path, headers, body)
end

function response(status, headers, body)
  if status == 201 then
    if body ~= nil and string.find(body, '"replayed"%s*:%s*true') then
      replayed = replayed + 1
    else
      new = new + 1
    end
  elseif status == 400 then
    s400 = s400 + 1
  elseif status == 401 then
    s401 = s401 + 1
  elseif status == 409 then
    s409 = s409 + 1
  elseif status >= 500 then
    s5xx = s5xx + 1
  else
    other = other + 1
  end
end

function done(summary, latency, requests)
  local t = { sent = 0, new = 0, replayed = 0, s400 = 0, s401 = 0, s409 = 0, s5xx = 0, other = 0 }
  for _, thread in ipairs(threads) do
    for name, _ in pairs(t) do
      t[name] = t[name] + (thread:get(name) or 0)
    end
  end
  local e = summary.errors
  local errors = e.connect + e.read + e.write + e.timeout
  local seconds = summary.duration / 1e6
  io.write(string.format(
    "RESULT p50_ms=%.3f p99_ms=%.3f rps=%.1f ok_rps=%.1f new_rps=%.1f seconds=%.3f requests=%d sent=%d s201=%d new=%d replayed=%d s400=%d s401=%d s409=%d s5xx=%d other=%d errors=%d\n",
    latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.requests / seconds, (t.new + t.replayed) / seconds, t.new / seconds, seconds, summary.requests, t.sent,
    t.new + t.replayed, t.new, t.replayed, t.s400, t.s401, t.s409, t.s5xx, t.other, errors))
end
