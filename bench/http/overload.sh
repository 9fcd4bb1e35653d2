#!/usr/bin/env bash
# Overload under the REAL Azure Functions host (not in CI): OVERLOAD_CONNECTIONS (default 500) concurrent connections,
# for each host.json throttle variant, alternating over ROUNDS (default 2). Per run, at the same time for
# OVERLOAD_SECONDS (default 20):
#   - wrk with the function key on all connections but 50 (status.lua counts responses by status),
#   - wrk WITHOUT a key on 50 connections: every answer must be 401, 429 or 503; a 201 there is a token without auth,
#   - probe.py, one keep-alive connection with the key: the latency a served request sees, by status.
# A variant is a comma-separated list of extensions.http settings merged into the published host.json, or `none`
# (the published host.json as is). Names and semantics: azure-functions-host src/WebJobs.Script.WebHost/
# Middleware/HttpThrottleMiddleware.cs and HttpRequestQueue.cs (maxConcurrentRequests = parallelism,
# maxOutstandingRequests = queued + running, beyond it 429; dynamicThrottlesEnabled reads App Service sandbox counters).
#   OVERLOAD_VARIANTS="none maxConcurrentRequests=100,maxOutstandingRequests=200 ..."  WARMUP_SECONDS=40 or TC_NOW=1
#   BENCH_APP, BENCH_WORK, BENCH_REUSE as in run.sh
set -euo pipefail
source "$(dirname "$0")/lib.sh"
bench_setup
rounds=${ROUNDS:-2}
conns=${OVERLOAD_CONNECTIONS:-500}
secs=${OVERLOAD_SECONDS:-20}
read -r -a variants <<<"${OVERLOAD_VARIANTS:-none maxOutstandingRequests=200,maxConcurrentRequests=100 maxOutstandingRequests=100,maxConcurrentRequests=25}"
anon=50
keyed=$((conns - anon))
bench_app

variant_app() { # VARIANT -> app directory whose host.json carries it
  [[ $1 == none ]] && { echo "$BENCH_APP"; return; }
  local dir=$work/app-${1//[^A-Za-z0-9]/_}
  python3 - "$BENCH_APP/host.json" "$1" "$work/host-variant.json" <<'PY'
import json, sys
host = json.load(open(sys.argv[1]))
http = host.setdefault("extensions", {}).setdefault("http", {})
for pair in sys.argv[2].split(","):
    name, value = pair.split("=", 1)
    http[name] = json.loads(value)
json.dump(host, open(sys.argv[3], "w"), indent=2)
PY
  app_variant "$BENCH_APP" "$dir" "$work/host-variant.json"
  echo "$dir"
}

statuses() { awk '/^status / { printf "%s%s:%s", sep, $2, $3; sep = " " }' "$1"; }

echo "== $conns connections ($keyed with the function key, $anon without), ${secs}s per run, $rounds rounds"
for r in $(seq 1 "$rounds"); do
  order=("${variants[@]}")
  ((r % 2)) || order=($(printf '%s\n' "${variants[@]}" | tac))
  for v in "${order[@]}"; do
    start_ours over "$(variant_app "$v")" "${tc_env[@]}"
    ((warmup > 0)) && measure over 50 "$warmup" >/dev/null
    out=$work/over-$r-${v//[^A-Za-z0-9]/_}
    BENCH_FUNCTION_KEY=${srv_key[over]} wrk -t2 -c"$keyed" -d"$secs"s --timeout 10s --latency -s "$bench_here/status.lua" \
      "${srv_url[over]}" >"$out.keyed" &
    keyed_job=$!
    wrk -t1 -c"$anon" -d"$secs"s --timeout 10s -s "$bench_here/status.lua" "${srv_url[over]}" >"$out.anon" &
    anon_job=$!
    python3 "$bench_here/probe.py" "${srv_url[over]}" "$secs" "${srv_key[over]}" >"$out.probe" &
    probe_job=$!
    wait "$keyed_job" "$anon_job" "$probe_job"
    load=$(loadavg)
    bench_cleanup
    echo "-- round $r, variant: $v   (load $load)"
    awk '/Requests\/sec/ { rps = $2 } $1 == "50%" { p50 = $2 } $1 == "99%" { p99 = $2 }
         /Socket errors/ { err = substr($0, index($0, ":") + 2) }
         END { printf "keyed wrk: %s req/s (all statuses), p50 %s, p99 %s, socket errors: %s\n", rps, p50, p99, err ? err : "none" }' "$out.keyed"
    echo "keyed statuses: $(statuses "$out.keyed")"
    echo "no-key statuses: $(statuses "$out.anon")"
    grep -q '^status 201 ' "$out.anon" && echo "FAIL OPEN: a request without the function key got a token"
    awk '/^status / && $2 != 201 && $2 != 401 && $2 != 429 && $2 != 503 { bad = 1 } END { if (bad) print "UNEXPECTED STATUS above (only 201, 401, 429, 503 are expected)" }' "$out.keyed" "$out.anon"
    sed 's/^probe /probe (one connection, with key): status /' "$out.probe"
  done
done
echo "load at end: $(loadavg); work directory: $work"
