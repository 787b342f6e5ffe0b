#!/usr/bin/env bash
# UDP tunnel benchmark, all traffic on 127.0.0.1: iperf3 -u at fixed offered rates, direct vs through our UDP
# tunnel (iperf3's TCP control connection goes through a TCP tunnel on the same port number), interleaved
# (direct, ours, direct, ours, ...). Reports the rate the receiver saw and the datagrams lost.
# Usage: bash bench/udp.sh      (RUNS=3 DUR=5 RATES="100M 500M 1G" LEN=1200 by default)
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/.." && pwd)
# shellcheck source=lib.sh
source "$HERE/lib.sh"

: "${PORT_BASE:=29600}"
: "${JAVA:=java}"
: "${JVM_OPTS:=-Xms256m -Xmx1g -XX:+UseParallelGC}"
: "${RUNS:=3}"
: "${DUR:=5}"
: "${RATES:=100M 500M 1G}"
: "${LEN:=1200}"                 # datagram payload bytes: below a typical 1280-1500 path MTU
: "${OUT:=$REPO/bench/out/udp-$(date -u +%Y%m%dT%H%M%SZ)}"
: "${NODE_JAR:=$REPO/gateway-node/target/gateway-node.jar}"
: "${FLUXCTL_JAR:=$REPO/client-cli/target/fluxctl.jar}"
TOKEN="flx_bench-token-0123456789abcdef"
p() { echo $((PORT_BASE + $1)); }
NODE_BIND=$(p 0) NODE_VHOST=$(p 1) IPERF=$(p 2) TUNNEL=$(p 3)

for tool in iperf3 jq; do command -v "$tool" >/dev/null || die "missing $tool (see bench/README.md)"; done
[[ -f $NODE_JAR && -f $FLUXCTL_JAR ]] || die "build first: ./mvnw -B -q -DskipTests package"
mkdir -p "$OUT"
WORK=$(mktemp -d)
export WORK
mkdir -p "$WORK/logs"
RAW="$OUT/raw.txt"
: >"$RAW"
trap stop_all EXIT
trap 'exit 130' INT TERM
for port in "$NODE_BIND" "$NODE_VHOST" "$IPERF" "$TUNNEL"; do assert_free "$port"; done

start_bg iperf3-server iperf3 -s -B 127.0.0.1 -p "$IPERF"
mkdir -p "$WORK/node-data"
cat >"$WORK/node.toml" <<TOML
bindAddr = "127.0.0.1"
bindPort = $NODE_BIND
publicHost = "127.0.0.1"
vhostHTTPPort = $NODE_VHOST
vhostBindAddr = "127.0.0.1"
proxyBindAddr = "127.0.0.1"
allowPorts = [ { single = $TUNNEL } ]
dataDir = "$WORK/node-data"
[[tokens]]
name = "bench"
token = "$TOKEN"
TOML
# shellcheck disable=SC2086
start_bg node "$JAVA" $JVM_OPTS -jar "$NODE_JAR" --config "$WORK/node.toml"
wait_port "$NODE_BIND" 30 || die "the node did not listen"
FP=$(grep -o 'fingerprint: SHA256:[A-Za-z0-9+/=]*' "$WORK/logs/node.log" | head -1 | cut -d' ' -f2)
cat >"$WORK/agent.toml" <<TOML
serverAddr = "127.0.0.1"
serverPort = $NODE_BIND
token = "$TOKEN"
[tls]
fingerprint = "$FP"
[[tunnels]]
name = "iperf-control"
type = "tcp"
localPort = $IPERF
remotePort = $TUNNEL
[[tunnels]]
name = "iperf-data"
type = "udp"
localPort = $IPERF
remotePort = $TUNNEL
TOML
# shellcheck disable=SC2086
start_bg agent "$JAVA" $JVM_OPTS -jar "$FLUXCTL_JAR" up -c "$WORK/agent.toml"
wait_port "$TUNNEL" 30 || die "the tunnel did not open"
sleep 1

# one RATE PORT CASE: a receiver-side rate (Mbit/s) and loss (%) line
one() {
  local json
  json=$(iperf3 -c 127.0.0.1 -p "$2" -u -b "$1" -l "$LEN" -t "$DUR" -J 2>/dev/null) || { emit "udp $3 rate=$1 error"; return; }
  # end.sum is the sender's rate with the receiver's loss count: what arrived is rate * (1 - loss)
  emit "udp $3 rate=$1 recv_mbps=$(jq '.end.sum.bits_per_second * (1 - .end.sum.lost_percent / 100) / 1e6 | floor' <<<"$json")" \
    "lost_pct=$(jq '.end.sum.lost_percent * 100 | floor / 100' <<<"$json")" \
    "jitter_ms=$(jq '.end.sum.jitter_ms * 1000 | floor / 1000' <<<"$json")"
}

log "warm-up: $DUR s through the tunnel"
iperf3 -c 127.0.0.1 -p "$TUNNEL" -u -b 200M -l "$LEN" -t "$DUR" >/dev/null 2>&1
for rate in $RATES; do
  for ((r = 1; r <= RUNS; r++)); do
    one "$rate" "$IPERF" direct
    one "$rate" "$TUNNEL" ours
  done
done

{
  echo "# UDP: iperf3 -u, ${LEN}-byte datagrams, $DUR s per run, $RUNS runs per case (medians)"
  echo
  echo "| offered | direct Mbit/s | direct loss % | ours Mbit/s | ours loss % | ours / direct |"
  echo "|---|---|---|---|---|---|"
  for rate in $RATES; do
    med() { grep "^udp $1 rate=$rate " "$RAW" | grep -o "$2=[0-9.]*" | cut -d= -f2 | sort -n | awk '{a[NR]=$1} END {print (NR ? a[int((NR+1)/2)] : "-")}'; }
    d=$(med direct recv_mbps) dl=$(med direct lost_pct) o=$(med ours recv_mbps) ol=$(med ours lost_pct)
    ratio=$(awk -v o="$o" -v d="$d" 'BEGIN { if (d > 0) printf "%.2f", o / d; else print "-" }')
    echo "| $rate | $d | $dl | $o | $ol | $ratio |"
  done
} | tee "$OUT/summary.md"
