#!/usr/bin/env bash
# FLUX Gateway XTCP benchmark in network namespaces this script builds (root, ip, nft, iperf3 needed):
#   iperf3 1 stream, lan-b -> lan-a's service:
#     p2p    through an xtcp visitor that punched through two cone NATs (QUIC + end-to-end AES-256-GCM)
#     relay  through an stcp visitor: visitor -> node -> owner (TLS on both legs + end-to-end AES-256-GCM)
#     direct lan-b -> the node's address through NAT B, no FLUX at all (what the path itself carries)
# Traffic stays inside the namespaces. Usage: sudo bash bench/xtcp.sh
#   DUR=5 seconds per run, RUNS=3 rounds of p2p relay direct; JFR=1 records both agents during one more p2p run
#   ($WORK/{owner,visitor}.jfr; summarise with python3 bench/jfr_top.py FILE).
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/.." && pwd)
: "${DUR:=5}"
: "${RUNS:=3}"
: "${JFR:=0}"
: "${JAVA:=java}"
: "${NODE_JAR:=$REPO/gateway-node/target/gateway-node.jar}"
: "${FLUXCTL_JAR:=$REPO/client-cli/target/fluxctl.jar}"
: "${WORK:=/tmp/flux-bench-xtcp}"
TOKEN="flx_bench-token-0123456789abcdef"
SECRET="bench-secret-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
P="fxb$$-"
WAN=${P}wan NA=${P}nat-a NB=${P}nat-b LA=${P}lan-a LB=${P}lan-b
PIDS=()

log() { printf '%s %s\n' "$(date -u +%T)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null; done
  wait 2>/dev/null
  for ns in $WAN $NA $NB $LA $LB; do ip netns del "$ns" 2>/dev/null; done
}
trap cleanup EXIT; trap 'exit 130' INT TERM

[[ $(id -u) == 0 ]] || die "run as root (network namespaces)"
for tool in ip nft iperf3; do command -v "$tool" >/dev/null || die "missing $tool (apt-get install iproute2 nftables iperf3)"; done
[[ -f $NODE_JAR && -f $FLUXCTL_JAR ]] || die "build first: ./mvnw -B -q package -DskipTests"
rm -rf "$WORK"; mkdir -p "$WORK"

x() { ip netns exec "$@"; }
for ns in $WAN $NA $NB $LA $LB; do ip netns add "$ns"; ip -n "$ns" link set lo up; done
ip -n $WAN link add br0 type bridge; ip -n $WAN addr add 10.77.0.1/24 dev br0; ip -n $WAN link set br0 up
router() {  # NAT WANPORT WANADDR LANPREFIX HOST
  ip -n $WAN link add "$2" type veth peer name wan netns "$1"
  ip -n $WAN link set "$2" master br0; ip -n $WAN link set "$2" up
  ip -n "$1" addr add "$3/24" dev wan; ip -n "$1" link set wan up
  ip -n "$1" link add lan type veth peer name eth0 netns "$5"
  ip -n "$1" addr add "$4.1/24" dev lan; ip -n "$1" link set lan up
  ip -n "$5" addr add "$4.2/24" dev eth0; ip -n "$5" link set eth0 up; ip -n "$5" route add default via "$4.1"
  x "$1" sysctl -qw net.ipv4.ip_forward=1
  x "$1" nft add table inet filter
  x "$1" nft add chain inet filter input '{ type filter hook input priority 0 ; }'
  x "$1" nft add rule inet filter input iifname wan ct state new drop
  x "$1" nft add table ip nat
  x "$1" nft add chain ip nat post '{ type nat hook postrouting priority 100 ; }'
  x "$1" nft add rule ip nat post oifname wan masquerade
}
router $NA pa 10.77.0.2 10.78.1 $LA
router $NB pb 10.77.0.3 10.78.2 $LB

bg() { local name=$1; shift; "$@" >"$WORK/$name.log" 2>&1 & PIDS+=($!); }
wait_log() { for _ in $(seq 1 120); do grep -q "$2" "$WORK/$1.log" && return 0; sleep 0.5; done; die "$1: no '$2' (see $WORK/$1.log)"; }

cat >"$WORK/node.toml" <<TOML
bindAddr = "10.77.0.1"
bindPort = 7000
publicHost = "10.77.0.1"
vhostHTTPPort = -1
dataDir = "$WORK/node-data"
[[tokens]]
name = "bench"
token = "$TOKEN"
TOML
bg node ip netns exec $WAN "$JAVA" -jar "$NODE_JAR" --config "$WORK/node.toml"
wait_log node "node ready"
FP=$(grep -o 'SHA256:[A-Za-z0-9+/=]*' "$WORK/node.log" | head -1)
HEAD="serverAddr = \"10.77.0.1\"
serverPort = 7000
token = \"$TOKEN\"
[tls]
fingerprint = \"$FP\""
# one iperf3 server per case: a server still closing the last test answers the next one "busy"
bg iperf-p2p ip netns exec $LA iperf3 -s -B 127.0.0.1 -p 5201
bg iperf-relay ip netns exec $LA iperf3 -s -B 127.0.0.1 -p 5203
bg iperf-wan ip netns exec $WAN iperf3 -s -B 10.77.0.1 -p 5202
printf '%s\n[[tunnels]]\nname = "p2p"\ntype = "xtcp"\nlocalPort = 5201\nsecretKey = "%s"\n[[tunnels]]\nname = "relay"\ntype = "stcp"\nlocalPort = 5203\nsecretKey = "%s"\n' \
  "$HEAD" "$SECRET" "$SECRET" >"$WORK/owner.toml"
