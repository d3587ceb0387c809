-- wrk: reads of stored differences, rotating over the seeded makes.
--
--   LOAD_RECIPES=50 LOAD_MAKES=20 wrk -s reads.lua http://127.0.0.1:PORT
--
-- Counts every answer that is not 2xx (wrk itself only counts >= 400) and
-- prints one `LOAD_RESULT` line the run script reads.

local recipes = tonumber(os.getenv("LOAD_RECIPES") or "50")
local makes = tonumber(os.getenv("LOAD_MAKES") or "20")

local threads = {}
local next_index = 0

function setup(thread)
  thread:set("thread_index", next_index)
  next_index = next_index + 1
  table.insert(threads, thread)
end

local counter = 0
non_2xx = 0

function init(args)
  -- Threads start at different places, so they do not read in lockstep.
  counter = thread_index * 7919
end

function request()
  counter = counter + 1
  local recipe = counter % recipes + 1
  local make = math.floor(counter / recipes) % makes + 1
  return wrk.format("GET", string.format("/recipes/%d/makes/%d/differences", recipe, make))
end

function response(status, headers, body)
  if status < 200 or status > 299 then
    non_2xx = non_2xx + 1
  end
end

function done(summary, latency, requests)
  local bad = 0
  for _, thread in ipairs(threads) do
    bad = bad + thread:get("non_2xx")
  end
  local errors = summary.errors
  io.write(string.format(
    "LOAD_RESULT requests=%d duration_us=%d p50_us=%d p90_us=%d p99_us=%d max_us=%d " ..
    "non_2xx=%d connect=%d read=%d write=%d timeout=%d\n",
    summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
    bad, errors.connect, errors.read, errors.write, errors.timeout))
end
