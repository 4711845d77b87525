#!/usr/bin/env bash
# CPU time per request of two HTTP servers measured in alternating runs while both are up: on a machine whose
# speed drifts (a VM sharing its host), runs taken seconds apart compare better than runs taken minutes apart.
# Both servers on CPU 0 (the idle one costs nothing), wrk on CPU 1, PIPELINE=16 CONNS=256; each warmed with two
# runs, then N pairs of 5 s runs (A then B); prints each pair (CPU us per request, thousands of requests/s) and
# the medians with their ratio. A run that got a non-2xx answer is reported.
# PLAIN=1: plain keep-alive runs instead (CONNS=64, one request per write), each pair also giving wrk's p99.
# usage: CMD_A="..." CMD_B="..." [PLAIN=1] cpu-pairs.sh NAME_A PORT_A NAME_B PORT_B [N]
set -uf  # -f: the commands are split into words, never globbed (a classpath may end in /*)
nameA=$1 portA=$2 nameB=$3 portB=$4 n=${5:-6}
lua=$(cd "$(dirname "$0")" && pwd)/pipeline16.lua
export _JAVA_SR_SIGNUM=39
exec 9>/tmp/bench.lock; flock 9
setsid taskset -c 0 $CMD_A >/tmp/cpu-pairs-$nameA.log 2>&1 9>&- &
pidA=$!
setsid taskset -c 0 $CMD_B >/tmp/cpu-pairs-$nameB.log 2>&1 9>&- &
pidB=$!
for p in $portA $portB; do
  for i in $(seq 1 200); do (exec 3<>/dev/tcp/127.0.0.1/$p) 2>/dev/null && break; sleep 0.2; done
  if ! (exec 3<>/dev/tcp/127.0.0.1/$p) 2>/dev/null; then
    echo "nothing listens on port $p (see /tmp/cpu-pairs-*.log)" >&2
    kill -- -$pidA -$pidB 2>/dev/null
    exit 1
  fi
done
ticks() { local s=0 p; for p in $(pgrep -g $1); do set -- $(cut -d' ' -f14,15 /proc/$p/stat 2>/dev/null); s=$((s + ${1:-0} + ${2:-0})); done; echo $s; }
run() { # PID PORT: prints "cpu_us_per_request k_requests_per_s", then wrk's p99 with PLAIN=1
  local t0 t1 out
  t0=$(ticks $1)
  if [ "${PLAIN:-}" = 1 ]; then
    out=$(taskset -c 1 wrk -t1 -c64 -d5s --latency "http://127.0.0.1:$2/" 2>&1)
  else
    out=$(taskset -c 1 wrk -t1 -c256 -d5s -s "$lua" "http://127.0.0.1:$2/" 2>&1)
  fi
  t1=$(ticks $1)
  echo "$out" | grep -q Non-2xx && echo "port $2: non-2xx answers" >&2
  echo "$out" | awk -v d=$((t1 - t0)) -v hz="$(getconf CLK_TCK)" -v plain="${PLAIN:-}" \
      '/requests in/{n=$1} /Requests\/sec/{r=$2} $1=="99%"{p=$2}
       END{printf "%.2f %d%s\n", d * 1e6 / hz / n, r / 1000, plain == "1" ? " " p : ""}'
}
for w in 1 2; do run $pidA $portA >/dev/null; run $pidB $portB >/dev/null; done
a=() b=()
for i in $(seq 1 "$n"); do
  read -r ca ka pa <<<"$(run $pidA $portA)"
  read -r cb kb pb <<<"$(run $pidB $portB)"
  a+=("$ca") b+=("$cb")
  echo "pair $i: $nameA $ca us/req (${ka}k/s${pa:+, p99 $pa})  $nameB $cb us/req (${kb}k/s${pb:+, p99 $pb})"
done
kill -- -$pidA -$pidB 2>/dev/null
wait $pidA $pidB 2>/dev/null
med() { printf "%s\n" "$@" | sort -n | awk '{v[NR]=$1} END{print (NR%2) ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2}'; }
ma=$(med "${a[@]}") mb=$(med "${b[@]}")
echo "median $nameA $ma us/req, $nameB $mb us/req; $nameA / $nameB = $(awk -v a="$ma" -v b="$mb" 'BEGIN{printf "%.2f", a / b}')"
