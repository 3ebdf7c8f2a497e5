-- wrk script of bench/lookup.py: every request is a different simulated citizen looking up
-- their own result: the specimen code and the phone on record (the page's form, urlencoded,
-- with the CSRF cookie and field: a fixed valid unmasked 32-character secret in both), from its
-- own X-Forwarded-For address (the server reads it through RATE_LIMIT_PROXY_COUNT = 1).
-- The same request goes to the bare view (the ceiling) in the same run.
-- Environment: BENCH_PATH (URL path), BENCH_SAMPLES (how many bench samples: codes
-- BL-0000000.., phones 07 + 8 digits of the same number), BENCH_BASE (numbering offset of this
-- run), BENCH_STRIDE (wrk threads: request numbers are contiguous across threads, so a run of
-- fewer requests than samples looks each code up once; bench/lookup.py empties the limiter's
-- look-up counts before each run, as an hour passing would).

local threads = {}
local counter = 1

function setup(thread)
   thread:set("tid", counter)
   table.insert(threads, thread)
   counter = counter + 1
end

local path, samples, base, stride
local CSRF = "benchcsrfsecret0123456789abcdefg"
local n = 0

function init(args)
   path = os.getenv("BENCH_PATH") or "/xet-nghiem/tra-cuu/"
   samples = tonumber(os.getenv("BENCH_SAMPLES") or "200000")
   base = tonumber(os.getenv("BENCH_BASE") or "0")
   stride = tonumber(os.getenv("BENCH_STRIDE") or "1")
   found, missing, s429, s503, sother = 0, 0, 0, 0, 0
end

function request()
   n = n + 1
   local v = base + (n - 1) * stride + tid  -- unique per request in this run
   local i = v % samples
   local headers = {
      ["Content-Type"] = "application/x-www-form-urlencoded",
      ["Cookie"] = "csrftoken=" .. CSRF,
      ["X-Forwarded-For"] = string.format("10.%d.%d.%d", math.floor(v / 65536) % 256,
                                           math.floor(v / 256) % 256, v % 256),
   }
   local body = string.format("csrfmiddlewaretoken=%s&code=BL-%07d&phone=07%08d&birth_date=", CSRF, i, i)
   return wrk.format("POST", path, headers, body)
end

function response(status, headers, body)
   if status == 200 then
      -- The look-up page names the result it found; the bare view answers "ok".
      if body == "ok" or string.find(body, 'id="result"', 1, true) then
         found = found + 1
      else
         missing = missing + 1
      end
   elseif status == 429 then
      s429 = s429 + 1
   elseif status == 503 then
      s503 = s503 + 1
   else
      sother = sother + 1
   end
end

function done(summary, latency, requests)
   local f, m, l, u, o = 0, 0, 0, 0, 0
   for _, t in ipairs(threads) do
      f = f + t:get("found")
      m = m + t:get("missing")
      l = l + t:get("s429")
      u = u + t:get("s503")
      o = o + t:get("sother")
   end
   local e = summary.errors
   io.write(string.format(
      'RESULT {"requests":%d,"duration_us":%d,"ok":%d,"not_found":%d,"limited":%d,"unavailable":%d,' ..
      '"other_status":%d,"connect_errors":%d,"read_errors":%d,"write_errors":%d,"timeouts":%d,' ..
      '"p50_ms":%.2f,"p95_ms":%.2f,"p99_ms":%.2f,"max_ms":%.2f,"mean_ms":%.2f}\n',
      summary.requests, summary.duration, f, m, l, u, o,
      e.connect, e.read, e.write, e.timeout,
      latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
      latency.max / 1000, latency.mean / 1000))
end
