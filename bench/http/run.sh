#!/usr/bin/env bash
# End-to-end HTTP benchmark (not in CI): the real TokenFunction worker behind the host emulator's HTTP front
# (A) against the seed's Node stack, Express + express.json() + livekit-server-sdk (B), both on loopback.
# wrk, 50 connections, 10 s per run, alternating A B A B; then cold start (worker launch -> first 201), median
# of 5, with and without ReadyToRun.
#   WARMUP_SECONDS   load applied to each server before measuring (default 40: .NET's tiered JIT needs ~40 s)
#   RUNS             measured runs per server (default 2, i.e. A B A B)
#   COLD_RUNS        cold-start runs per variant (default 5; 0 skips the cold-start part)
#   BENCH_WORK       work directory (default: a new temporary one); BENCH_REUSE=1 keeps builds already in it
#   BENCH_OTLP       1: the worker exports its metrics, traces and logs over OTLP/HTTP to a loopback sink in the
#                    emulator host, which prints what it received per signal at the end (the telemetry overhead
#                    figure in docs/performance.md compares runs with 1 and 0, alternating)
set -euo pipefail
cd "$(dirname "$0")"
here=$(pwd)
root=$(cd ../.. && pwd)
work=${BENCH_WORK:-$(mktemp -d)}
mkdir -p "$work"
warmup=${WARMUP_SECONDS:-40}
runs=${RUNS:-2}
cold_runs=${COLD_RUNS:-5}
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 AZURE_TOKEN_CREDENTIALS=dev

command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 1; }

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

echo "load average at start: $(cut -d" " -f1-3 /proc/loadavg) on $(nproc) cores"
echo "== build (Release): worker publish with and without ReadyToRun, emulator host, seed server"
reuse() { [[ ${BENCH_REUSE:-0} == 1 && -f $1 ]]; }
for variant in r2r jit; do
  r2r=false; [[ $variant == r2r ]] && r2r=true
  reuse "$work/app-$variant/TokenFunction.dll" || dotnet publish "$root/TokenFunction/TokenFunction.csproj" -c Release -r linux-x64 \
    --self-contained false -p:PublishReadyToRun=$r2r -o "$work/app-$variant" >"$work/publish-$variant.log" 2>&1 \
    || { tail -20 "$work/publish-$variant.log"; exit 1; }
done
reuse "$work/emulator/EmulatorHost.dll" || dotnet build "$here/EmulatorHost/EmulatorHost.csproj" -c Release -o "$work/emulator" \
  >"$work/emulator-build.log" 2>&1 || { tail -20 "$work/emulator-build.log"; exit 1; }
(cd seed-server && { [[ -d node_modules ]] || npm ci --no-audit --no-fund >/dev/null; })

app=${BENCH_APP:-$work/app-r2r}
ours_port=$(free_port)
seed_port=$(free_port)
key=bench-function-key

dotnet "$work/emulator/EmulatorHost.dll" serve "$app" "$ours_port" >"$work/ours.log" 2>&1 &
pids+=($!)
PORT=$seed_port LIVEKIT_API_KEY=devkey LIVEKIT_API_SECRET=secret node seed-server/server.js >"$work/seed.log" 2>&1 &
pids+=($!)

ours_url="http://127.0.0.1:$ours_port/api/token"
seed_url="http://127.0.0.1:$seed_port/token"
body='{"roomName":"demo-room","participantName":"demo-user"}'
for i in $(seq 1 300); do
  a=$(curl -s -o /dev/null -w '%{http_code}' -X POST -H 'Content-Type: application/json' -H "x-functions-key: $key" -d "$body" "$ours_url" || true)
  b=$(curl -s -o /dev/null -w '%{http_code}' -X POST -H 'Content-Type: application/json' -d "$body" "$seed_url" || true)
  [[ $a == 201 && $b == 200 ]] && break
  [[ $i == 300 ]] && { echo "servers not ready (ours: $a, seed: $b)"; cat "$work/ours.log"; exit 1; }
  sleep 0.2
done
echo "ours: $ours_url (201)   seed: $seed_url (200)"

# wrk prints latency as 1.23us / 4.56ms / 1.2s: normalise to ms.
to_ms() { awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n = n; else if (v ~ /s$/) n *= 1000; printf "%.2f", n }'; }

measure() { # name url key seconds -> prints "rps p50 p99 non2xx"
  local out
  out=$(BENCH_FUNCTION_KEY=$3 wrk -t2 -c50 -d"$4"s --latency -s "$here/post.lua" "$2")
  local rps p50 p99 bad
  rps=$(awk '/^Requests\/sec:/ { print $2 }' <<<"$out")
  p50=$(to_ms "$(awk '$1 == "50%" { print $2 }' <<<"$out")")
  p99=$(to_ms "$(awk '$1 == "99%" { print $2 }' <<<"$out")")
  bad=$(awk '/Non-2xx or 3xx responses:/ { print $5 }' <<<"$out")
  echo "$rps $p50 $p99 ${bad:-0}"
}

echo "== warm-up: ${warmup} s of load on each server (not measured)"
if (( warmup > 0 )); then
  measure ours "$ours_url" "$key" "$warmup" >/dev/null
  measure seed "$seed_url" "" "$warmup" >/dev/null
fi

echo "== wrk -t2 -c50 -d10s, alternating A (ours) B (seed)"
printf '%-6s %-4s %10s %9s %9s %7s\n' run srv 'req/s' 'p50 ms' 'p99 ms' non2xx
declare -a ours_rps seed_rps ours_p50 seed_p50 ours_p99 seed_p99
for r in $(seq 1 "$runs"); do
  read -r rps p50 p99 bad < <(measure ours "$ours_url" "$key" 10)
  printf '%-6s %-4s %10s %9s %9s %7s\n' "$r" A "$rps" "$p50" "$p99" "$bad"
  ours_rps+=("$rps"); ours_p50+=("$p50"); ours_p99+=("$p99")
  read -r rps p50 p99 bad < <(measure seed "$seed_url" "" 10)
  printf '%-6s %-4s %10s %9s %9s %7s\n' "$r" B "$rps" "$p50" "$p99" "$bad"
  seed_rps+=("$rps"); seed_p50+=("$p50"); seed_p99+=("$p99")
done
mean() { printf '%s\n' "$@" | awk '{ s += $1; n++ } END { printf "%.2f", s / n }'; }
a=$(mean "${ours_rps[@]}"); b=$(mean "${seed_rps[@]}")
echo "mean  A (ours)  $a req/s  p50 $(mean "${ours_p50[@]}") ms  p99 $(mean "${ours_p99[@]}") ms"
echo "mean  B (seed)  $b req/s  p50 $(mean "${seed_p50[@]}") ms  p99 $(mean "${seed_p99[@]}") ms"
echo "ratio A/B req/s: $(awk -v a="$a" -v b="$b" 'BEGIN { printf "%.2f", a / b }')"

cleanup
pids=()
[[ ${BENCH_OTLP:-0} == 1 ]] && grep -h "otlp sink" "$work/ours.log" || true

if (( cold_runs > 0 )); then
  echo "== cold start: worker launch -> first 201 from POST /api/token, $cold_runs runs each"
  for variant in r2r jit; do
    echo "-- $variant"
    dotnet "$work/emulator/EmulatorHost.dll" cold-start "$work/app-$variant" "$cold_runs"
  done
fi
echo "(work directory: $work)"
