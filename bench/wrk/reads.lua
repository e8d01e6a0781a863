-- Read load for wrk (bench/national.py, issue 7): GET requests spread over a list of realistic
-- read paths (records as JSON-LD, resource lists with a search, named queries, the change
-- feed) that national.py picks from the loaded catalog and writes one per line as
-- "<Accept media type><TAB><path>".
--
--   GOVCAT_BENCH_TOKEN=... wrk -t2 -c50 -d20s --latency -s bench/wrk/reads.lua URL -- PATHS
--
-- The token comes from the environment, not the command line, so `ps` does not show it.
-- Each thread starts at its own place in the list, so the threads do not ask for the same
-- record at the same moment (the catalog has no response cache, but FalkorDB's would flatter
-- a run where everyone reads one record). done() prints one JSON line for national.py to parse.

local started = 0

function setup(thread)
  thread:set("index", started)
  started = started + 1
end

local paths = {}
local accepts = {}
local position = 0
local headers = {}

function init(args)
  local file = assert(io.open(args[1], "r"), "cannot open the paths file " .. tostring(args[1]))
  for line in file:lines() do
    local accept, path = line:match("^([^\t]+)\t(.+)$")
    if path then
      table.insert(accepts, accept)
      table.insert(paths, path)
    end
  end
  file:close()
  assert(#paths > 0, "no paths in " .. args[1])
  local token = os.getenv("GOVCAT_BENCH_TOKEN")
  assert(token and #token > 0, "GOVCAT_BENCH_TOKEN is not set")
  headers["Authorization"] = "Bearer " .. token
  -- each thread its own starting point (index is set by setup; threads are few, paths many)
  position = (index * 7919) % #paths
end

function request()
  position = position % #paths + 1
  headers["Accept"] = accepts[position]
  return wrk.format("GET", paths[position], headers)
end

function done(summary, latency, requests)
  local e = summary.errors
  -- latency is in microseconds; status counts answers of 400 and above (wrk's own rule)
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "bytes": %d, "connect": %d, "read": %d, ' ..
    '"write": %d, "status": %d, "timeout": %d, "p50_us": %d, "p90_us": %d, "p99_us": %d, ' ..
    '"max_us": %d, "mean_us": %.1f}\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status,
    e.timeout, latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency.max, latency.mean))
end
