-- Batches of 100 progress events with fresh ids, from many learners (tokens and lesson
-- ids from bench/progress-sync.sh, in the environment).
local tokens, lessons = {}, {}
for t in string.gmatch(os.getenv("BENCH_TOKENS"), "[^,]+") do tokens[#tokens + 1] = t end
for l in string.gmatch(os.getenv("BENCH_LESSONS"), "[^,]+") do lessons[#lessons + 1] = l end
local kinds = { "started", "progress", "progress", "completed" }
local counter = 0

local function uuid()
  return string.format("%08x-%04x-4%03x-%04x-%012x", math.random(0, 0xffffffff),
    math.random(0, 0xffff), math.random(0, 0xfff), 0x8000 + math.random(0, 0x3fff),
    math.random(0, 0xffffffffffff))
end

function setup(thread)
  thread:set("seed", math.random(1, 1e9))
end

function init(args)
  math.randomseed(seed)
end

request = function()
  counter = counter + 1
  local events = {}
  for i = 1, 100 do
    local lesson = lessons[math.random(1, #lessons)]
    events[i] = string.format(
      '{"id":"%s","lesson_id":"%s","type":"%s","at":"2026-11-28T08:%02d:%02dZ","position_seconds":%d,"time_spent_seconds":%d}',
      uuid(), lesson, kinds[math.random(1, #kinds)], math.random(0, 59), math.random(0, 59),
      math.random(0, 600), math.random(1, 60))
  end
  local token = tokens[math.random(1, #tokens)]
  return wrk.format("POST", "/api/v1/progress/sync", {
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer " .. token,
  }, '{"events":[' .. table.concat(events, ",") .. ']}')
end
