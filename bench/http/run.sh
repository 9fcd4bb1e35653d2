#!/usr/bin/env bash
# End-to-end HTTP benchmark (not in CI) under the REAL Azure Functions host: A, the published TokenFunction app
# behind ../shared/realhost (function key enforced, the real policy and signing path), against B, the seed's Node
# server (Express + express.json() + livekit-server-sdk), same body, same connections, same warm-up, on loopback.
# wrk, alternating rounds (odd rounds A first, even rounds B first); then the same at one connection (a lone
# request's latency). Prints per round req/s, p50/p99, refusals and the CPU per request of the host process and the
# worker process apart (utime+stime deltas from /proc/PID/stat over requests served), then medians, spreads, and the
# A/B ratio as the median of the per-round ratios. Every line carries the load average: the machine is shared.
#
#   ROUNDS=3  SECONDS_PER_RUN=10  CONNECTIONS=50  LONE=1 (0 skips the one-connection part)
#   WARMUP_SECONDS=40   load on each server before measuring (.NET's tiered JIT needs ~40 s), or
#   TC_NOW=1            sets DOTNET_TC_CallCountingDelayMs=0 for the host and worker instead (warm-up then 10 s)
#   A_KIND / B_KIND     ours | seed (default A=ours, B=seed); for an `ours` side:
#   A_HOST_JSON=file    host.json to run with instead of the published one (lever experiments), likewise B_HOST_JSON
#   A_ENV="N=V ..."     extra app settings (environment) for that side, likewise B_ENV
#   A_APP=dir           a published app for that side (default BENCH_APP), likewise B_APP
#   A_NAME / B_NAME     labels in the output
#   BENCH_APP=dir       a published app to use (default: publish TokenFunction now, Release, as the csproj sets it)
#   BENCH_WORK=dir      work directory (default: a new temporary one); BENCH_REUSE=1 keeps a publish already there
#   FLOOR=1             also measures, each round, what the host costs without our code: GET /api/health (the
#                       worker answers a constant) and POST /api/token without the key (the host answers 401 alone)
#   BENCH_WRK_OUT=file  appends wrk's full output of every run
#   @SINK@ in A_ENV/B_ENV becomes the connection string of a loopback Application Insights ingestion sink
#   (ingestion-sink.py), e.g. A_ENV=APPLICATIONINSIGHTS_CONNECTION_STRING=@SINK@ runs A with its Azure Monitor export on
set -euo pipefail
source "$(dirname "$0")/lib.sh"
bench_setup
rounds=${ROUNDS:-3}
secs=${SECONDS_PER_RUN:-10}
conns=${CONNECTIONS:-50}
bench_app
if [[ "${A_ENV:-}${B_ENV:-}" == *@SINK@* ]]; then
  start_sink
  A_ENV=${A_ENV:-} B_ENV=${B_ENV:-}
  A_ENV=${A_ENV//@SINK@/$sink_connection_string} B_ENV=${B_ENV//@SINK@/$sink_connection_string}
  echo "ingestion sink on 127.0.0.1:$sink_port"
fi

start_side() { # SIDE (A|B): starts that side's server; its name is left in $started
  local side=$1 v kind name host_json env_list app
  v=${side}_KIND; kind=${!v:-}; [[ -n $kind ]] || { [[ $side == A ]] && kind=ours || kind=seed; }
  v=${side}_NAME; name=${!v:-$kind-$side}
  if [[ $kind == seed ]]; then
    start_seed "$name"
  else
    v=${side}_HOST_JSON; host_json=${!v:-}
    v=${side}_ENV; env_list=${!v:-}
    v=${side}_APP; app=${!v:-$BENCH_APP}
    if [[ -n $host_json ]]; then app_variant "$app" "$work/app-$side" "$host_json"; app=$work/app-$side; fi
    # shellcheck disable=SC2086 # the list is NAME=VALUE words
    start_ours "$name" "$app" "${tc_env[@]}" $env_list
  fi
  started=$name
}

start_side A; a=$started
start_side B; b=$started
[[ $a != "$b" ]] || { echo "A and B need different names (A_NAME, B_NAME)" >&2; exit 2; }
for s in "$a" "$b"; do
  echo "$s: ${srv_kind[$s]} ${srv_url[$s]} pid ${srv_pid[$s]}${srv_worker[$s]:+ worker ${srv_worker[$s]}}${srv_log[$s]:+ log ${srv_log[$s]}}"
done

floors=()
if [[ ${FLOOR:-0} == 1 && ${srv_kind[$a]} == ours ]]; then
  for f in health no-key; do
    srv_pid[$f]=${srv_pid[$a]} srv_kind[$f]=ours srv_worker[$f]=${srv_worker[$a]} srv_key[$f]=
    floors+=("$f")
  done
  srv_url[health]=${srv_url[$a]%/token}/health
  srv_url[no-key]=${srv_url[$a]}
fi
floor_lua() { [[ $1 == health ]] && echo "$bench_here/get.lua" || echo "$bench_here/post.lua"; }

if ((warmup > 0)); then
  echo "== warm-up: $warmup s at $conns connections on each (not measured)${tc_env[*]:+; ${tc_env[*]}}"
  measure "$a" "$conns" "$warmup" >/dev/null
  measure "$b" "$conns" "$warmup" >/dev/null
fi

phase() { # CONNECTIONS LABEL
  local c=$1 r first second s line xr x50 x99 xbad xerr xh xw ar a50 a99 br b50 b99
  declare -A rps p50 p99 hcpu wcpu
  local ratios=() p99ratios=() p50ratios=()
  echo "== $2: wrk -c$c -d${secs}s, $rounds alternating rounds"
  printf '%-5s %-14s %8s %8s %8s %7s %6s %9s %9s %s\n' round server 'req/s' 'p50 ms' 'p99 ms' non2xx sockerr 'host µs' 'worker µs' 'load'
  for r in $(seq 1 "$rounds"); do
    if ((r % 2)); then first=$a second=$b; else first=$b second=$a; fi
    for s in "$first" "$second"; do
      line=$(measure "$s" "$c" "$secs")
      read -r xr x50 x99 xbad xerr _ xh xw <<<"$line"
      printf '%-5s %-14s %8s %8s %8s %7s %6s %9s %9s %s\n' "$r" "$s" "$xr" "$x50" "$x99" "$xbad" "$xerr" "$xh" "$xw" "$(loadavg)"
      rps[$s]+="$xr "; p50[$s]+="$x50 "; p99[$s]+="$x99 "; hcpu[$s]+="$xh "; wcpu[$s]+="$xw "
      if [[ $s == "$a" ]]; then ar=$xr a50=$x50 a99=$x99; else br=$xr b50=$x50 b99=$x99; fi
    done
    for s in "${floors[@]}"; do
      line=$(measure "$s" "$c" "$secs" "$(floor_lua "$s")")
      read -r xr x50 x99 xbad xerr _ xh xw <<<"$line"
      printf '%-5s %-14s %8s %8s %8s %7s %6s %9s %9s %s\n' "$r" "$s" "$xr" "$x50" "$x99" "$xbad" "$xerr" "$xh" "$xw" "$(loadavg)"
      rps[$s]+="$xr "; p50[$s]+="$x50 "; p99[$s]+="$x99 "; hcpu[$s]+="$xh "; wcpu[$s]+="$xw "
    done
    ratios+=("$(ratio "$ar" "$br")")
    p50ratios+=("$(ratio "$a50" "$b50")")
    p99ratios+=("$(ratio "$a99" "$b99")")
  done
  echo "-- median (min-max) of $rounds rounds"
  for s in "$a" "$b" "${floors[@]}"; do
    # shellcheck disable=SC2086
    printf '%-14s req/s %s (%s)  p50 %s ms (%s)  p99 %s ms (%s)  host %s µs/req  worker %s µs/req\n' "$s" \
      "$(median ${rps[$s]})" "$(spread ${rps[$s]})" "$(median ${p50[$s]})" "$(spread ${p50[$s]})" \
      "$(median ${p99[$s]})" "$(spread ${p99[$s]})" "$(median ${hcpu[$s]})" \
      "$( [[ ${wcpu[$s]} == *-* ]] && echo - || median ${wcpu[$s]})"
  done
  echo "ratio $a/$b ($2): req/s $(median "${ratios[@]}") ($(spread "${ratios[@]}"))  p50 $(median "${p50ratios[@]}") ($(spread "${p50ratios[@]}"))  p99 $(median "${p99ratios[@]}") ($(spread "${p99ratios[@]}"))"
}

phase "$conns" "throughput"
[[ ${LONE:-1} == 1 ]] && phase 1 "lone request"
echo "load at end: $(loadavg); work directory: $work"
