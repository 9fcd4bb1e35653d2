#!/usr/bin/env bash
# Cold start and memory under the REAL Azure Functions host (not in CI).
# 1. Host start to first 201: launch ../shared/realhost/run.sh over the published app, then POST /api/token (with the
#    function key) until it answers 201; COLD_RUNS runs each (default 5, median and spread), ReadyToRun and JIT
#    publishes alternating.
# 2. Peak RSS of host + worker: after a warm-up, MEMORY_SECONDS (default 30) of wrk at MEMORY_CONNECTIONS (default
#    100) while VmRSS of both processes is sampled every 0.2 s; prints the peak of the sum, each process's VmHWM and
#    the infra's instanceMemoryMB default (infra/main.bicep) beside it. MEMORY=0 skips this part.
#   BENCH_WORK=dir (default: new temporary), BENCH_REUSE=1 keeps publishes already there.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
bench_setup
cold_runs=${COLD_RUNS:-5}
echo "== publish TokenFunction (Release) with and without ReadyToRun"
publish_app "$work/app-r2r" -p:PublishReadyToRun=true
publish_app "$work/app-jit" -p:PublishReadyToRun=false
"$realhost_dir/build.sh" >/dev/null

now_ms() { date +%s%3N; }

# Time since the worker process started, in ms, from its start time in /proc/PID/stat (clock ticks since boot) and
# /proc/uptime: the worker's own share of a cold start (the host starts it after reading its own configuration).
worker_age_ms() {
  awk -v tck="$clk_tck" 'NR == FNR { up = $1; next } { sub(/^.*\) /, ""); printf "%d", (up - $20 / tck) * 1000 }' /proc/uptime "/proc/$1/stat"
}

cold_once() { # APP -> "ms from launching the host to the first 201" "ms from the worker's start to it"
  local t0 t1 age
  t0=$(now_ms)
  start_ours cold "$1" >/dev/null
  t1=$(now_ms)
  age=$(worker_age_ms "${srv_worker[cold]}")
  bench_cleanup
  echo "$((t1 - t0)) $age"
}

if ((cold_runs > 0)); then
  echo "== host start -> first 201 (POST /api/token with the function key), $cold_runs runs each, alternating"
  echo "   (worker: from the worker process's start to the first 201, read a few ms after it)"
  declare -A cold worker
  for r in $(seq 1 "$cold_runs"); do
    for v in r2r jit; do
      read -r ms age < <(cold_once "$work/app-$v")
      cold[$v]+="$ms " worker[$v]+="$age "
      printf '%-3s %-4s host start %6s ms   worker %6s ms   load %s\n' "$r" "$v" "$ms" "$age" "$(loadavg)"
    done
  done
  for v in r2r jit; do
    # shellcheck disable=SC2086
    echo "$v: host start -> 201 median $(median ${cold[$v]}) ms ($(spread ${cold[$v]})); worker start -> 201 median $(median ${worker[$v]}) ms ($(spread ${worker[$v]}))"
  done
fi

if [[ ${MEMORY:-1} == 1 ]]; then
  conns=${MEMORY_CONNECTIONS:-100}
  secs=${MEMORY_SECONDS:-30}
  rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status" 2>/dev/null || echo 0; }
  hwm_kb() { awk '/^VmHWM:/ { print $2 }' "/proc/$1/status" 2>/dev/null || echo 0; }
  start_ours mem "$work/app-r2r"
  host=${srv_pid[mem]} worker=${srv_worker[mem]}
  echo "== memory: idle host $(($(rss_kb "$host") / 1024)) MB + worker $(($(rss_kb "$worker") / 1024)) MB RSS"
  echo "== warm-up ${WARMUP_SECONDS:-40} s, then $secs s of wrk -c$conns while sampling RSS"
  measure mem "$conns" "${WARMUP_SECONDS:-40}" >/dev/null
  peak=0
  measure mem "$conns" "$secs" >"$work/mem-wrk.txt" &
  wrk_job=$!
  while kill -0 "$wrk_job" 2>/dev/null; do
    sum=$(($(rss_kb "$host") + $(rss_kb "$worker")))
    ((sum > peak)) && peak=$sum
    sleep 0.2
  done
  wait "$wrk_job"
  read -r rps _ p99 bad err _ <"$work/mem-wrk.txt"
  budget=$(awk -F'= *' '/^param instanceMemoryMB int/ { print $2 }' "$bench_root/infra/main.bicep")
  echo "under load: $rps req/s, p99 $p99 ms, non2xx $bad, socket errors $err; load $(loadavg)"
  echo "peak RSS host+worker: $((peak / 1024)) MB (host VmHWM $(($(hwm_kb "$host") / 1024)) MB, worker VmHWM $(($(hwm_kb "$worker") / 1024)) MB); instanceMemoryMB default: ${budget:-?} MB"
fi
echo "load at end: $(loadavg); work directory: $work"
