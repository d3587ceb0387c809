-- wrk: make writes, each a new make (a `makeId` no other request uses) of
-- one of the seeded recipes, so every request is diffed and stored.
--
--   LOAD_RECIPES=50 LOAD_TOKEN=… wrk -s writes.lua http://127.0.0.1:PORT
--
-- `LOAD_MAKE_BASE` is the first `makeId` (default 1000000); each wrk thread
-- takes its own block of ten million ids above it. Counts every answer
-- that is not 2xx, and the 201s (a 200 would be a make stored before),
-- and prints one `LOAD_RESULT` line the run script reads.

local recipes = tonumber(os.getenv("LOAD_RECIPES") or "50")
local token = os.getenv("LOAD_TOKEN") or ""
local base = tonumber(os.getenv("LOAD_MAKE_BASE") or "1000000")

local threads = {}
local next_index = 0

function setup(thread)
  thread:set("thread_index", next_index)
  next_index = next_index + 1
  table.insert(threads, thread)
end

local counter = 0
non_2xx = 0
created = 0

-- The seeded recipe, cooked differently each time: another rating, more
-- cinnamon (in teaspoons), one more apple, a longer bake, the preheating
-- step skipped.
local template = '{"recipeName":"Load test recipe %d","recipeId":%d,"makeId":%d,' ..
  '"rating":%d,"notes":"written by benches/load",' ..
  '"ingredients":[' ..
  '{"ingredientId":1,"quantity":2,"measurement":"cup","ingredientName":"flour"},' ..
  '{"ingredientId":2,"quantity":%d,"measurement":"tsp","ingredientName":"cinnamon"},' ..
  '{"ingredientId":3,"quantity":4,"measurement":"unit","ingredientName":"apples"},' ..
  '{"ingredientId":4,"quantity":100,"measurement":"g","ingredientName":"butter"}],' ..
  '"steps":[' ..
  '{"stepId":1,"stepText":"Gather the ingredients"},' ..
  '{"stepId":3,"stepText":"Mix the flour, butter and cinnamon"},' ..
  '{"stepId":4,"stepText":"Bake for %d minutes until golden"}]}'

function init(args)
  counter = 0
end

function request()
  counter = counter + 1
  local recipe = counter % recipes + 1
  local make = base + thread_index * 10000000 + counter
  local body = string.format(template, recipe, recipe, make, counter % 5 + 1,
    counter % 3 + 1, 40 + counter % 20)
  return wrk.format("POST", string.format("/recipes/%d/makes", recipe), {
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer " .. token,
  }, body)
end

function response(status, headers, body)
  if status == 201 then
    created = created + 1
  end
  if status < 200 or status > 299 then
    non_2xx = non_2xx + 1
  end
end

function done(summary, latency, requests)
  local bad, new = 0, 0
  for _, thread in ipairs(threads) do
    bad = bad + thread:get("non_2xx")
    new = new + thread:get("created")
  end
  local errors = summary.errors
  io.write(string.format(
    "LOAD_RESULT requests=%d duration_us=%d p50_us=%d p90_us=%d p99_us=%d max_us=%d " ..
    "non_2xx=%d connect=%d read=%d write=%d timeout=%d created=%d\n",
    summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
    bad, errors.connect, errors.read, errors.write, errors.timeout, new))
end
