-- wrk script of bench/checkin_load.py: every request is a different simulated visitor with its
-- own cp_dev cookie, its own X-Forwarded-For address and a fresh submission UUID.
-- Environment: BENCH_PATH (URL path; "/c/" for the visitor's web form, whose path is the
-- checkpoint's), BENCH_CHECKPOINTS (how many bench checkpoints), BENCH_PERSONS (pool of
-- existing visitors), BENCH_NEW ("1": every request a first-time visitor, a new person),
-- BENCH_BASE (visitor numbering offset of this run), BENCH_IDS_DIR (where each thread writes
-- what the server accepted: the submission of a check-in, the id of a one-INSERT row).
--
-- The web form is posted as a phone's browser posts it: urlencoded, with the CSRF cookie and
-- its form field (a fixed valid pair: the unmasked 32-character secret in both), no JavaScript
-- fields, an accepted check-in answered 302 to its confirmation page.

local threads = {}
local counter = 1

function setup(thread)
   thread:set("tid", counter)
   table.insert(threads, thread)
   counter = counter + 1
end

local path, checkpoints, persons, base, ids_dir, new_person, form
local CSRF = "benchcsrfsecret0123456789abcdefg"  -- 32 characters: a valid unmasked secret
local n = 0
local out
local statuses = {}

function init(args)
   path = os.getenv("BENCH_PATH") or "/api/v1/checkins/"
   checkpoints = tonumber(os.getenv("BENCH_CHECKPOINTS") or "2000")
   persons = tonumber(os.getenv("BENCH_PERSONS") or "500000")
   base = tonumber(os.getenv("BENCH_BASE") or "0")
   ids_dir = os.getenv("BENCH_IDS_DIR")
   new_person = os.getenv("BENCH_NEW") == "1"
   form = path == "/c/"
   math.randomseed(os.time() * 1000 + tid)
   if ids_dir then
      out = io.open(ids_dir .. "/ids-" .. tid .. ".txt", "w")
      out:setvbuf("line")
   end
   s2xx, s429, sother, srepeat = 0, 0, 0, 0
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

local function urlencode(s)
   return (string.gsub(s, "[^%w%-_%.~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end

function request()
   n = n + 1
   -- Visitor number: unique per request in this run (threads interleave by tid).
   local v = base + n * 64 + tid
   local name, id_number, phone, year
   if new_person then
      -- Never in the generated pool (IDs 038..., phones 09...): a new person every request.
      name = string.format("Khách mới %010d", v)
      id_number = string.format("039%09d", v % 1000000000)
      phone = string.format("08%08d", v % 100000000)
      year = 1940 + v % 66
   else
      local person = 1000 + (v % (persons - 1000))  -- an existing visitor (not a planted one)
      name = string.format("Người thử %07d", person)
      id_number = string.format("038%09d", person)
      phone = string.format("09%08d", person % 100000000)
      year = 1940 + person % 66
   end
   local token = string.format("bench%06d", math.random(1, checkpoints))
   local submission = uuid4()
   local headers = {
      ["Cookie"] = string.format("cp_dev=benchdevice%012d", v),
      ["X-Forwarded-For"] = string.format("10.%d.%d.%d", math.floor(v / 65536) % 256,
                                           math.floor(v / 256) % 256, v % 256),
   }
   if form then
      headers["Content-Type"] = "application/x-www-form-urlencoded"
      headers["Cookie"] = headers["Cookie"] .. "; csrftoken=" .. CSRF
      local body = "csrfmiddlewaretoken=" .. CSRF .. "&submission=" .. submission ..
         "&member_slots=3&full_name=" .. urlencode(name) .. "&birth_date=&birth_year=" .. year ..
         "&sex=male&id_number=" .. id_number .. "&phone=" .. phone ..
         "&province=&district=&ward=&address_line=&places_visited=" ..
         "&m0-full_name=&m0-birth_year=&m0-sex=&m1-full_name=&m1-birth_year=&m1-sex=" ..
         "&m2-full_name=&m2-birth_year=&m2-sex="
      return wrk.format("POST", "/c/" .. token .. "/", headers, body)
   end
   headers["Content-Type"] = "application/json"
   local body = string.format(
      '{"checkpoint_token":"%s","submission":"%s","person":{"full_name":"%s",' ..
      '"birth_year":%d,"sex":"male","id_number":"%s","phone":"%s"},"symptoms":[],"exposures":[]}',
      token, submission, name, year, id_number, phone)
   return wrk.format("POST", path, headers, body)
end

function response(status, headers, body)
   -- The form's confirmation page: /c/<token>/<done>/<submission>/ (the segment is translated).
   local location = headers["Location"] or headers["location"] or ""
   local confirmed = string.match(location, "/(%x+%-%x+%-%x+%-%x+%-%x+)/")
   if status == 200 or (status == 302 and confirmed and string.find(location, "again=1", 1, true)) then
      -- The same visit again (the visitor has a visit still open at that checkpoint): answered,
      -- nothing new stored; counted apart.
      srepeat = srepeat + 1
   elseif status == 201 or (status == 302 and confirmed) then
      s2xx = s2xx + 1
      if out then
         -- A check-in: its submission (API body, or the confirmation page's address); the
         -- one-INSERT ceiling: its row id.
         local sub = string.match(body, '"submission":%s*"([%x%-]+)"') or confirmed
         local id = string.match(body, '"id":%s*(%d+)')
         if sub then out:write(sub, "\n") elseif id then out:write(id, "\n") end
      end
   elseif status == 429 then
      s429 = s429 + 1
   else
      sother = sother + 1
   end
end

function done(summary, latency, requests)
   local ok, limited, other, repeated = 0, 0, 0, 0
   for _, t in ipairs(threads) do
      ok = ok + t:get("s2xx")
      limited = limited + t:get("s429")
      other = other + t:get("sother")
      repeated = repeated + t:get("srepeat")
   end
   local e = summary.errors
   io.write(string.format(
      'RESULT {"requests":%d,"duration_us":%d,"ok":%d,"repeats":%d,"limited":%d,"other_status":%d,' ..
      '"connect_errors":%d,"read_errors":%d,"write_errors":%d,"timeouts":%d,' ..
      '"p50_ms":%.2f,"p95_ms":%.2f,"p99_ms":%.2f,"max_ms":%.2f,"mean_ms":%.2f}\n',
      summary.requests, summary.duration, ok, repeated, limited, other,
      e.connect, e.read, e.write, e.timeout,
      latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
      latency.max / 1000, latency.mean / 1000))
end
