-- The same request for both servers: the seed's bootstrap body. BENCH_FUNCTION_KEY adds the Functions key header.
wrk.method = "POST"
wrk.body = '{"roomName":"demo-room","participantName":"demo-user"}'
wrk.headers["Content-Type"] = "application/json"
local key = os.getenv("BENCH_FUNCTION_KEY")
if key ~= nil and key ~= "" then
  wrk.headers["x-functions-key"] = key
end
