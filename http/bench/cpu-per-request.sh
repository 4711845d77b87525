#!/usr/bin/env bash
# CPU time per request of an HTTP server under pipelined load: a figure that the machine's noise (other VMs on
# the host) moves less than requests/s. Server on CPU 0 (with its worker JVMs, which inherit the pinning), wrk on
# CPU 1, PIPELINE=16 CONNS=256; WARM seconds of warm-up, then three 5 s runs, each reporting requests/s and the
# CPU microseconds the server's process group used per request (utime + stime from /proc).
# usage: cpu-per-request.sh NAME PORT -- SERVER COMMAND...
set -u
name=$1 port=$2; shift 3
lua=$(cd "$(dirname "$0")" && pwd)/pipeline16.lua
export _JAVA_SR_SIGNUM=39
exec 9>/tmp/bench.lock; flock 9
setsid taskset -c 0 "$@" >/tmp/cpu-$name.log 2>&1 9>&- &
pid=$!
for i in $(seq 1 200); do (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null && break; sleep 0.2; done
taskset -c 1 wrk -t1 -c256 -d${WARM:-20}s -s "$lua" "http://127.0.0.1:$port/" >/dev/null 2>&1
ticks() { local s=0 p; for p in $(pgrep -g $pid); do set -- $(cut -d' ' -f14,15 /proc/$p/stat 2>/dev/null); s=$((s + ${1:-0} + ${2:-0})); done; echo $s; }
hz=$(getconf CLK_TCK)
for r in 1 2 3; do
  t0=$(ticks)
  out=$(taskset -c 1 wrk -t1 -c256 -d5s -s "$lua" "http://127.0.0.1:$port/" 2>&1)
  t1=$(ticks)
  req=$(echo "$out" | awk '/requests in/{print $1}')
  rps=$(echo "$out" | awk '/Requests\/sec/{print $2}')
  echo "$name run $r: rps=$rps cpu_us_per_request=$(awk -v d=$((t1 - t0)) -v n="$req" -v hz="$hz" 'BEGIN{printf "%.2f", d * 1e6 / hz / n}')"
done
kill -- -$pid 2>/dev/null; wait $pid 2>/dev/null
