-- A plain GET (bench/http/run.sh FLOOR=1: GET /api/health, the host's cost around a function that does nothing).
wrk.method = "GET"
