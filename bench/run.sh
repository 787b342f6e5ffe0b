#!/usr/bin/env bash
# FLUX Gateway benchmark, one run on this machine, all traffic on 127.0.0.1, every load run bounded by DUR.
#   tcp:     iperf3 1 stream   direct | our TCP tunnel (TLS) | ssh -R aes128-gcm | stunnel TLS 1.3 pair AES-128-GCM
#   http:    wrk -t2 -c64 100 B direct | our HTTP tunnel (Host routing) | ssh -R | stunnel pair | nginx proxy (upstream
#            keep-alive); plus the serial 1-connection probe for direct, our HTTP tunnel and the nginx proxy
#   mem:     node heap / native memory with 0, 1 and MEM_N idle TCP tunnels, after a forced full GC
#   startup: `fluxctl up` -> first byte echoed through a TCP tunnel (default JVM flags vs C1-only + SerialGC)
#   profile: JFR of node and agent under iperf3 and wrk load (after the measured rounds; not in the tables)
# Load cases are interleaved (A B C A B C ...). Raw lines, logs and summary.md go to $OUT.
# Usage: bash bench/run.sh        (RUNS=3 DUR=10 by default; see bench/README.md for every variable)
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/.." && pwd)
# shellcheck source=lib.sh
source "$HERE/lib.sh"

: "${PORT_BASE:=29200}"
: "${JAVA:=java}"
: "${JVM_OPTS:=-Xms256m -Xmx1g}"           # node and agent in the load cases
: "${GCS:=g1 par}"                         # our node+agent pair runs once per GC here; the first one is "ours"
: "${OURS:=1}"                             # 0: peers only (no node/agent; tcp and http phases only)
: "${MEM_N:=200}"                          # idle TCP tunnels for the memory measurement
: "${STARTUP_N:=5}"                        # fluxctl up -> first byte, per variant
: "${STARTUP_VARIANTS:=default c1serial}"  # default = plain `java -jar`; c1serial = TieredStopAtLevel=1 SerialGC
: "${STARTUP_RETRIES:=2}"                  # a start-up trial with foreign load above RETRY_FG % is repeated (up to this)
: "${PHASES:=tcp http mem startup profile}"
: "${WARMUP:=15}"                          # seconds of iperf3 and of wrk through each node+agent pair before measuring
: "${OUT:=$REPO/bench/out/$(date -u +%Y%m%dT%H%M%SZ)}"
: "${NODE_JAR:=$REPO/gateway-node/target/gateway-node.jar}"
: "${FLUXCTL_JAR:=$REPO/client-cli/target/fluxctl.jar}"
read -r -a GC_LIST <<<"$GCS"
[[ $OURS == 1 ]] || { GC_LIST=(); PHASES=$(sed "s/mem\|startup\|profile//g" <<<"$PHASES"); }
PRIMARY=${GC_LIST[0]:-none}
TOKEN="flx_bench-token-0123456789abcdef"
declare -A GC_FLAGS=([g1]="-XX:+UseG1GC" [par]="-XX:+UseParallelGC" [serial]="-XX:+UseSerialGC")
declare -A STARTUP_FLAGS=([default]="" [c1serial]="-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xshare:auto")

