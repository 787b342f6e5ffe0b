#!/usr/bin/env bash
# FLUX Gateway STCP benchmark, all traffic on 127.0.0.1, runnable in under 2 minutes with the defaults:
#   iperf3 1 stream  direct | through an stcp tunnel (visitor `fluxctl visit` -> node -> owner `fluxctl up`, TLS on
#   both legs + end-to-end AES-256-GCM) | ssh -R aes128-gcm
# Cases are interleaved (A B C A B C ...). Raw lines and logs go to $OUT.
# Usage: bash bench/stcp.sh        (RUNS=2 DUR=5 WARMUP=5 by default; PORT_BASE, JAVA, JVM_OPTS as in run.sh)
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
: "${OUT:=$REPO/bench/out/stcp-$(date -u +%Y%m%dT%H%M%SZ)}"
: "${NODE_JAR:=$REPO/gateway-node/target/gateway-node.jar}"
: "${FLUXCTL_JAR:=$REPO/client-cli/target/fluxctl.jar}"
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
"$JAVA" -jar "$FLUXCTL_JAR" visit --help >/dev/null 2>&1 || die "'fluxctl visit' is not available in $FLUXCTL_JAR"
RAW=$OUT/raw.txt; : >"$RAW"
assert_free "$NODE" "$VHOST" "$VISIT" "$IPERF" "$SSHD" "$SSHR_T"
{
  echo "date: $(date -u +'%F %T UTC')"
  echo "machine: $(uname -sr); $(nproc) vCPU $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
  echo "java: $("$JAVA" -version 2>&1 | sed -n 2p)"
  echo "settings: RUNS=$RUNS DUR=${DUR}s WARMUP=${WARMUP}s JVM_OPTS='$JVM_OPTS' PORT_BASE=$PORT_BASE"
  echo "git: $(git -C "$REPO" rev-parse --short HEAD 2>/dev/null)"
} >"$OUT/env.txt"
cat "$OUT/env.txt" >&2

start_bg iperf3-srv iperf3 -s -B 127.0.0.1 -p "$IPERF"

# private sshd and ssh -R to iperf3
start_ssh_r "$WORK" "$SSHD" "$SSHR_T:$IPERF"

# node, owner (fluxctl up with an stcp tunnel to iperf3), visitor (fluxctl visit)
mkdir -p "$WORK/node-data"
cat >"$WORK/node.toml" <<TOML
bindAddr = "127.0.0.1"
bindPort = $NODE
publicHost = "127.0.0.1"
vhostHTTPPort = $VHOST
vhostBindAddr = "127.0.0.1"
proxyBindAddr = "127.0.0.1"
dataDir = "$WORK/node-data"
[[tokens]]
name = "bench"
token = "$TOKEN"
TOML
# shellcheck disable=SC2086
start_bg node "$JAVA" $JVM_OPTS -jar "$NODE_JAR" --config "$WORK/node.toml"
FP=""
for ((i = 0; i < 300; i++)); do
  FP=$(grep -o 'fingerprint: SHA256:[A-Za-z0-9+/=]*' "$WORK/logs/node.log" 2>/dev/null | head -1 | cut -d' ' -f2)
  [[ -n $FP ]] && break
  kill -0 "${BG_PID[node]}" 2>/dev/null || break
  sleep 0.1
done
[[ -n $FP ]] || { cat "$WORK/logs/node.log" >&2; die "the node logged no fingerprint"; }
wait_port "$NODE" 30 || die "the node did not listen"
cat >"$WORK/owner.toml" <<TOML
serverAddr = "127.0.0.1"
serverPort = $NODE
token = "$TOKEN"
[tls]
fingerprint = "$FP"
[[tunnels]]
name = "iperf"
type = "stcp"
localPort = $IPERF
secretKey = "$SECRET"
TOML
# shellcheck disable=SC2086
start_bg owner "$JAVA" $JVM_OPTS -jar "$FLUXCTL_JAR" up -c "$WORK/owner.toml" --admin-port 0
for ((i = 0; i < 300; i++)); do grep -q 'tunnel ready' "$WORK/logs/owner.log" 2>/dev/null && break; sleep 0.1; done
grep -q 'tunnel ready' "$WORK/logs/owner.log" || { cat "$WORK/logs/owner.log" >&2; die "the stcp tunnel is not ready"; }
# shellcheck disable=SC2086
start_bg visitor "$JAVA" $JVM_OPTS -jar "$FLUXCTL_JAR" visit iperf --secret "$SECRET" --port "$VISIT" -c "$WORK/owner.toml"
wait_port "$VISIT" 30 || { cat "$WORK/logs/visitor.log" >&2; die "the visitor did not listen"; }
wait_port "$SSHR_T" 20 || die "ssh -R did not listen"
log "everything is up"

on_failure() {
  log "  $1 run failed ($2): restarting the iperf3 server"
  stop_bg iperf3-srv; start_bg iperf3-srv iperf3 -s -B 127.0.0.1 -p "$IPERF"; wait_port "$IPERF" 10
}
MEAS_OURS="node:${BG_PID[node]} owner:${BG_PID[owner]} visitor:${BG_PID[visitor]}"
MEAS_SSH="ssh:${BG_PID[ssh-R]} sshd:${BG_PID[sshd]}"

log "warm-up (not recorded)"
timeout $((WARMUP + 20)) iperf3 -c 127.0.0.1 -p "$VISIT" -t "$WARMUP" >/dev/null 2>&1 || on_failure tcp warm-up

log "== tcp (iperf3 1 stream, ${DUR}s, $RUNS rounds)"
for ((r = 1; r <= RUNS; r++)); do
  MEASURE=""           iperf3_case direct "$r" "$IPERF"
  MEASURE="$MEAS_OURS" iperf3_case stcp_e2e_aes256gcm "$r" "$VISIT"
  MEASURE="$MEAS_SSH"  iperf3_case sshR_aes128gcm "$r" "$SSHR_T"
done

# median KEY LABEL: the median of KEY= over the kept runs of LABEL
median() {
  grep "^tcp $2 " "$RAW" | grep -v discarded=1 | tr ' ' '\n' | sed -n "s/^$1=//p" | sort -g \
    | awk '{ v[NR] = $1 } END { if (NR == 0) print "NA"; else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
{
  echo "| case | Gbit/s (median of $RUNS) | CPU % of one core (median) |"
  echo "|---|---|---|"
  for label in direct stcp_e2e_aes256gcm sshR_aes128gcm; do
    echo "| $label | $(median gbps "$label") | $(median cpu "$label") |"
  done
} >"$OUT/summary.md"
cat "$OUT/summary.md" >&2
