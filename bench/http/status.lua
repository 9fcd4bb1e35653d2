-- post.lua's request (the seed's body, BENCH_FUNCTION_KEY as x-functions-key when set), plus a count of responses by
-- status across all wrk threads, printed at the end as "status <code> <count>" lines (bench/http/overload.sh).
wrk.method = "POST"
wrk.body = '{"roomName":"demo-room","participantName":"demo-user"}'
wrk.headers["Content-Type"] = "application/json"
local key = os.getenv("BENCH_FUNCTION_KEY")
if key ~= nil and key ~= "" then
  wrk.headers["x-functions-key"] = key
end

local threads = {}
function setup(thread)
  table.insert(threads, thread)
end

counts = {}
function response(status, headers, body)
  counts[status] = (counts[status] or 0) + 1
end

function done(summary, latency, requests)
  local total = {}
  for _, thread in ipairs(threads) do
    for code, n in pairs(thread:get("counts")) do
      total[code] = (total[code] or 0) + n
    end
  end
  for code, n in pairs(total) do
    io.write(string.format("status %d %d\n", code, n))
  end
end