p() { echo $((PORT_BASE + $1)); }
# ports: nodes (bind, vhost) per GC variant and the memory node; tunnel ports; peers; MEM_N memory tunnels at +100
declare -A NODE_BIND NODE_VHOST TUN_TCP
i=0
for gc in "${GC_LIST[@]}"; do NODE_BIND[$gc]=$(p $((2 * i))); NODE_VHOST[$gc]=$(p $((2 * i + 1))); TUN_TCP[$gc]=$(p $((10 + i))); i=$((i + 1)); done
((${#GC_LIST[@]} <= 2)) || die "at most two GC variants (ports)"
MEM_BIND=$(p 4) MEM_VHOST=$(p 5) TUN_ECHO=$(p 12)
IPERF=$(p 20) ORIGIN=$(p 21) SSHD=$(p 22) SSHR_T=$(p 23) SSHR_W=$(p 24)
STC_T=$(p 25) STC_W=$(p 26) STS_T=$(p 27) STS_W=$(p 28) PROXY=$(p 29) ECHO=$(p 30)
MEM_LO=$(p 100) MEM_HI=$(p $((100 + MEM_N - 1)))
WEB_HOST="web.tunnel.bench"

MADE_RUN_SSHD=0
cleanup() { stop_all; [[ $MADE_RUN_SSHD == 1 ]] && rmdir /run/sshd 2>/dev/null; true; }
trap cleanup EXIT; trap 'exit 130' INT TERM
has_phase() { [[ " $PHASES " == *" $1 "* ]]; }

# ---------------------------------------------------------------- preparation
for tool in iperf3 wrk ssh /usr/sbin/sshd stunnel4 nginx jq socat jcmd jfr openssl; do
  command -v "$tool" >/dev/null || die "missing $tool (see bench/README.md)"
done
[[ -f $NODE_JAR ]] || die "no $NODE_JAR; build first: ./mvnw -B -q -o install -DskipTests"
[[ -f $FLUXCTL_JAR ]] || die "no $FLUXCTL_JAR; build first"
rm -rf "$WORK"; mkdir -p "$WORK/logs" "$WORK/jars" "$WORK/www" "$OUT"
chmod 755 "$WORK"
# private copies: a rebuild by someone else during the run must not swap the jars under running JVMs
cp "$NODE_JAR" "$WORK/jars/gateway-node.jar"; cp "$FLUXCTL_JAR" "$WORK/jars/fluxctl.jar"
NODE_JAR=$WORK/jars/gateway-node.jar FLUXCTL_JAR=$WORK/jars/fluxctl.jar
[[ $OURS == 0 ]] || "$JAVA" -jar "$FLUXCTL_JAR" up --help >/dev/null 2>&1 || die "'fluxctl up' is not available in $FLUXCTL_JAR yet"
RAW=$OUT/raw.txt; : >"$RAW"

ALL_PORTS="$IPERF $ORIGIN $SSHD $SSHR_T $SSHR_W $STC_T $STC_W $STS_T $STS_W $PROXY $ECHO $MEM_BIND $MEM_VHOST $TUN_ECHO"
for gc in "${GC_LIST[@]}"; do ALL_PORTS+=" ${NODE_BIND[$gc]} ${NODE_VHOST[$gc]} ${TUN_TCP[$gc]}"; done
# shellcheck disable=SC2086
assert_free $ALL_PORTS
(( $(count_listening "$MEM_LO" "$MEM_HI") == 0 )) || die "some port in $MEM_LO..$MEM_HI is in use"

{
  echo "date: $(date -u +'%F %T UTC')"
  echo "machine: $(uname -sr); $(nproc) vCPU $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'); $(awk '/MemTotal/{printf "%.1f GiB", $2/1048576}' /proc/meminfo); cpuidle $(cat /sys/devices/system/cpu/cpuidle/current_driver 2>/dev/null || echo NA)"
  echo "java: $("$JAVA" -version 2>&1 | sed -n 2p)"
  echo "tools: $(iperf3 --version | head -1 | cut -d' ' -f1-2); $(ssh -V 2>&1 | cut -d, -f1); $(stunnel4 -version 2>&1 | grep -m1 '^stunnel' | cut -d' ' -f1-2); $(nginx -v 2>&1 | cut -d' ' -f3); wrk $(wrk -v 2>&1 | head -1 | cut -d' ' -f2); $(openssl version | cut -d' ' -f1-2); socat $(socat -V | sed -n 2p | cut -d' ' -f3); Python $("$PY" -c 'import platform; print(platform.python_version())')"
  echo "settings: RUNS=$RUNS DUR=${DUR}s JVM_OPTS='$JVM_OPTS' GCS='$GCS' MEM_N=$MEM_N STARTUP_N=$STARTUP_N QUIET_PCT=$QUIET_PCT QUIET_MAX=$QUIET_MAX PORT_BASE=$PORT_BASE"
  echo "git: $(git -C "$REPO" rev-parse --short HEAD 2>/dev/null) ($(git -C "$REPO" status --porcelain --untracked-files=no 2>/dev/null | grep -c .) tracked files modified in the work tree)"
} >"$OUT/env.txt"
cat "$OUT/env.txt" >&2

# ---------------------------------------------------------------- peers and servers
head -c 100 /dev/zero | tr '\0' 'a' >"$WORK/www/100b.txt"
start_bg iperf3-srv iperf3 -s -B 127.0.0.1 -p "$IPERF"
start_bg echo-srv socat TCP-LISTEN:"$ECHO",bind=127.0.0.1,reuseaddr,fork PIPE

d=$(nginx_conf origin 1 "server { listen 127.0.0.1:$ORIGIN; root $WORK/www; location / {} }")
start_bg nginx-origin nginx -e "$d/error.log" -p "$d" -c "$d/nginx.conf"
d=$(nginx_conf proxy auto "upstream origin { server 127.0.0.1:$ORIGIN; keepalive 128; keepalive_requests 100000000; }
  server { listen 127.0.0.1:$PROXY; location / { proxy_pass http://origin; proxy_http_version 1.1; proxy_set_header Connection \"\"; } }")
start_bg nginx-proxy nginx -e "$d/error.log" -p "$d" -c "$d/nginx.conf"

# private sshd and ssh -R: iperf3 and the web origin behind it
start_ssh_r "$WORK" "$SSHD" "$SSHR_T:$IPERF" "$SSHR_W:$ORIGIN"

# stunnel TLS 1.3 pair, AES-128-GCM, ECDSA P-256 certificate
T="$WORK/stunnel"; mkdir -p "$T"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$T/key.pem" -out "$T/cert.pem" \
  -days 2 -subj /CN=127.0.0.1 2>/dev/null || die "openssl req failed"
{ echo "foreground = yes"; echo "pid ="; echo "debug = 5"; echo "output = $T/server.log"
  for s in "iperf $STS_T $IPERF" "web $STS_W $ORIGIN"; do read -r n a c <<<"$s"
    printf '[%s]\naccept = 127.0.0.1:%s\nconnect = 127.0.0.1:%s\ncert = %s\nkey = %s\nsslVersionMin = TLSv1.3\nciphersuites = TLS_AES_128_GCM_SHA256\n' "$n" "$a" "$c" "$T/cert.pem" "$T/key.pem"
  done; } >"$T/server.conf"
{ echo "foreground = yes"; echo "pid ="; echo "debug = 5"; echo "output = $T/client.log"
  for s in "iperf $STC_T $STS_T" "web $STC_W $STS_W"; do read -r n a c <<<"$s"
    printf '[%s]\nclient = yes\naccept = 127.0.0.1:%s\nconnect = 127.0.0.1:%s\nsslVersionMin = TLSv1.3\nciphersuites = TLS_AES_128_GCM_SHA256\n' "$n" "$a" "$c"
  done; } >"$T/client.conf"
start_bg stunnel-srv stunnel4 "$T/server.conf"
start_bg stunnel-cli stunnel4 "$T/client.conf"

# ---------------------------------------------------------------- our node and agent
# node_toml NAME BIND VHOST ALLOW_LO ALLOW_HI
node_toml() {
  mkdir -p "$WORK/$1-data"
  cat >"$WORK/$1.toml" <<TOML
bindAddr = "127.0.0.1"
bindPort = $2
publicHost = "127.0.0.1"
vhostHTTPPort = $3
vhostBindAddr = "127.0.0.1"
proxyBindAddr = "127.0.0.1"
subdomainHost = "tunnel.bench"
allowPorts = [ { start = $4, end = $5 } ]
dataDir = "$WORK/$1-data"
[[tokens]]
name = "bench"
token = "$TOKEN"
TOML
}
# start_node NAME JVMFLAGS...: starts the node and sets FP to the fingerprint it logs
start_node() {
  local name=$1 i; shift
  # shellcheck disable=SC2068
  start_bg "$name" "$JAVA" $@ -jar "$NODE_JAR" --config "$WORK/$name.toml"
  FP=""
  for ((i = 0; i < 300; i++)); do
    FP=$(grep -o 'fingerprint: SHA256:[A-Za-z0-9+/=]*' "$WORK/logs/$name.log" 2>/dev/null | head -1 | cut -d' ' -f2)
    [[ -n $FP ]] && break
    kill -0 "${BG_PID[$name]}" 2>/dev/null || break
    sleep 0.1
  done
  [[ -n $FP ]] || { cat "$WORK/logs/$name.log" >&2; die "$name logged no fingerprint"; }
}
# agent_toml FILE BIND FP: header; tunnels are appended by the caller
agent_toml() {
  cat >"$1" <<TOML
serverAddr = "127.0.0.1"
serverPort = $2
token = "$TOKEN"
[tls]
fingerprint = "$3"
TOML
}
tcp_tunnel() { printf '[[tunnels]]\nname = "%s"\ntype = "tcp"\nlocalPort = %s\nremotePort = %s\n' "$1" "$2" "$3"; }

for gc in "${GC_LIST[@]}"; do
  node_toml "node-$gc" "${NODE_BIND[$gc]}" "${NODE_VHOST[$gc]}" "$(p 10)" "$(p 19)"
  # shellcheck disable=SC2086
  start_node "node-$gc" $JVM_OPTS ${GC_FLAGS[$gc]} -Xlog:gc:file="$WORK/logs/gc-node-$gc.log":uptime
  wait_port "${NODE_BIND[$gc]}" 30 || die "node-$gc did not listen"
  agent_toml "$WORK/agent-$gc.toml" "${NODE_BIND[$gc]}" "$FP"
  { tcp_tunnel iperf "$IPERF" "${TUN_TCP[$gc]}"
    printf '[[tunnels]]\nname = "web"\ntype = "http"\nlocalPort = %s\nsubdomain = "web"\n' "$ORIGIN"; } >>"$WORK/agent-$gc.toml"
  [[ $gc == "$PRIMARY" ]] && { agent_toml "$WORK/agent-echo.toml" "${NODE_BIND[$gc]}" "$FP"; tcp_tunnel echo "$ECHO" "$TUN_ECHO" >>"$WORK/agent-echo.toml"; }
  # shellcheck disable=SC2086
  start_bg "agent-$gc" "$JAVA" $JVM_OPTS ${GC_FLAGS[$gc]} -Xlog:gc:file="$WORK/logs/gc-agent-$gc.log":uptime \
    -jar "$FLUXCTL_JAR" up -c "$WORK/agent-$gc.toml"
done
grep -sh 'TLS provider' "$WORK/logs/node-$PRIMARY.log" | head -1 | sed 's/^.*INFO *//; s/^/node: /' >>"$OUT/env.txt"
echo "JVM flags of node and agent in the load cases: $JVM_OPTS + per variant: $(for gc in "${GC_LIST[@]}"; do printf '%s=%s ' "$gc" "${GC_FLAGS[$gc]}"; done)" >>"$OUT/env.txt"

for port in $IPERF $ORIGIN $PROXY $SSHR_T $SSHR_W $STC_T $STC_W $STS_T $STS_W $ECHO; do wait_port "$port" 20 || die "port $port did not come up"; done
for gc in "${GC_LIST[@]}"; do
  wait_port "${TUN_TCP[$gc]}" 30 || { cat "$WORK/logs/agent-$gc.log" >&2; die "tunnel of agent-$gc not ready"; }
  for ((i = 0; i < 100; i++)); do
    [[ $(curl -s -o /dev/null -w '%{http_code}' -H "Host: $WEB_HOST" "http://127.0.0.1:${NODE_VHOST[$gc]}/100b.txt") == 200 ]] && break
    sleep 0.2
  done
  ((i < 100)) || die "HTTP tunnel of agent-$gc does not answer"
done
log "everything is up"

declare -A MEAS_OURS
for gc in "${GC_LIST[@]}"; do MEAS_OURS[$gc]="node:${BG_PID[node-$gc]} agent:${BG_PID[agent-$gc]}"; done
MEAS_SSH="ssh:${BG_PID[ssh-R]} sshd:${BG_PID[sshd]}"
MEAS_ST="stunnel_srv:${BG_PID[stunnel-srv]} stunnel_cli:${BG_PID[stunnel-cli]}"
MEAS_PROXY="nginx:${BG_PID[nginx-proxy]}"

# a failed run: a failed iperf3 test can leave the single-test iperf3 server waiting for a dead test, so restart it;
# and give an agent whose connection dropped time to register its tunnels again
on_failure() {
  log "  $1 run failed ($2): repairing"
  echo "# $(date -u +%T) $1 run failed: $2" >>"$OUT/events.txt"
  if [[ $1 == tcp ]]; then
    stop_bg iperf3-srv; start_bg iperf3-srv iperf3 -s -B 127.0.0.1 -p "$IPERF"; wait_port "$IPERF" 10
  fi
  local g; for g in "${GC_LIST[@]}"; do wait_port "${TUN_TCP[$g]}" 30; done
}

# JIT warm-up of our JVMs (a node is a long-running process); not recorded
if has_phase tcp || has_phase http || has_phase profile; then
  log "warm-up (not recorded)"
  for gc in "${GC_LIST[@]}"; do
    timeout 40 iperf3 -c 127.0.0.1 -p "${TUN_TCP[$gc]}" -t "$WARMUP" >/dev/null 2>&1 || on_failure tcp "warm-up-$gc"
    timeout 40 wrk -t2 -c64 -d"${WARMUP}s" -H "Host: $WEB_HOST" "http://127.0.0.1:${NODE_VHOST[$gc]}/100b.txt" >/dev/null 2>&1
    timeout 40 "$PY" "$HERE/probe.py" 127.0.0.1 "${NODE_VHOST[$gc]}" "$WEB_HOST" /100b.txt 3 >/dev/null 2>&1
  done
fi

# ---------------------------------------------------------------- tcp: iperf3 single stream
if has_phase tcp; then
  log "== tcp (iperf3 1 stream, ${DUR}s, $RUNS rounds)"
  for ((r = 1; r <= RUNS; r++)); do
    MEASURE=""           iperf3_case direct "$r" "$IPERF"
    for gc in "${GC_LIST[@]}"; do
      MEASURE="${MEAS_OURS[$gc]}" iperf3_case "ours_$gc" "$r" "${TUN_TCP[$gc]}"
    done
    MEASURE="$MEAS_SSH"  iperf3_case sshR_aes128gcm "$r" "$SSHR_T"
    MEASURE="$MEAS_ST"   iperf3_case stunnel_aes128gcm "$r" "$STC_T"
  done
fi

# ---------------------------------------------------------------- http: wrk c64 and serial probe
if has_phase http; then
  log "== http (wrk -t2 -c64 100 B, probe 1 conn; ${DUR}s, $RUNS rounds)"
  for ((r = 1; r <= RUNS; r++)); do
    MEASURE="origin:${BG_PID[nginx-origin]}" wrk_case direct "$r" "http://127.0.0.1:$ORIGIN/100b.txt"
    for gc in "${GC_LIST[@]}"; do
      MEASURE="${MEAS_OURS[$gc]}" wrk_case "ours_$gc" "$r" "http://127.0.0.1:${NODE_VHOST[$gc]}/100b.txt" -H "Host: $WEB_HOST"
    done
    MEASURE="$MEAS_SSH"   wrk_case sshR_aes128gcm "$r" "http://127.0.0.1:$SSHR_W/100b.txt"
    MEASURE="$MEAS_ST"    wrk_case stunnel_aes128gcm "$r" "http://127.0.0.1:$STC_W/100b.txt"
    MEASURE="$MEAS_PROXY" wrk_case nginx_proxy "$r" "http://127.0.0.1:$PROXY/100b.txt"
    MEASURE=""            probe_case direct "$r" "$ORIGIN" 127.0.0.1 /100b.txt
    for gc in "${GC_LIST[@]}"; do
      MEASURE="${MEAS_OURS[$gc]}" probe_case "ours_$gc" "$r" "${NODE_VHOST[$gc]}" "$WEB_HOST" /100b.txt
    done
    MEASURE="$MEAS_PROXY" probe_case nginx_proxy "$r" "$PROXY" 127.0.0.1 /100b.txt
  done
fi

# ---------------------------------------------------------------- profile (after the measured rounds; not in the tables)
# 1) per-thread CPU of node and agent and, if perf works here, a cpu-clock profile of both by DSO and symbol
# 2) JFR ('profile' settings) for Java-level frames; JFR start deoptimises code, so these runs are slower
perf_ok() { command -v perf >/dev/null && perf record -e cpu-clock -o /dev/null -- true >/dev/null 2>&1; }
if has_phase profile; then
  log "== profile (node-$PRIMARY and agent-$PRIMARY; not part of the tables)"
  P="$OUT/profile"; mkdir -p "$P"
  NPID=${BG_PID[node-$PRIMARY]} APID=${BG_PID[agent-$PRIMARY]}
  HAVE_PERF=0; perf_ok && HAVE_PERF=1
  for kind in tcp http; do
    wait_quiet
    PERF_PIDS=()
    if ((HAVE_PERF)); then
      for who in node agent; do
        pid=$NPID; [[ $who == agent ]] && pid=$APID
        timeout $((DUR + 30)) perf record -q -e cpu-clock -F 499 -p "$pid" -o "$P/perf-$who-$kind.data" -- sleep $((DUR + 2)) >/dev/null 2>&1 &
        PERF_PIDS+=($!)
      done
    fi
    export THREAD_SNAP="$NPID:$P/threads-node-$kind.txt $APID:$P/threads-agent-$kind.txt"
    if [[ $kind == tcp ]]; then
      MEASURE="${MEAS_OURS[$PRIMARY]}" iperf3_case "profiled_ours_$PRIMARY" 1 "${TUN_TCP[$PRIMARY]}"
    else
      ( sleep $((DUR / 2 + 2)); jcmd "$NPID" Thread.print >"$P/node-threads.txt" 2>&1; jcmd "$APID" Thread.print >"$P/agent-threads.txt" 2>&1 ) &
      dumper=$!
      MEASURE="${MEAS_OURS[$PRIMARY]}" wrk_case "profiled_ours_$PRIMARY" 1 "http://127.0.0.1:${NODE_VHOST[$PRIMARY]}/100b.txt" -H "Host: $WEB_HOST"
      wait "$dumper"
    fi
    unset THREAD_SNAP
    for who in node agent; do
      echo "== $who, $kind run: CPU per thread, % of one core"; cat "$P/threads-$who-$kind.txt"; rm -f "$P/threads-$who-$kind.txt"
    done >>"$P/threads-cpu.txt"
    for pp in "${PERF_PIDS[@]}"; do wait "$pp"; done
    if ((HAVE_PERF)); then
      for who in node agent; do
        { echo "== perf $who, $kind run: samples by DSO ([JIT] = JIT-compiled Java, no perf map; libjvm = GC, JIT compiler, runtime)"
          perf report -i "$P/perf-$who-$kind.data" --sort dso --stdio --no-children 2>/dev/null | grep -E '^ +[0-9]' | head -12
          echo "== perf $who, $kind run: top symbols"
          perf report -i "$P/perf-$who-$kind.data" --sort dso,sym --stdio --no-children 2>/dev/null | grep -E '^ +[0-9]' | head -30
        } >>"$P/perf-summary.txt"
        rm -f "$P/perf-$who-$kind.data"
      done
    fi
  done
  # JFR 'profile' settings plus every thrown exception with its stack (jdk.JavaExceptionThrow)
  JFC="$WORK/profile-exceptions.jfc"
  JHOME=$(dirname "$(dirname "$(readlink -f "$(command -v "$JAVA")")")")
  awk '/name="jdk.JavaExceptionThrow"/ { inx = 1 } inx && /name="enabled"/ { sub(/>false</, ">true<"); inx = 0 } { print }' \
    "$JHOME/lib/jfr/profile.jfc" >"$JFC" 2>/dev/null || JFC=profile
  [[ -s $JFC || $JFC == profile ]] || JFC=profile
  for kind in tcp http; do
    jcmd "$NPID" JFR.start name=bench settings="$JFC" filename="$P/node-$kind.jfr" >/dev/null
    jcmd "$APID" JFR.start name=bench settings="$JFC" filename="$P/agent-$kind.jfr" >/dev/null
    if [[ $kind == tcp ]]; then
      MEASURE="${MEAS_OURS[$PRIMARY]}" iperf3_case "jfr_ours_$PRIMARY" 1 "${TUN_TCP[$PRIMARY]}"
    else
      MEASURE="${MEAS_OURS[$PRIMARY]}" wrk_case "jfr_ours_$PRIMARY" 1 "http://127.0.0.1:${NODE_VHOST[$PRIMARY]}/100b.txt" -H "Host: $WEB_HOST"
    fi
    jcmd "$NPID" JFR.stop name=bench >/dev/null; jcmd "$APID" JFR.stop name=bench >/dev/null
  done
  "$PY" "$HERE/jfr_top.py" "$P"/*.jfr >"$P/summary.txt" 2>"$P/jfr_top.err" || log "jfr summary failed (see $P/jfr_top.err)"
fi

# ---------------------------------------------------------------- startup: fluxctl up -> first proxied byte
if has_phase startup; then
  log "== startup (fluxctl up -> first echoed byte through tcp tunnel $TUN_ECHO; $STARTUP_N per variant)"
  for ((r = 1; r <= STARTUP_N; r++)); do
    for v in $STARTUP_VARIANTS; do
      for ((attempt = 0; attempt <= STARTUP_RETRIES; attempt++)); do
        wait_port_gone "$TUN_ECHO" 20 || die "tunnel port $TUN_ECHO still taken"
        wait_quiet; noise_begin
        # shellcheck disable=SC2086
        line=$("$PY" "$HERE/first_byte.py" "$TUN_ECHO" 30 "$WORK/logs/startup-$v.log" -- "$JAVA" ${STARTUP_FLAGS[$v]} -jar "$FLUXCTL_JAR" up -c "$WORK/agent-echo.toml" | grep '^RESULT')
        line=${line#RESULT }
        line="startup $v round=$r ${line:-first_byte_ms=NA error=no_result} $(noise_end) quiet=$QUIET"
        if ((attempt < STARTUP_RETRIES)) && noisy "$line"; then emit "$line discarded=1"; continue; fi
        emit "$line"; break
      done
    done
  done
  wait_port_gone "$TUN_ECHO" 20
fi

# ---------------------------------------------------------------- mem: idle tunnels on a fresh node
# mem_sample LABEL ROUND PID WHO: forced full GC, then live heap (class histogram), heap_info, NMT, RSS
mem_sample() {
  local label=$1 round=$2 pid=$3 who=$4 h histo heap nmt rss thr
  jcmd "$pid" GC.run >/dev/null 2>&1; sleep 0.5
  h="$WORK/histo-$who-$label-$round.txt"
  jcmd "$pid" GC.class_histogram >"$h" 2>&1          # runs a full GC itself; exact bytes of live objects
  histo=$(awk '$1 == "Total" {print $3}' "$h")
  heap=$(jcmd "$pid" GC.heap_info 2>/dev/null | awk '/total [0-9]+K, used [0-9]+K/ { for (i = 1; i <= NF; i++) if ($i == "used") { v = $(i+1); sub(/K.*/, "", v); s += v } } END { print s + 0 }')
  nmt=$(jcmd "$pid" VM.native_memory summary 2>/dev/null | awk '
    /^Total:/ { match($0, /committed=[0-9]+KB/); tot = substr($0, RSTART + 10, RLENGTH - 12) }
    /^-/ { name = $0; sub(/^- */, "", name); sub(/ *\(.*/, "", name); gsub(/ /, "_", name)
           match($0, /committed=[0-9]+KB/); c[name] = substr($0, RSTART + 10, RLENGTH - 12) }
    END { if (tot == "") { printf "nmt=off"; exit }
          printf "nmt_committed_kb=%s nmt_heap_kb=%s nmt_thread_kb=%s nmt_other_kb=%s nmt_class_kb=%s nmt_nonheap_kb=%s",
          tot, c["Java_Heap"], c["Thread"], c["Other"], c["Class"], tot - c["Java_Heap"] }')
  rss=$(awk '/^VmRSS:/ {print $2}' "/proc/$pid/status"); thr=$(awk '/^Threads:/ {print $2}' "/proc/$pid/status")
  emit "mem $label round=$round who=$who histo_bytes=$histo heap_used_kb=$heap $nmt rss_kb=$rss threads=$thr"
  if [[ $round == 1 ]]; then
    cp "$h" "$OUT/"
    [[ $who == node ]] && jcmd "$pid" VM.native_memory summary >"$OUT/nmt-$who-$label-$round.txt" 2>&1
  fi
}
if has_phase mem; then
  log "== mem (node with 0, 1, $MEM_N idle TCP tunnels; $RUNS rounds, fresh node each)"
  node_toml node-mem "$MEM_BIND" "$MEM_VHOST" "$MEM_LO" "$MEM_HI"
  for ((r = 1; r <= RUNS; r++)); do
    # shellcheck disable=SC2086
    start_node node-mem $JVM_OPTS ${GC_FLAGS[$PRIMARY]} -XX:NativeMemoryTracking=summary
    wait_port "$MEM_BIND" 30 || die "node-mem did not listen"
    agent_toml "$WORK/agent-mem1.toml" "$MEM_BIND" "$FP"; tcp_tunnel t0 "$ECHO" "$MEM_LO" >>"$WORK/agent-mem1.toml"
    agent_toml "$WORK/agent-memN.toml" "$MEM_BIND" "$FP"
    for ((k = 0; k < MEM_N; k++)); do tcp_tunnel "t$k" "$ECHO" $((MEM_LO + k)); done >>"$WORK/agent-memN.toml"
    sleep 2; mem_sample tunnels_0 "$r" "${BG_PID[node-mem]}" node
    # shellcheck disable=SC2086
    start_bg agent-mem1 "$JAVA" $JVM_OPTS ${GC_FLAGS[$PRIMARY]} -jar "$FLUXCTL_JAR" up -c "$WORK/agent-mem1.toml"
    wait_port "$MEM_LO" 30 || die "1-tunnel agent not ready"
    sleep 2; mem_sample tunnels_1 "$r" "${BG_PID[node-mem]}" node; mem_sample tunnels_1 "$r" "${BG_PID[agent-mem1]}" agent
    stop_bg agent-mem1; wait_port_gone "$MEM_LO" 20
    # shellcheck disable=SC2086
    start_bg agent-memN "$JAVA" $JVM_OPTS ${GC_FLAGS[$PRIMARY]} -jar "$FLUXCTL_JAR" up -c "$WORK/agent-memN.toml"
    for ((i = 0; i < 600; i++)); do (($(count_listening "$MEM_LO" "$MEM_HI") >= MEM_N)) && break; sleep 0.1; done
    (($(count_listening "$MEM_LO" "$MEM_HI") >= MEM_N)) || die "only $(count_listening "$MEM_LO" "$MEM_HI") of $MEM_N tunnels ready"
    sleep 2; mem_sample "tunnels_$MEM_N" "$r" "${BG_PID[node-mem]}" node; mem_sample "tunnels_$MEM_N" "$r" "${BG_PID[agent-memN]}" agent
    stop_bg agent-memN; stop_bg node-mem
    wait_port_gone "$MEM_BIND" 20; wait_port_gone "$MEM_LO" 20
  done
fi

cp "$WORK"/logs/node-*.log "$WORK"/logs/agent-*.log "$WORK"/logs/gc-*.log "$WORK"/logs/iperf3-failed-* "$OUT/" 2>/dev/null
stop_all
"$PY" "$HERE/report.py" "$OUT" >"$OUT/summary.md" || die "report failed"
log "done: $OUT/summary.md (raw: $RAW); quiet-wait spent ${_QUIET_SPENT}s"
cat "$OUT/summary.md"
