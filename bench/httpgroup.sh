#!/usr/bin/env bash
# What per-request load balancing costs, all on 127.0.0.1: wrk keep-alive load through one node to a 1-worker nginx
# origin, (a) through a single HTTP tunnel and (b) through a 2-member HTTP load-balancing group (two agents), where
# every request moves its keep-alive connection to the other member (new stream, other agent's event loop). Rounds
# interleave single, group, single, group... Reports req/s and p99 per round and the group/single ratio per round.
# Usage: bash bench/httpgroup.sh      (RUNS=3 DUR=10 CONNS=64 by default)
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/.." && pwd)
# shellcheck source=lib.sh
source "$HERE/lib.sh"

: "${PORT_BASE:=29700}"
: "${JAVA:=java}"
: "${JVM_OPTS:=-Xms256m -Xmx1g}"
: "${RUNS:=3}"
: "${DUR:=10}"
: "${CONNS:=64}"
: "${OUT:=$REPO/bench/out/httpgroup-$(date -u +%Y%m%dT%H%M%SZ)}"
: "${NODE_JAR:=$REPO/gateway-node/target/gateway-node.jar}"
: "${FLUXCTL_JAR:=$REPO/client-cli/target/fluxctl.jar}"
TOKEN="flx_bench-token-0123456789abcdef"
p() { echo $((PORT_BASE + $1)); }
NODE_BIND=$(p 0) NODE_VHOST=$(p 1) ORIGIN=$(p 2)

for tool in wrk nginx; do command -v "$tool" >/dev/null || die "missing $tool (see bench/README.md)"; done
[[ -f $NODE_JAR && -f $FLUXCTL_JAR ]] || die "build first: ./mvnw -B -q -DskipTests package"
mkdir -p "$OUT"
WORK=$(mktemp -d)
chmod 755 "$WORK"   # nginx workers run as nobody
export WORK
mkdir -p "$WORK/logs" "$WORK/www"
RAW="$OUT/raw.txt"
: >"$RAW"
trap stop_all EXIT
trap 'exit 130' INT TERM
for port in "$NODE_BIND" "$NODE_VHOST" "$ORIGIN"; do assert_free "$port"; done

head -c 100 /dev/zero | tr '\0' 'a' >"$WORK/www/100b.txt"
d=$(nginx_conf origin 1 "server { listen 127.0.0.1:$ORIGIN; root $WORK/www; location / {} }")
start_bg nginx-origin nginx -e "$d/error.log" -p "$d" -c "$d/nginx.conf"

mkdir -p "$WORK/node-data"
cat >"$WORK/node.toml" <<TOML
bindAddr = "127.0.0.1"
bindPort = $NODE_BIND
publicHost = "127.0.0.1"
vhostHTTPPort = $NODE_VHOST
vhostBindAddr = "127.0.0.1"
subdomainHost = "bench.test"
dataDir = "$WORK/node-data"
[[tokens]]
name = "bench"
token = "$TOKEN"
TOML
# shellcheck disable=SC2086
start_bg node "$JAVA" $JVM_OPTS -jar "$NODE_JAR" --config "$WORK/node.toml"
wait_port "$NODE_BIND" 30 || die "the node did not listen"
wait_port "$ORIGIN" 10 || die "nginx did not listen"
FP=$(grep -o 'fingerprint: SHA256:[A-Za-z0-9+/=]*' "$WORK/logs/node.log" | head -1 | cut -d' ' -f2)

# agent NAME EXTRA_TUNNELS: an agent with one member of group "grp" (+ EXTRA_TUNNELS), all to the nginx origin
agent() {
  cat >"$WORK/$1.toml" <<TOML
serverAddr = "127.0.0.1"
serverPort = $NODE_BIND
token = "$TOKEN"
[tls]
fingerprint = "$FP"
[[tunnels]]
name = "grp-$1"
type = "http"
localPort = $ORIGIN
subdomain = "grp"
group = "grp"
groupKey = "bench-group-key"
$2
TOML
  # shellcheck disable=SC2086
  start_bg "$1" "$JAVA" $JVM_OPTS -jar "$FLUXCTL_JAR" up -c "$WORK/$1.toml"
}
agent a '[[tunnels]]
name = "single"
type = "http"
localPort = '"$ORIGIN"'
subdomain = "single"'
# the second member joins once the first founded the group
for _ in $(seq 1 60); do grep -q '\[grp-a\] tunnel ready' "$WORK/logs/node.log" && break; sleep 0.5; done
agent b ''
for _ in $(seq 1 60); do grep -q '\[grp-b\] tunnel ready' "$WORK/logs/node.log" && break; sleep 0.5; done
grep -q '\[grp-b\] tunnel ready' "$WORK/logs/node.log" || die "the group did not form; see $WORK/logs"

URL="http://127.0.0.1:$NODE_VHOST/100b.txt"
# check both members answer before measuring
for host in single grp; do
  code=$(curl -s -o /dev/null -w '%{http_code}' -H "Host: $host.bench.test" "$URL")
  [[ $code == 200 ]] || die "$host.bench.test answered $code"
done
log "warm-up ${DUR}s each"
for host in single grp; do wrk -t2 -c"$CONNS" -d"${DUR}s" -H "Host: $host.bench.test" "$URL" >/dev/null 2>&1; done

# one HOST ROUND: a RESULT line with req/s, p50 and p99 (µs), errors and non-2xx
one() {
  local out rps p50 p99 errs non2xx
  out=$(wrk -t2 -c"$CONNS" -d"${DUR}s" --latency -H "Host: $1.bench.test" "$URL" 2>&1)
  echo "$out" >>"$RAW"
  rps=$(awk '/^Requests\/sec:/{print $2}' <<<"$out")
  p50=$(awk '$1=="50%"{print $2}' <<<"$out")
  p99=$(awk '$1=="99%"{print $2}' <<<"$out")
  errs=$(awk '/Socket errors/{print}' <<<"$out")
  non2xx=$(awk '/Non-2xx/{print $NF}' <<<"$out")
  echo "RESULT case=$1 round=$2 rps=$rps p50=$p50 p99=$p99 non2xx=${non2xx:-0} ${errs:+errors=\"$errs\"}" | tee -a "$OUT/results.txt"
}
for r in $(seq 1 "$RUNS"); do
  one single "$r"
  one grp "$r"
done
awk '/^RESULT/{for(i=2;i<=NF;i++){split($i,kv,"="); v[kv[1]]=kv[2]} if(v["case"]=="single") s[v["round"]]=v["rps"]; else g[v["round"]]=v["rps"]}
  END{for(r in s) printf "round %s: group/single = %.2f\n", r, g[r]/s[r]}' "$OUT/results.txt" | sort | tee -a "$OUT/results.txt"
log "results in $OUT"
