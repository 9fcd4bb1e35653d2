#!/usr/bin/env bash
# Telemetry volume under the REAL Functions host (not in CI): what the app's defaults send to Application Insights per
# 1,000 token requests, host and worker apart. APPLICATIONINSIGHTS_CONNECTION_STRING points at a loopback ingestion
# sink (ingestion-sink.py) that counts envelopes and bytes by sending process. Per host.json variant: start, warm up,
# wait SETTLE_SECONDS, reset the sink, send TELEMETRY_SECONDS of wrk -c10, wait FLUSH_SECONDS (metrics are exported
# once a minute) and read the sink. A second window with no requests (IDLE=1, same length) shows what is sent anyway.
#   TELEMETRY_VARIANTS="published other-host.json ..."  (default: the published host.json)
#   TELEMETRY_SECONDS=30 FLUSH_SECONDS=70 SETTLE_SECONDS=15 WARMUP_SECONDS=10 (TC_NOW is set: the JIT settles at once)
#   BENCH_APP, BENCH_WORK, BENCH_REUSE as in run.sh
set -euo pipefail
source "$(dirname "$0")/lib.sh"
bench_setup 10
secs=${TELEMETRY_SECONDS:-30}
flush=${FLUSH_SECONDS:-70}
settle=${SETTLE_SECONDS:-15}
read -r -a variants <<<"${TELEMETRY_VARIANTS:-published}"
bench_app
start_sink
echo "ingestion sink on 127.0.0.1:$sink_port"

report() { # LABEL REQUESTS STATS_JSON
  python3 - "$1" "$2" "$3" <<'PY'
import json, sys
label, requests, stats = sys.argv[1], int(sys.argv[2]), json.loads(sys.argv[3])
per = 1000 / requests if requests else 0
print(f"{label}: {requests} requests")
for who in ("host", "worker", "other"):
    s = stats.get(who)
    if not s:
        print(f"  {who:7s} nothing")
        continue
    types = ", ".join(f"{k.replace('Data', '')} {v}" for k, v in sorted(s["types"].items()))
    line = f"  {who:7s} {s['envelopes']} envelopes, {s['bytes']} bytes ({s['wire_bytes']} on the wire) [{types}]"
    if requests:
        line += f"; per 1,000 requests: {s['envelopes'] * per:.0f} envelopes, {s['bytes'] * per / 1024:.1f} KiB"
    print(line)
for key, s in stats.items():
    if key.startswith("not-ingestion"):
        print(f"  ({key[len('not-ingestion '):]}: {s['posts']} posts, not counted)")
PY
}

for v in "${variants[@]}"; do
  app=$BENCH_APP
  if [[ $v != published ]]; then app=$work/app-$(basename "$v" .json); app_variant "$BENCH_APP" "$app" "$v"; fi
  start_ours tel "$app" DOTNET_TC_CallCountingDelayMs=0 "APPLICATIONINSIGHTS_CONNECTION_STRING=$sink_connection_string"
  measure tel 10 "$warmup" >/dev/null
  sleep "$settle"
  sink_reset
  read -r rps _ _ bad _ requests _ <<<"$(measure tel 10 "$secs")"
  sleep "$flush"
  echo "== variant $v: $rps req/s, non2xx $bad; window $((secs + flush)) s; load $(loadavg)"
  report "with load" "$requests" "$(sink_stats)"
  if [[ ${IDLE:-1} == 1 ]]; then
    sink_reset
    sleep $((secs + flush))
    report "idle, same window" 0 "$(sink_stats)"
  fi
  bench_cleanup
  start_sink >/dev/null # bench_cleanup stopped it too
done
echo "load at end: $(loadavg); work directory: $work"
