#!/usr/bin/env bash
# Side-by-side TCP echo benchmark: the server on CPU 0, the load generator (./jswoole bench) on CPU 1.
# usage: [CONNS=64] [SIZE=64] [WARM=10] [DUR=5] [FRAMED=1] [LOAD=ws] bench/echo.sh NAME PORT -- SERVER COMMAND...
# Prints each run and "NAME median_msgs_per_s=... rss_kb=...". Holds /tmp/bench.lock like ../shared/peers.
set -u
name=$1 port=$2; shift 3
cd "$(dirname "$0")/.."
exec 9>/tmp/bench.lock; flock 9
setsid taskset -c 0 "$@" >/tmp/echo-$name.log 2>&1 9>&- &
pid=$!
for i in $(seq 1 150); do (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null && break; sleep 0.2; done
out=$(taskset -c 1 ./jswoole bench ${LOAD:-} --port "$port" --conns "${CONNS:-64}" --size "${SIZE:-64}" \
      --seconds "${DUR:-5}" --warmup "${WARM:-10}" --runs 3 ${FRAMED:+--framed} 2>&1)
rss=$(ps -o rss= -g $pid 2>/dev/null | awk '{s+=$1} END{print s+0}')
kill -- -$pid 2>/dev/null; wait $pid 2>/dev/null
echo "$out" | grep '^run' | sed "s/^/[$name] /"
echo "$name $(echo "$out" | grep -o 'median_msgs_per_s=[0-9]*') rss_kb=$rss"