printf '%s\n[[visitors]]\nname = "p2p"\ntype = "xtcp"\nserverName = "p2p"\nsecretKey = "%s"\nbindPort = 6001\n[[visitors]]\nname = "relay"\ntype = "stcp"\nserverName = "relay"\nsecretKey = "%s"\nbindPort = 6002\n' \
  "$HEAD" "$SECRET" "$SECRET" >"$WORK/visitor.toml"
read -ra JOPTS <<<"${AGENT_JAVA_OPTS:-}"  # extra JVM options for both agents
[[ $JFR == 1 ]] && JOPTS+=(-XX:+UnlockDiagnosticVMOptions -XX:+DebugNonSafepoints)
bg owner ip netns exec $LA "$JAVA" "${JOPTS[@]}" -jar "$FLUXCTL_JAR" up --verbose -c "$WORK/owner.toml"
wait_log owner "\[relay\] tunnel ready"; wait_log owner "\[p2p\] tunnel ready"
bg visitor ip netns exec $LB "$JAVA" "${JOPTS[@]}" -jar "$FLUXCTL_JAR" up --verbose -c "$WORK/visitor.toml"
wait_log visitor "logged in to node"

# CPU seconds (user + system) a process has used so far
cpu_of() { awk -v t="$(getconf CLK_TCK)" '{ printf "%.3f", ($14 + $15) / t }' "/proc/$1/stat" 2>/dev/null || echo 0; }
pid_of() { pgrep -f -- "java.*$1" | head -1; }
run() {  # NAME PORT HOST: Mbit/s, and the CPU the FLUX processes spent per GB (visitor, node, owner)
  local v n o c0 c1
  v=$(pid_of "-c $WORK/visitor.toml") n=$(pid_of "--config $WORK/node.toml") o=$(pid_of "-c $WORK/owner.toml")
  c0="$(cpu_of "$v") $(cpu_of "$n") $(cpu_of "$o")"
  # bounded: a stalled transport must not hang the benchmark
  x $LB timeout $((DUR + 30)) iperf3 -c "$3" -p "$2" -t "$DUR" -J >"$WORK/iperf-$1.json" 2>&1
  c1="$(cpu_of "$v") $(cpu_of "$n") $(cpu_of "$o")"
  python3 - "$WORK/iperf-$1.json" "$1" "$c0" "$c1" <<'PY' || log "$1: iperf3 failed, see $WORK/iperf-$1.json"
import json, sys
d = json.load(open(sys.argv[1]))
r = d["end"]["sum_received"]
if r["bytes"] == 0:
    sys.exit("%s: 0 bytes arrived (the transfer stalled)" % sys.argv[2])
gb = r["bytes"] / 1e9
cpu = [b - a for a, b in zip(map(float, sys.argv[3].split()), map(float, sys.argv[4].split()))]
print("%-7s %8.0f Mbit/s   CPU s/GB: visitor %5.2f  node %5.2f  owner %5.2f  total %5.2f"
      % (sys.argv[2], r["bits_per_second"] / 1e6, cpu[0] / gb, cpu[1] / gb, cpu[2] / gb, sum(cpu) / gb))
PY
}
x $LB timeout 30 iperf3 -c 127.0.0.1 -p 6001 -t 1 >/dev/null 2>&1  # sets up the peer-to-peer path
grep -h "connected peer-to-peer\|relaying through the node" "$WORK/visitor.log" | tail -1 >&2
for round in $(seq 1 "$RUNS"); do
  log "round $round of $RUNS"
  run p2p 6001 127.0.0.1
  run relay 6002 127.0.0.1
  run direct 5202 10.77.0.1
done
if [[ $JFR == 1 ]]; then
  for who in owner visitor; do jcmd "$(pid_of "-c $WORK/$who.toml")" JFR.start name=bench settings=profile >/dev/null; done
  run p2p-jfr 6001 127.0.0.1
  for who in owner visitor; do
    jcmd "$(pid_of "-c $WORK/$who.toml")" JFR.dump name=bench filename="$WORK/$who.jfr" >/dev/null
    log "JFR: $WORK/$who.jfr"
  done
fi
if [[ ${HOLD:-0} == 1 ]]; then  # keep the namespaces and processes for experiments until interrupted
  log "holding: ip netns exec $LB iperf3 -c 127.0.0.1 -p 6001 (p2p) / 6002 (relay); Ctrl-C ends"
  sleep infinity & PIDS+=($!); wait $!
fi
