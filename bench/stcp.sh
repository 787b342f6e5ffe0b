#!/usr/bin/env bash
# FLUX Gateway STCP benchmark, all traffic on 127.0.0.1, runnable in under 2 minutes with the defaults:
#   iperf3 1 stream  direct | through an stcp tunnel (visitor `fluxctl visit` -> node -> owner `fluxctl up`, TLS on
#   both legs + end-to-end AES-256-GCM) | ssh -R aes128-gcm
# Cases are interleaved (A B C A B C ...). Raw lines and logs go to $OUT.
# Usage: bash bench/stcp.sh        (RUNS=2 DUR=5 WARMUP=5 by default; PORT_BASE, JAVA, JVM_OPTS as in run.sh)
#        PROFILE=1 bash bench/stcp.sh: afterwards one more stcp run (not in the table) with the CPU per thread of
#        node, owner and visitor and, where perf works, a cpu-clock profile of each by DSO and symbol ($OUT/profile)
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/.." && pwd)
: "${RUNS:=2}"
: "${DUR:=5}"
: "${WARMUP:=5}"
: "${QUIET_MAX:=5}"
: "${WORK:=/tmp/flux-bench-stcp}"
# shellcheck source=lib.sh
source "$HERE/lib.sh"

: "${PORT_BASE:=29400}"
: "${JAVA:=java}"
: "${JVM_OPTS:=-Xms256m -Xmx1g}"
: "${PROFILE:=0}"
# perf needs the JIT's symbol map, which the JVMs write when they exit
((PROFILE)) && JVM_OPTS="$JVM_OPTS -XX:+UnlockDiagnosticVMOptions -XX:+DumpPerfMapAtExit"
: "${OUT:=$REPO/bench/out/stcp-$(date -u +%Y%m%dT%H%M%SZ)}"
: "${NODE_JAR:=$REPO/gateway-node/target/gateway-node.jar}"
: "${FLUXCTL_JAR:=$REPO/client-cli/target/fluxctl.jar}"
# optional second stack ("stcp_b", measured interleaved with the first: a same-run before/after comparison):
# B_NODE_JAR / B_FLUXCTL_JAR (default: the same jars) and B_JVM_OPTS (default: JVM_OPTS); set any of them to enable
HAVE_B=0; [[ -n ${B_NODE_JAR:-}${B_FLUXCTL_JAR:-}${B_JVM_OPTS:-} ]] && HAVE_B=1
TOKEN="flx_bench-token-0123456789abcdef"
SECRET="bench-secret-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"

p() { echo $((PORT_BASE + $1)); }
NODE=$(p 0) VHOST=$(p 1) VISIT=$(p 2) IPERF=$(p 3) SSHD=$(p 4) SSHR_T=$(p 5)

MADE_RUN_SSHD=0
cleanup() { stop_all; [[ $MADE_RUN_SSHD == 1 ]] && rmdir /run/sshd 2>/dev/null; true; }
trap cleanup EXIT; trap 'exit 130' INT TERM

for tool in iperf3 ssh /usr/sbin/sshd jq; do command -v "$tool" >/dev/null || die "missing $tool (see bench/README.md)"; done
[[ -f $NODE_JAR ]] || die "no $NODE_JAR; build first: ./mvnw -B -q package -DskipTests"
[[ -f $FLUXCTL_JAR ]] || die "no $FLUXCTL_JAR; build first"
rm -rf "$WORK"; mkdir -p "$WORK/logs" "$WORK/jars" "$OUT"; chmod 755 "$WORK"
cp "$NODE_JAR" "$WORK/jars/gateway-node.jar"; cp "$FLUXCTL_JAR" "$WORK/jars/fluxctl.jar"
NODE_JAR=$WORK/jars/gateway-node.jar FLUXCTL_JAR=$WORK/jars/fluxctl.jar
if ((HAVE_B)); then
  : "${B_NODE_JAR:=$NODE_JAR}" "${B_FLUXCTL_JAR:=$FLUXCTL_JAR}" "${B_JVM_OPTS:=$JVM_OPTS}"
  cp "$B_NODE_JAR" "$WORK/jars/gateway-node-b.jar"; cp "$B_FLUXCTL_JAR" "$WORK/jars/fluxctl-b.jar"
  B_NODE_JAR=$WORK/jars/gateway-node-b.jar B_FLUXCTL_JAR=$WORK/jars/fluxctl-b.jar
fi
"$JAVA" -jar "$FLUXCTL_JAR" visit --help >/dev/null 2>&1 || die "'fluxctl visit' is not available in $FLUXCTL_JAR"
RAW=$OUT/raw.txt; : >"$RAW"
assert_free "$IPERF" "$SSHD" "$SSHR_T"
{
  echo "date: $(date -u +'%F %T UTC')"
  echo "machine: $(uname -sr); $(nproc) vCPU $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
  echo "java: $("$JAVA" -version 2>&1 | sed -n 2p)"
  echo "settings: RUNS=$RUNS DUR=${DUR}s WARMUP=${WARMUP}s JVM_OPTS='$JVM_OPTS' PORT_BASE=$PORT_BASE"
  echo "git: $(git -C "$REPO" rev-parse --short HEAD 2>/dev/null)"
  ((HAVE_B)) && echo "stack b: B_NODE_JAR=$B_NODE_JAR B_FLUXCTL_JAR=$B_FLUXCTL_JAR B_JVM_OPTS='$B_JVM_OPTS'"
} >"$OUT/env.txt"
cat "$OUT/env.txt" >&2

