# shellcheck shell=bash
# Helpers sourced by bench/run.sh: process bookkeeping, CPU accounting, noise control and the load runners.
# Written for this repository after ../shared/bench/common.sh (same ideas, same RESULT line format), with what
# run.sh needs on top: extra wrk arguments (Host header), a probe with a Host header, per-process CPU columns.

: "${WORK:=/tmp/flux-bench}"          # scratch: configs, logs, data dirs (wiped at start)
: "${RUNS:=3}"                        # rounds of every load case (A B C A B C ...)
: "${DUR:=10}"                        # seconds per load run
: "${QUIET_PCT:=15}"                  # start a run when foreign CPU < QUIET_PCT % of all cores ...
: "${QUIET_MAX:=20}"                  # ... or after QUIET_MAX s anyway (the line then says quiet=0)
: "${PY:=/usr/bin/python3}"
BENCH_HOME=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CLK_TCK=$(getconf CLK_TCK)

log() { printf '%s %s\n' "$(date -u +%T)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# ---------- ports ----------
assert_free() {
  local p
  for p in "$@"; do
    ss -Hltn "sport = :$p" 2>/dev/null | grep -q . && die "127.0.0.1:$p is in use; rerun with another PORT_BASE"
  done
  return 0
}
# wait_port PORT [SECONDS]: until something listens on PORT
wait_port() {
  local p=$1 t=${2:-15} i
  for ((i = 0; i < t * 20; i++)); do
    ss -Hltn "sport = :$p" 2>/dev/null | grep -q LISTEN && return 0
    sleep 0.05
  done
  log "nothing listens on $p after ${t}s"; return 1
}
# wait_port_gone PORT [SECONDS]: until nothing listens on PORT
wait_port_gone() {
  local p=$1 t=${2:-15} i
  for ((i = 0; i < t * 20; i++)); do
    ss -Hltn "sport = :$p" 2>/dev/null | grep -q LISTEN || return 0
    sleep 0.05
  done
  log "$p still listening after ${t}s"; return 1
}
# count_listening LO HI: listening sockets with a local port in [LO, HI]
count_listening() { ss -Hltn "( sport >= :$1 and sport <= :$2 )" 2>/dev/null | wc -l; }

# ---------- background processes (only the ones we start; stopped by PID) ----------
declare -a BG_PIDS=()
declare -A BG_PID=()
# start_bg NAME CMD...: run CMD in the background, log to $WORK/logs/NAME.log, remember PID as ${BG_PID[NAME]}
start_bg() {
  local name=$1; shift
  mkdir -p "$WORK/logs"
  "$@" >"$WORK/logs/$name.log" 2>&1 &
  BG_PIDS+=("$!"); BG_PID[$name]=$!
  log "started $name pid=$!"
}
# stop_pid PID: TERM, up to 8 s grace, then KILL
stop_pid() {
  local p=$1 i
  kill -0 "$p" 2>/dev/null || { wait "$p" 2>/dev/null; return 0; }
  kill "$p" 2>/dev/null
  for ((i = 0; i < 80; i++)); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
  kill -0 "$p" 2>/dev/null && kill -9 "$p" 2>/dev/null
  wait "$p" 2>/dev/null
  return 0
}
# stop_bg NAME: stop one process started with start_bg
stop_bg() {
  local name=$1 p=${BG_PID[$1]:-}
  [[ -n $p ]] || return 0
  stop_pid "$p"; unset "BG_PID[$name]"
}
stop_all() {
  local i
  for ((i = ${#BG_PIDS[@]} - 1; i >= 0; i--)); do stop_pid "${BG_PIDS[i]}"; done
  BG_PIDS=(); BG_PID=()
}

# ---------- CPU accounting from /proc ----------
# tree_ticks PID...: utime+stime (+ reaped children) of the given processes and all their live descendants
tree_ticks() {
  local pids
  pids=$(ps -eo pid=,ppid= | awk -v roots="$*" '
    BEGIN { n = split(roots, r, " "); for (i = 1; i <= n; i++) { want[r[i]] = 1 } }
    { parent[$1] = $2 }
    END { do { changed = 0; for (p in parent) if (!(p in want) && (parent[p] in want)) { want[p] = 1; changed = 1 } } while (changed)
          for (p in want) print p }')
  local p total=0 t
  for p in $pids; do
    t=$(awk '{ sub(/^.*\) /, ""); print $12 + $13 + $14 + $15 }' "/proc/$p/stat" 2>/dev/null) || t=0
    total=$((total + ${t:-0}))
  done
  echo "$total"
}
# MEASURE="name:pid name:pid ...": the processes whose CPU a run reports (cpu=<sum> cpu_<name>=..., % of ONE core)
# THREAD_SNAP="pid:FILE ...": also write the CPU per thread of these processes over the same window to FILE
cpu_begin() {
  local spec
  for spec in ${THREAD_SNAP:-}; do thread_ticks "${spec%%:*}" >"${spec#*:}.t0"; done
  _CPU_T0=$(date +%s%N); _CPU_V0=()
  for spec in ${MEASURE:-}; do _CPU_V0+=("$(tree_ticks "${spec#*:}")"); done
}
cpu_end() {
  local t1 secs spec v i=0 sum=0 out=""
  t1=$(date +%s%N); secs=$(awk -v a="$_CPU_T0" -v b="$t1" 'BEGIN{print (b-a)/1e9}')
  for spec in ${THREAD_SNAP:-}; do
    thread_ticks "${spec%%:*}" >"${spec#*:}.t1"
    thread_cpu_diff "${spec#*:}.t0" "${spec#*:}.t1" $(( (t1 - _CPU_T0) / 1000000 )) >"${spec#*:}"
    rm -f "${spec#*:}.t0" "${spec#*:}.t1"
  done
  [[ -n ${MEASURE:-} ]] || return 0
  for spec in $MEASURE; do
    v=$(( $(tree_ticks "${spec#*:}") - _CPU_V0[i] )); i=$((i + 1)); sum=$((sum + v))
    out+=" cpu_${spec%%:*}=$(awk -v v="$v" -v s="$secs" -v hz="$CLK_TCK" 'BEGIN{printf "%.1f", 100*v/hz/s}')"
  done
  printf ' cpu=%s%s' "$(awk -v v="$sum" -v s="$secs" -v hz="$CLK_TCK" 'BEGIN{printf "%.1f", 100*v/hz/s}')" "$out"
}

# thread_ticks PID: "tid ticks name" per thread of a process (utime+stime)
thread_ticks() {
  local t
  for t in /proc/"$1"/task/*; do
    awk -v tid="${t##*/}" '{ n = $0; sub(/^[^(]*\(/, "", n); sub(/\).*$/, "", n); gsub(/ /, "_", n)
                             sub(/^.*\) /, ""); print tid, $12 + $13, n }' "$t/stat" 2>/dev/null
  done
}
# thread_cpu_diff FILE0 FILE1 MILLIS: CPU % of one core per thread name (numbered threads merged), busiest first
thread_cpu_diff() {
  awk -v ms="$3" -v hz="$CLK_TCK" 'NR == FNR { t0[$1] = $2; next }
    { n = $3; gsub(/[0-9]+/, "#", n); d[n] += $2 - t0[$1]; k[n]++ }
    END { for (n in d) if (d[n] > 0) printf "  %6.1f %%  %s (x%d)\n", 100 * d[n] / hz / (ms / 1000), n, k[n] }' "$1" "$2" | sort -rn
}

# ---------- foreign load (the box is shared: builds and tests of other engineers) ----------
KSOFTIRQD=$(ps -eo pid=,comm= | awk '$2 ~ /^ksoftirqd\//{print $1}')
# user+nice+system (irq/softirq time is left out: loopback softirq work we cause is booked there, not to us)
_sys_cpu() { awk '/^cpu /{print $2+$3+$4, $9, $2+$3+$4+$5+$6+$7+$8+$9}' /proc/stat; }  # busy steal total
_own_ticks() {  # this script's process tree (servers, JVMs, load clients) + ksoftirqd (loopback softirq work)
  local t k
  t=$(tree_ticks $$)
  for k in $KSOFTIRQD; do t=$((t + $(awk '{sub(/^.*\) /,""); print $12+$13}' "/proc/$k/stat" 2>/dev/null || echo 0))); done
  echo "$t"
}
noise_begin() { read -r _NB_BUSY _NB_STEAL _NB_TOT < <(_sys_cpu); _NB_OWN=$(_own_ticks); }
noise_end() {  # prints "fg=<foreign CPU % of all cores> steal=<%>"
  local busy steal tot own
  read -r busy steal tot < <(_sys_cpu); own=$(_own_ticks)
  awk -v b0="$_NB_BUSY" -v b1="$busy" -v s0="$_NB_STEAL" -v s1="$steal" -v t0="$_NB_TOT" -v t1="$tot" \
      -v o0="$_NB_OWN" -v o1="$own" 'BEGIN{ dt = t1 - t0; if (dt <= 0) { print "fg=NA steal=NA"; exit }
      f = (b1 - b0) - (o1 - o0); if (f < 0) f = 0; printf "fg=%.1f steal=%.1f", 100*f/dt, 100*(s1-s0)/dt }'
}
# wait_quiet: wait (at most QUIET_MAX s per call, QUIET_BUDGET s per script) until foreign CPU < QUIET_PCT % of all
# cores; sets QUIET=1 if it got quiet, 0 if we ran anyway. Every result line also records fg= measured during the run.
: "${QUIET_BUDGET:=240}"
_QUIET_SPENT=0
wait_quiet() {
  local start=$SECONDS fg max=$QUIET_MAX
  ((_QUIET_SPENT >= QUIET_BUDGET)) && max=1
  while :; do
    noise_begin; sleep 1; fg=$(noise_end); fg=${fg#fg=}; fg=${fg%% *}
    if [[ $fg != NA ]] && awk -v f="$fg" -v q="$QUIET_PCT" 'BEGIN{exit !(f < q)}'; then QUIET=1; break; fi
    if ((SECONDS - start >= max)); then QUIET=0; log "  busy box: fg=$fg% after $((SECONDS - start))s, running anyway"; break; fi
  done
  _QUIET_SPENT=$((_QUIET_SPENT + SECONDS - start))
  return 0
}

# ---------- load runners; each appends one line "KIND LABEL round=N key=value ..." to $RAW ----------
: "${RETRY_FG:=25}"    # a run during which foreign load exceeded RETRY_FG % of all cores is repeated ...
: "${RETRIES:=1}"      # ... up to RETRIES times; the noisy line stays in raw.txt marked discarded=1
emit() { echo "$*" >>"$RAW"; log "  $*"; }
# noisy LINE: true if the line's fg= value is above RETRY_FG
noisy() {
  local fg; fg=$(sed -n 's/.* fg=\([0-9.]*\).*/\1/p' <<<" $1")
  [[ -n $fg ]] && awk -v f="$fg" -v q="$RETRY_FG" 'BEGIN{exit !(f > q)}'
}
# measure KIND LABEL ROUND FUNC ARGS...: FUNC prints the measured key=value part (wait_quiet, noise and CPU accounting
# around it happen here); emits one line, repeating a noisy run up to RETRIES times
measure() {
  local kind=$1 label=$2 round=$3; shift 3
  local attempt line
  for ((attempt = 0; attempt <= RETRIES; attempt++)); do
    wait_quiet; noise_begin; cpu_begin
    line="$kind $label round=$round $("$@")$(cpu_end) $(noise_end) quiet=$QUIET"
    # a failed run (no result): let the script repair what it can (on_failure KIND LABEL), then record it
    [[ $line =~ (gbps|rps)=NA ]] && declare -F on_failure >/dev/null && on_failure "$kind" "$label"
    if ((attempt < RETRIES)) && noisy "$line"; then
      emit "$line discarded=1"; log "  (foreign load above ${RETRY_FG}%: repeating)"; continue
    fi
    emit "$line"; return 0
  done
}

# iperf3_case LABEL ROUND PORT [extra iperf3 args]: one single-stream iperf3 run of DUR s (128 KiB writes)
_iperf3_once() {
  local label=$1 round=$2 port=$3; shift 3
  local js="$WORK/iperf3.json"
  if timeout $((DUR + 20)) iperf3 -c 127.0.0.1 -p "$port" -t "$DUR" -J "$@" >"$js" 2>&1; then
    jq -r '"gbps=\(.end.sum_received.bits_per_second/1e9) retr=\(.end.sum_sent.retransmits // 0)"' "$js"
  else
    echo "gbps=NA error=$(jq -r '.error // "failed"' "$js" 2>/dev/null | tr ' ' '_' | head -c 80)"
    cp "$js" "$WORK/logs/iperf3-failed-$label-$round.json" 2>/dev/null
  fi
}
iperf3_case() { measure tcp "$1" "$2" _iperf3_once "$@"; }

# wrk_case LABEL ROUND URL [extra wrk args]: wrk -t2 -c64 keep-alive for DUR s, Lua reporter prints the RESULT line
_wrk_once() {
  local url=$3 line; shift 3
  line=$(timeout $((DUR + 20)) wrk -t2 -c64 -d"${DUR}s" --timeout 5s -s "$BENCH_HOME/wrk_report.lua" "$@" "$url" 2>&1 | grep '^RESULT')
  line=${line#RESULT }
  echo "${line:-rps=NA error=no_result}"
}
wrk_case() { measure http "$1" "$2" _wrk_once "$@"; }

# probe_case LABEL ROUND PORT HOSTHEADER PATH: one keep-alive connection, serial GETs for DUR s (exact percentiles)
_probe_once() {
  local line
  line=$(timeout $((DUR + 30)) "$PY" "$BENCH_HOME/probe.py" 127.0.0.1 "$3" "$4" "$5" "$DUR" 2>&1 | grep '^RESULT')
  line=${line#RESULT }
  echo "${line:-rps=NA error=no_result}"
}
probe_case() { measure probe "$1" "$2" _probe_once "$@"; }

# start_ssh_r WORKDIR SSHD_PORT LISTEN:TARGET...  (all on 127.0.0.1)
# A private sshd (own host key and config, 127.0.0.1 only, key login limited to the given forwards) and one
# `ssh -R` (aes128-gcm, no compression) that forwards each 127.0.0.1:LISTEN on the sshd side to 127.0.0.1:TARGET.
# Starts them with start_bg as "sshd" and "ssh-R"; sets MADE_RUN_SSHD=1 when it had to create /run/sshd.
start_ssh_r() {
  local S="$1/ssh" port=$2 pair opens="" forwards=()
  shift 2
  mkdir -p "$S"; chmod 700 "$S"
  ssh-keygen -q -t ed25519 -N '' -f "$S/host_ed25519" -C bench-host
  ssh-keygen -q -t ed25519 -N '' -f "$S/client_ed25519" -C bench-client
  for pair in "$@"; do
    opens+="permitopen=\"127.0.0.1:${pair#*:}\",permitlisten=\"127.0.0.1:${pair%%:*}\","
    forwards+=(-R "127.0.0.1:${pair%%:*}:127.0.0.1:${pair#*:}")
  done
  echo "from=\"127.0.0.1\",${opens}no-pty,no-agent-forwarding,no-X11-forwarding $(cat "$S/client_ed25519.pub")" \
    >"$S/authorized_keys"
  cat >"$S/sshd_config" <<CFG
Port $port
ListenAddress 127.0.0.1
HostKey $S/host_ed25519
PidFile $S/sshd.pid
AuthorizedKeysFile $S/authorized_keys
AllowUsers root@127.0.0.1
PermitRootLogin prohibit-password
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
AllowTcpForwarding yes
GatewayPorts no
X11Forwarding no
PrintMotd no
LogLevel ERROR
CFG
  [[ -d /run/sshd ]] || { mkdir -p /run/sshd; chmod 755 /run/sshd; MADE_RUN_SSHD=1; }
  /usr/sbin/sshd -t -f "$S/sshd_config" || die "sshd config rejected"
  start_bg sshd /usr/sbin/sshd -D -e -f "$S/sshd_config"
  wait_port "$port" || die "sshd did not start"
  start_bg ssh-R ssh -F /dev/null -i "$S/client_ed25519" -p "$port" -o BatchMode=yes -o StrictHostKeyChecking=no \
    -o UserKnownHostsFile="$S/known_hosts" -o ExitOnForwardFailure=yes -o Compression=no \
    -c aes128-gcm@openssh.com -N "${forwards[@]}" root@127.0.0.1
}

# ---------- origins ----------
# nginx_conf NAME WORKERS HTTP_BLOCK_TEXT: a private nginx (foreground, own prefix)
nginx_conf() {
  local d="$WORK/nginx-$1"; mkdir -p "$d/tmp"
  cat >"$d/nginx.conf" <<NGX
worker_processes $2;
daemon off;
pid $d/nginx.pid;
error_log $d/error.log warn;
events { worker_connections 8192; multi_accept on; }
http {
  access_log off;
  sendfile on; tcp_nopush on; tcp_nodelay on;
  keepalive_timeout 65; keepalive_requests 100000000;
  client_body_temp_path $d/tmp/body; proxy_temp_path $d/tmp/proxy; fastcgi_temp_path $d/tmp/fcgi;
  uwsgi_temp_path $d/tmp/uwsgi; scgi_temp_path $d/tmp/scgi;
  default_type text/plain;
  $3
}
NGX
  echo "$d"
}
