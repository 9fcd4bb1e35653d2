#!/usr/bin/env bash
# Where a lone request's time goes under the REAL Functions host (not in CI; needs tcpdump and root for loopback
# capture). Starts the published app under ../shared/realhost and the seed's server, warms both, then captures
# loopback packets while wrk sends requests back to back on ONE connection. Packet timestamps mark each hop:
#   t0 client -> host (HTTP request)      t1 host -> worker (gRPC InvocationRequest)
#   t2 worker -> host (last gRPC message before the response: the InvocationResponse; earlier ones, e.g. RpcLog
#      lines the worker forwards, are counted)          t3 host -> client (HTTP response)
# and prints medians and p90 of host-in (t1-t0), worker (t2-t1), host-out (t3-t2) and total (t3-t0), beside the
# seed's request -> response time measured the same way. Packet times include the kernel's loopback hop
# (a few µs), not the client's time.
#   TRACE_SECONDS=3  WARMUP_SECONDS=40 (or TC_NOW=1)  A_HOST_JSON / A_ENV as in run.sh  BENCH_APP, BENCH_WORK
set -euo pipefail
source "$(dirname "$0")/lib.sh"
command -v tcpdump >/dev/null || { echo "tcpdump is missing: apt-get install -y tcpdump" >&2; exit 1; }
bench_setup
secs=${TRACE_SECONDS:-3}
bench_app
app=$BENCH_APP
if [[ -n ${A_HOST_JSON:-} ]]; then app=$work/app-A; app_variant "$BENCH_APP" "$app" "$A_HOST_JSON"; fi
# shellcheck disable=SC2086 # NAME=VALUE words
start_ours ours "$app" "${tc_env[@]}" ${A_ENV:-}
start_seed seed
port_of() { sed -E 's#^http://[^:]+:([0-9]+)/.*#\1#' <<<"${srv_url[$1]}"; }
http_port=$(port_of ours)
seed_port=$(port_of seed)
# The host's other listening port is its gRPC server for the worker.
grpc_port=$(ss -ltnpH | awk -v pid="pid=${srv_pid[ours]}," -v http=":$http_port" '$0 ~ pid && $4 !~ http"$" { n = split($4, a, ":"); print a[n]; exit }')
echo "host pid ${srv_pid[ours]} http :$http_port grpc :$grpc_port, worker ${srv_worker[ours]}; seed :$seed_port"

if ((warmup > 0)); then
  echo "== warm-up $warmup s at 50 connections on each"
  measure ours 50 "$warmup" >/dev/null
  measure seed 50 "$warmup" >/dev/null
fi

capture() { # NAME FILTER -> pcap path
  local pcap=$work/$1.pcap
  tcpdump -i lo -n -s 128 -w "$pcap" "$2" 2>/dev/null &
  local dump=$!
  sleep 1
  measure "$1" 1 "$secs" >"$work/$1.lone"
  sleep 0.5
  kill "$dump"; wait "$dump" 2>/dev/null || true
  echo "$pcap"
}
ours_pcap=$(capture ours "tcp port $http_port or tcp port $grpc_port")
seed_pcap=$(capture seed "tcp port $seed_port")
echo "lone (wrk -c1 during capture): ours $(cut -d' ' -f1-3 "$work/ours.lone") | seed $(cut -d' ' -f1-3 "$work/seed.lone")  (req/s p50 p99 ms); load $(loadavg)"

tcpdump -r "$ours_pcap" -n -tt 2>/dev/null >"$work/ours.txt"
tcpdump -r "$seed_pcap" -n -tt 2>/dev/null >"$work/seed.txt"
python3 - "$work/ours.txt" "$work/seed.txt" "$http_port" "$grpc_port" "$seed_port" <<'PY'
import re, sys
line_re = re.compile(r'^(\d+\.\d+) IP [\d.]+\.(\d+) > [\d.]+\.(\d+): .* length (\d+)')

def packets(path):
    for line in open(path):
        m = line_re.match(line)
        if m and int(m.group(4)) > 0:
            yield float(m.group(1)), int(m.group(2)), int(m.group(3)), int(m.group(4))

def stats(values):
    values = sorted(values)
    pick = lambda q: values[min(len(values) - 1, int(q * len(values)))]
    return f"median {pick(0.5) * 1e6:7.0f} µs   p90 {pick(0.9) * 1e6:7.0f} µs"

ours, seed, http, grpc, seed_port = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
hops = {"host-in  (request -> InvocationRequest)": [], "worker   (InvocationRequest -> InvocationResponse)": [],
        "host-out (InvocationResponse -> response)": [], "total    (request -> response)": []}
worker_msgs, t0, t1, t2, msgs = [], None, None, None, 0
for t, src, dst, n in packets(ours):
    if dst == http:
        t0, t1, t2, msgs = t, None, None, 0
    elif src == grpc and t0 is not None and t1 is None and n > 100:
        t1 = t
    elif dst == grpc and t1 is not None:
        t2, msgs = t, msgs + 1
    elif src == http and None not in (t0, t1, t2):
        for key, value in zip(hops, (t1 - t0, t2 - t1, t - t2, t - t0)):
            hops[key].append(value)
        worker_msgs.append(msgs)
        t0 = None
if not worker_msgs:
    sys.exit("no complete request found in the capture")
print(f"ours: {len(worker_msgs)} requests; worker -> host packets per request: median {sorted(worker_msgs)[len(worker_msgs) // 2]}")
for key, values in hops.items():
    print(f"  {key:52s} {stats(values)}")
seed_total, t0 = [], None
for t, src, dst, n in packets(seed):
    if dst == seed_port:
        t0 = t
    elif src == seed_port and t0 is not None:
        seed_total.append(t - t0)
        t0 = None
print(f"seed: {len(seed_total)} requests")
print(f"  {'total    (request -> response)':52s} {stats(seed_total)}")
PY
echo "load at end: $(loadavg); captures in $work"