start_bg iperf3-srv iperf3 -s -B 127.0.0.1 -p "$IPERF"

# private sshd and ssh -R to iperf3
start_ssh_r "$WORK" "$SSHD" "$SSHR_T:$IPERF"

# start_stack SUFFIX PORT_OFFSET NODE_JAR FLUXCTL_JAR JVM_OPTS: a node, an owner (fluxctl up with an stcp tunnel to
# iperf3) and a visitor (fluxctl visit), started as node$SUFFIX, owner$SUFFIX, visitor$SUFFIX; the visitor listens on
# PORT_BASE + 2 + PORT_OFFSET
start_stack() {
  local sfx=$1 off=$2 njar=$3 fjar=$4 opts=$5 d="$WORK/stack$1" fp="" i
  local node=$((NODE + off)) vhost=$((VHOST + off)) visit=$((VISIT + off))
  assert_free "$node" "$vhost" "$visit"
  mkdir -p "$d/node-data"
  cat >"$d/node.toml" <<TOML
bindAddr = "127.0.0.1"
bindPort = $node
publicHost = "127.0.0.1"
vhostHTTPPort = $vhost
vhostBindAddr = "127.0.0.1"
proxyBindAddr = "127.0.0.1"
dataDir = "$d/node-data"
[[tokens]]
name = "bench"
token = "$TOKEN"
TOML
  # shellcheck disable=SC2086
  start_bg "node$sfx" "$JAVA" $opts -jar "$njar" --config "$d/node.toml"
  for ((i = 0; i < 300; i++)); do
    fp=$(grep -o 'fingerprint: SHA256:[A-Za-z0-9+/=]*' "$WORK/logs/node$sfx.log" 2>/dev/null | head -1 | cut -d' ' -f2)
    [[ -n $fp ]] && break
    kill -0 "${BG_PID[node$sfx]}" 2>/dev/null || break
    sleep 0.1
  done
  [[ -n $fp ]] || { cat "$WORK/logs/node$sfx.log" >&2; die "node$sfx logged no fingerprint"; }
  wait_port "$node" 30 || die "node$sfx did not listen"
  cat >"$d/owner.toml" <<TOML
serverAddr = "127.0.0.1"
serverPort = $node
token = "$TOKEN"
[tls]
fingerprint = "$fp"
[[tunnels]]
name = "iperf"
type = "stcp"
localPort = $IPERF
secretKey = "$SECRET"
TOML
  # shellcheck disable=SC2086
  start_bg "owner$sfx" "$JAVA" $opts -jar "$fjar" up -c "$d/owner.toml" --admin-port 0
  for ((i = 0; i < 300; i++)); do grep -q 'tunnel ready' "$WORK/logs/owner$sfx.log" 2>/dev/null && break; sleep 0.1; done
  grep -q 'tunnel ready' "$WORK/logs/owner$sfx.log" || { cat "$WORK/logs/owner$sfx.log" >&2; die "owner$sfx: the stcp tunnel is not ready"; }
  # shellcheck disable=SC2086
  start_bg "visitor$sfx" "$JAVA" $opts -jar "$fjar" visit iperf --secret "$SECRET" --port "$visit" -c "$d/owner.toml"
  wait_port "$visit" 30 || { cat "$WORK/logs/visitor$sfx.log" >&2; die "visitor$sfx did not listen"; }
}
start_stack "" 0 "$NODE_JAR" "$FLUXCTL_JAR" "$JVM_OPTS"
if ((HAVE_B)); then
  start_stack _b 10 "$B_NODE_JAR" "$B_FLUXCTL_JAR" "$B_JVM_OPTS"
fi
wait_port "$SSHR_T" 20 || die "ssh -R did not listen"
log "everything is up"

on_failure() {
  log "  $1 run failed ($2): restarting the iperf3 server"
  stop_bg iperf3-srv; start_bg iperf3-srv iperf3 -s -B 127.0.0.1 -p "$IPERF"; wait_port "$IPERF" 10
}
MEAS_OURS="node:${BG_PID[node]} owner:${BG_PID[owner]} visitor:${BG_PID[visitor]}"
((HAVE_B)) && MEAS_B="node:${BG_PID[node_b]} owner:${BG_PID[owner_b]} visitor:${BG_PID[visitor_b]}"
MEAS_SSH="ssh:${BG_PID[ssh-R]} sshd:${BG_PID[sshd]}"

