#!/usr/bin/env bash
# Redis-protocol benchmark: the server on CPU 0, redis-benchmark on CPU 1 (as bench/echo.sh and ../shared/peers).
# usage: [N1=200000] [N16=1000000] [TESTS=ping,set,get,incr] bench/redis.sh NAME PORT -- SERVER COMMAND...
# Prints redis-benchmark's -q lines at -P 1 and -P 16 (50 clients), prefixed with NAME, and the server's RSS.
set -u
name=$1 port=$2; shift 3
cd "$(dirname "$0")/.."
exec 9>/tmp/bench.lock; flock 9
setsid taskset -c 0 "$@" >/tmp/redis-bench-$name.log 2>&1 9>&- &
pid=$!
for i in $(seq 1 150); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.2; done
taskset -c 1 redis-benchmark -p "$port" -t "${TESTS:-ping,set,get,incr}" -c 50 -n 50000 -q >/dev/null 2>&1 # warm-up
for p in 1 16; do
  n=${N1:-200000}; [ $p = 16 ] && n=${N16:-1000000}
  taskset -c 1 redis-benchmark -p "$port" -t "${TESTS:-ping,set,get,incr}" -c 50 -n "$n" -P $p -q 2>&1 \
    | tr '\r' '\n' | grep 'requests per second' | sed "s/^/[$name -P $p] /"
done
echo "[$name] rss_kb=$(ps -o rss= -g $pid 2>/dev/null | awk '{s+=$1} END{print s+0}')"
kill -- -$pid 2>/dev/null; wait $pid 2>/dev/null
