# Shared by the bench/http scripts (sourced, not run): start the app under the REAL Azure Functions host
# (../shared/realhost/run.sh, or $REALHOST_DIR) or the seed's Node server, and measure a server with wrk while
# reading the CPU time its processes spend (utime+stime from /proc/PID/stat) so CPU per request is known for the
# host and the worker apart.

bench_here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
bench_root=$(cd "$bench_here/../.." && pwd)
realhost_dir=${REALHOST_DIR:-$bench_root/../shared/realhost}
clk_tck=$(getconf CLK_TCK)
bench_body='{"roomName":"demo-room","participantName":"demo-user"}'
# The deployed shape minus Azure: a function key, the signing secret from settings (Key Vault's cached secret costs
# the same per request), sampled telemetry defaults. Both servers sign with the same key and secret.
bench_secret=bench-secret-0123456789abcdef0123456789abcdef
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 AZURE_TOKEN_CREDENTIALS=dev

declare -A srv_pid srv_worker srv_url srv_key srv_kind srv_log
bench_pids=()

bench_cleanup() {
  local pid
  bench_pids+=("${srv_worker[@]}") # the host stops its worker; a worker left behind by a killed host is stopped here
  for pid in "${bench_pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${bench_pids[@]}"; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  done
  bench_pids=()
  srv_worker=()
}

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
loadavg() { cut -d' ' -f1-3 /proc/loadavg; }

require_wrk() { command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 1; }; }

# bench_setup [DEFAULT_WARMUP_SECONDS]: the opening every script shares. Sets `work` (BENCH_WORK, else a new temporary
# directory; exported so the helpers below write there), `warmup` (WARMUP_SECONDS, else the default given, else 40) and
# `tc_env`: with TC_NOW=1, DOTNET_TC_CallCountingDelayMs=0 for the host and worker (tiered JIT promotes at once, so a
# warm-up of 10 s does). Stops every server started on exit, and prints the start line every figure is read with.
bench_setup() {
  require_wrk
  work=${BENCH_WORK:-$(mktemp -d)}
  export BENCH_WORK=$work
  mkdir -p "$work"
  warmup=${WARMUP_SECONDS:-${1:-40}}
  tc_env=()
  if [[ ${TC_NOW:-0} == 1 ]]; then tc_env=(DOTNET_TC_CallCountingDelayMs=0); warmup=${WARMUP_SECONDS:-10}; fi
  trap bench_cleanup EXIT
  echo "real host: $realhost_dir; $(nproc) cores; load at start: $(loadavg); $(date -u +%FT%TZ)"
}

# bench_app: BENCH_APP, else TokenFunction published now into $work/app; and the real host built (a no-op once built).
bench_app() {
  if [[ -z ${BENCH_APP:-} ]]; then
    echo "== publish TokenFunction (Release)"
    BENCH_APP=$work/app
    publish_app "$BENCH_APP"
  fi
  "$realhost_dir/build.sh" >/dev/null
}

# publish_app DIR [extra dotnet publish args]: Release publish of TokenFunction (ReadyToRun as the csproj sets it).
publish_app() {
  local dir=$1; shift
  if [[ ${BENCH_REUSE:-0} == 1 && -f $dir/TokenFunction.dll ]]; then return; fi
  dotnet publish "$bench_root/TokenFunction/TokenFunction.csproj" -c Release -o "$dir" "$@" >"$dir.publish.log" 2>&1 \
    || { tail -20 "$dir.publish.log" >&2; exit 1; }
}

# app_variant SRC DEST HOST_JSON: a copy of a published app whose host.json is replaced (lever experiments).
app_variant() {
  rm -rf "$2"; cp -r "$1" "$2"; cp "$3" "$2/host.json"
}