log "warm-up (not recorded)"
timeout $((WARMUP + 20)) iperf3 -c 127.0.0.1 -p "$VISIT" -t "$WARMUP" >/dev/null 2>&1 || on_failure tcp warm-up
if ((HAVE_B)); then
  timeout $((WARMUP + 20)) iperf3 -c 127.0.0.1 -p $((VISIT + 10)) -t "$WARMUP" >/dev/null 2>&1 || on_failure tcp warm-up-b
fi

log "== tcp (iperf3 1 stream, ${DUR}s, $RUNS rounds)"
for ((r = 1; r <= RUNS; r++)); do
  MEASURE=""           iperf3_case direct "$r" "$IPERF"
  MEASURE="$MEAS_OURS" iperf3_case stcp_e2e_aes256gcm "$r" "$VISIT"
  ((HAVE_B)) && MEASURE="$MEAS_B" iperf3_case stcp_b "$r" $((VISIT + 10))
  MEASURE="$MEAS_SSH"  iperf3_case sshR_aes128gcm "$r" "$SSHR_T"
done

# median KEY LABEL: the median of KEY= over the kept runs of LABEL
median() {
  grep "^tcp $2 " "$RAW" | grep -v discarded=1 | tr ' ' '\n' | sed -n "s/^$1=//p" | sort -g \
    | awk '{ v[NR] = $1 } END { if (NR == 0) print "NA"; else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
# cores_per_gbps LABEL: the median over the kept runs of LABEL of (CPU in cores / Gbit/s), the cost of a bit; it
# moves less with foreign load than the rate does
cores_per_gbps() {
  grep "^tcp $1 " "$RAW" | grep -v discarded=1 \
    | awk '{ g = c = ""; for (i = 1; i <= NF; i++) { if ($i ~ /^gbps=/) g = substr($i, 6); if ($i ~ /^cpu=/) c = substr($i, 5) }
             if (g != "" && g != "NA" && c != "" && g > 0) printf "%.3f\n", c / 100 / g }' | sort -g \
    | awk '{ v[NR] = $1 } END { if (NR == 0) print "NA"; else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
{
  echo "| case | Gbit/s (median of $RUNS) | CPU % of one core (median) | cores per Gbit/s (median) |"
  echo "|---|---|---|---|"
  for label in direct stcp_e2e_aes256gcm $( ((HAVE_B)) && echo stcp_b) sshR_aes128gcm; do
    echo "| $label | $(median gbps "$label") | $(median cpu "$label") | $(cores_per_gbps "$label") |"
  done
} >"$OUT/summary.md"
cat "$OUT/summary.md" >&2

# ---------------------------------------------------------------- profile (PROFILE=1; not in the table)
if ((PROFILE)); then
  log "== profile: one more stcp run with perf and CPU per thread"
  P="$OUT/profile"; mkdir -p "$P"
  HAVE_PERF=0
  command -v perf >/dev/null && perf record -e cpu-clock -o /dev/null -- true >/dev/null 2>&1 && HAVE_PERF=1
  PERF_PIDS=() SNAP=""
  if command -v jcmd >/dev/null; then  # JFR for Java frames; starting it deoptimises, so warm up again first
    for who in node owner visitor; do jcmd "${BG_PID[$who]}" JFR.start name=stcp settings=profile >/dev/null; done
    timeout $((WARMUP + 20)) iperf3 -c 127.0.0.1 -p "$VISIT" -t "$WARMUP" >/dev/null 2>&1
  fi
  for who in node owner visitor; do
    pid=${BG_PID[$who]}; SNAP+=" $pid:$P/threads-$who.txt"
    ((HAVE_PERF)) && { timeout $((DUR + 30)) perf record -q -e cpu-clock -F 999 -p "$pid" -o "$P/perf-$who.data" \
      -- sleep $((DUR + 2)) >/dev/null 2>&1 & PERF_PIDS+=($!); }
  done
  THREAD_SNAP="$SNAP" MEASURE="$MEAS_OURS" iperf3_case profiled_stcp 1 "$VISIT"
  for pp in "${PERF_PIDS[@]}"; do wait "$pp"; done
  if command -v jcmd >/dev/null; then
    for who in node owner visitor; do jcmd "${BG_PID[$who]}" JFR.dump name=stcp filename="$P/$who.jfr" >/dev/null; done
  fi
  for who in node owner visitor; do
    echo "== $who: CPU per thread, % of one core"; cat "$P/threads-$who.txt"
  done >"$P/threads-cpu.txt"
  if ((HAVE_PERF)); then
    PIDS=("${BG_PID[node]}" "${BG_PID[owner]}" "${BG_PID[visitor]}")
    stop_all  # the JVMs write their perf maps on exit
    i=0
    for who in node owner visitor; do
      { echo "== perf $who: samples by DSO"
        perf report -i "$P/perf-$who.data" --sort dso --stdio --no-children 2>/dev/null | grep -E '^ +[0-9]' | head -12
        echo "== perf $who: top symbols"
        perf report -i "$P/perf-$who.data" --sort dso,sym --stdio --no-children 2>/dev/null | grep -E '^ +[0-9]' | head -40
      } >>"$P/perf.txt"
      i=$((i + 1))
    done
  fi
  cat "$P/threads-cpu.txt" >&2
fi
