-- wrk script of bench/checkin_load.py: every request is a different simulated visitor with its
-- own cp_dev cookie, its own X-Forwarded-For address and a fresh submission UUID.
-- Environment: BENCH_PATH (URL path), BENCH_CHECKPOINTS (how many bench checkpoints),
-- BENCH_PERSONS (pool of existing visitors), BENCH_BASE (visitor numbering offset of this run),
-- BENCH_IDS_DIR (where each thread writes the ids the server answered 201 with).

local threads = {}
local counter = 1

function setup(thread)
   thread:set("tid", counter)
   table.insert(threads, thread)
   counter = counter + 1
end

local path, checkpoints, persons, base, ids_dir
local n = 0
local out
local statuses = {}

function init(args)
   path = os.getenv("BENCH_PATH") or "/api/v1/checkins/"
   checkpoints = tonumber(os.getenv("BENCH_CHECKPOINTS") or "2000")
   persons = tonumber(os.getenv("BENCH_PERSONS") or "500000")
   base = tonumber(os.getenv("BENCH_BASE") or "0")
   ids_dir = os.getenv("BENCH_IDS_DIR")
   math.randomseed(os.time() * 1000 + tid)
   if ids_dir then
      out = io.open(ids_dir .. "/ids-" .. tid .. ".txt", "w")
      out:setvbuf("line")
   end
   s2xx, s429, sother = 0, 0, 0
end

local function hex(k)
   local t = {}
   for i = 1, k do t[i] = string.format("%x", math.random(0, 15)) end
   return table.concat(t)
end

local function uuid4()
   return hex(8) .. "-" .. hex(4) .. "-4" .. hex(3) .. "-" ..
      string.format("%x", math.random(8, 11)) .. hex(3) .. "-" .. hex(12)
end

function request()
   n = n + 1
   -- Visitor number: unique per request in this run (threads interleave by tid).
   local v = base + n * 64 + tid
   local person = 1000 + (v % (persons - 1000))  -- an existing visitor (not a planted one)
   local body = string.format(
      '{"checkpoint_token":"bench%06d","submission":"%s","person":{"full_name":"Người thử %07d",' ..
      '"birth_year":%d,"id_number":"038%09d","phone":"09%08d"},"symptoms":[],"exposures":[]}',
      math.random(1, checkpoints), uuid4(), person, 1940 + person % 66, person, person % 100000000)
   local headers = {
      ["Content-Type"] = "application/json",
      ["Cookie"] = string.format("cp_dev=benchdevice%012d", v),
      ["X-Forwarded-For"] = string.format("10.%d.%d.%d", math.floor(v / 65536) % 256,
                                           math.floor(v / 256) % 256, v % 256),
   }
   return wrk.format("POST", path, headers, body)
end

function response(status, headers, body)
   if status == 201 or status == 200 then
      s2xx = s2xx + 1
      if out then
         local id = string.match(body, '"id":%s*(%d+)')
         if id then out:write(id, "\n") end
      end
   elseif status == 429 then
      s429 = s429 + 1
   else
      sother = sother + 1
   end
end

function done(summary, latency, requests)
   local ok, limited, other = 0, 0, 0
   for _, t in ipairs(threads) do
      ok = ok + t:get("s2xx")
      limited = limited + t:get("s429")
      other = other + t:get("sother")
   end
   local e = summary.errors
   io.write(string.format(
      'RESULT {"requests":%d,"duration_us":%d,"ok":%d,"limited":%d,"other_status":%d,' ..
      '"connect_errors":%d,"read_errors":%d,"write_errors":%d,"timeouts":%d,' ..
      '"p50_ms":%.2f,"p95_ms":%.2f,"p99_ms":%.2f,"max_ms":%.2f,"mean_ms":%.2f}\n',
      summary.requests, summary.duration, ok, limited, other,
      e.connect, e.read, e.write, e.timeout,
      latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
      latency.max / 1000, latency.mean / 1000))
end