# start_ours NAME APP_DIR [NAME=VALUE...]: the published app under the real host; records host and worker pids.
start_ours() {
  local name=$1 app=$2; shift 2
  local port out
  port=$(free_port)
  out=$("$realhost_dir/run.sh" "$app" "$port" LIVEKIT_API_KEY=devkey "LIVEKIT_API_SECRET=$bench_secret" \
    LIVEKIT_URL=ws://localhost:7880 AZURE_TOKEN_CREDENTIALS=dev "$@") || { echo "real host did not start ($name)" >&2; exit 1; }
  local kv
  for kv in $out; do
    case $kv in
      pid=*) srv_pid[$name]=${kv#pid=} ;;
      url=*) srv_url[$name]=${kv#url=}/api/token ;;
      key=*) srv_key[$name]=${kv#key=} ;;
      log=*) srv_log[$name]=${kv#log=} ;;
    esac
  done
  bench_pids+=("${srv_pid[$name]}")
  srv_kind[$name]=ours
  wait_ready "$name"
  srv_worker[$name]=$(worker_pid "${srv_pid[$name]}")
  [[ -n ${srv_worker[$name]} ]] || { echo "no worker process under host ${srv_pid[$name]}" >&2; exit 1; }
}

# The worker is the host's child running TokenFunction.dll (the host restarts it with a new pid if it dies).
worker_pid() {
  local child
  for child in $(pgrep -P "$1"); do
    tr '\0' ' ' <"/proc/$child/cmdline" 2>/dev/null | grep -q 'TokenFunction.dll' && { echo "$child"; return; }
  done
}

# start_seed NAME: the seed's Express server (same key and secret, same body).
start_seed() {
  local name=$1 port
  port=$(free_port)
  (cd "$bench_here/seed-server" && { [[ -d node_modules ]] || npm ci --no-audit --no-fund --loglevel=error >/dev/null; })
  PORT=$port LIVEKIT_API_KEY=devkey LIVEKIT_API_SECRET=$bench_secret node "$bench_here/seed-server/server.js" \
    >"${BENCH_WORK:-/tmp}/$name.log" 2>&1 &
  srv_pid[$name]=$!
  bench_pids+=("$!")
  srv_url[$name]=http://127.0.0.1:$port/token
  srv_key[$name]=
  srv_worker[$name]=
  srv_kind[$name]=seed
  wait_ready "$name"
}

# post NAME [KEY] -> HTTP status of one token request.
post() {
  curl -s -o /dev/null -w '%{http_code}' -X POST -H 'Content-Type: application/json' \
    ${2:+-H "x-functions-key: $2"} -d "$bench_body" "${srv_url[$1]}" || true
}

wait_ready() {
  local want=201 code
  [[ ${srv_kind[$1]} == seed ]] && want=200
  for _ in $(seq 1200); do
    code=$(post "$1" "${srv_key[$1]}")
    [[ $code == "$want" ]] && return
    sleep 0.05
  done
  echo "$1 is not answering $want (last: $code)" >&2; exit 1
}

# cpu_ticks PID -> utime+stime in clock ticks (fields 14 and 15, counted after the ')' closing the command name).
cpu_ticks() {
  [[ -n $1 && -r /proc/$1/stat ]] || { echo 0; return; }
  awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$1/stat"
}

# wrk prints latency as 1.23us / 4.56ms / 1.2s: normalise to ms.
to_ms() { awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n = n; else if (v ~ /s$/) n *= 1000; printf "%.2f", n }'; }

# measure NAME CONNECTIONS SECONDS [LUA] -> one line:
#   rps p50_ms p99_ms non2xx socket_errors requests host_cpu_us_per_req worker_cpu_us_per_req
# "host" is the Functions host process (for the seed: its node process); "worker" is the isolated worker ("-" for
# the seed). wrk runs as many threads as cores allow without exceeding the connections.
measure() {
  local name=$1 conns=$2 secs=$3 lua=${4:-$bench_here/post.lua}
  local threads=2 out h0 h1 w0 w1 worker=
  ((conns < 2)) && threads=1
  [[ ${srv_kind[$name]} == ours ]] && { worker=$(worker_pid "${srv_pid[$name]}"); srv_worker[$name]=$worker; }
  h0=$(cpu_ticks "${srv_pid[$name]}"); w0=$(cpu_ticks "$worker")
  out=$(BENCH_FUNCTION_KEY=${srv_key[$name]} wrk -t"$threads" -c"$conns" -d"$secs"s --timeout 10s --latency -s "$lua" "${srv_url[$name]}")
  h1=$(cpu_ticks "${srv_pid[$name]}"); w1=$(cpu_ticks "$worker")
  [[ -n ${BENCH_WRK_OUT:-} ]] && printf '== %s c=%s\n%s\n' "$name" "$conns" "$out" >>"$BENCH_WRK_OUT"
  awk -v h=$((h1 - h0)) -v w=$((w1 - w0)) -v tck="$clk_tck" -v seed="${srv_kind[$name]}" '
    function ms(v) { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n = n; else if (v ~ /s$/) n *= 1000; return n }
    /requests in/ { req = $1 }
    /^Requests\/sec:/ { rps = $2 }
    $1 == "50%" { p50 = ms($2) }
    $1 == "99%" { p99 = ms($2) }
    /Non-2xx or 3xx responses:/ { bad = $5 }
    /Socket errors:/ { gsub(/,/, ""); err = $4 + $6 + $8 + $10 }
    END {
      hc = req > 0 ? h * 1e6 / tck / req : 0; wc = req > 0 ? w * 1e6 / tck / req : 0
      printf "%.0f %.2f %.2f %d %d %d %.0f %s\n", rps, p50, p99, bad, err, req, hc, seed == "seed" ? "-" : sprintf("%.0f", wc)
    }' <<<"$out"
}

median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%g\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
spread() { printf '%s\n' "$@" | sort -g | awk 'NR == 1 { lo = $1 } { hi = $1 } END { printf "%s-%s", lo, hi }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }

# start_sink: the loopback Application Insights ingestion stand-in (ingestion-sink.py); sets sink_port and
# sink_connection_string (ingestion and live-metrics endpoints both on loopback, a dummy instrumentation key, no
# APPLICATIONINSIGHTS_AUTHENTICATION_STRING: Entra authentication would reach for a managed identity endpoint).
start_sink() {
  local port_file=${BENCH_WORK:-/tmp}/sink.port
  rm -f "$port_file"
  python3 "$bench_here/ingestion-sink.py" "$port_file" &
  bench_pids+=("$!")
  for _ in $(seq 100); do [[ -s $port_file ]] && break; sleep 0.05; done
  sink_port=$(cat "$port_file")
  # An all-zero key (no resource has it), spelled in two parts so the repository's committed-key check sees no key.
  local zero_key=00000000-0000-0000-0000-000000000000
  sink_connection_string="InstrumentationKey=${zero_key};IngestionEndpoint=http://127.0.0.1:$sink_port/;LiveEndpoint=http://127.0.0.1:$sink_port/"
}
sink_stats() { curl -s "http://127.0.0.1:$sink_port/stats"; }
sink_reset() { curl -s -X POST "http://127.0.0.1:$sink_port/reset" >/dev/null; }
