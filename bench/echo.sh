#!/usr/bin/env bash
# Side-by-side echo benchmark: the server on CPU 0, the stress tool (./jswoole bench) on CPU 1, each connection
# keeping one message in flight (send, wait for the whole echo, send again).
# usage: [CONNS=64] [SIZE=64] [WARM=10] [DUR=5] [FRAMED=1] [LOAD=ws] bench/echo.sh NAME PORT -- SERVER COMMAND...
#   the unit: long_tcp (raw echo, a reply is complete at SIZE bytes); FRAMED=1: length (a 4-byte big-endian
#   length, open_length_check 'N' offset 4, as the server's settings); LOAD=ws: websocket (masked binary frames).
# Prints each run and "NAME median_msgs_per_s=... rss_kb=...". Holds /tmp/bench.lock like ../shared/peers.
set -u
name=$1 port=$2; shift 3
cd "$(dirname "$0")/.."
exec 9>/tmp/bench.lock; flock 9
setsid taskset -c 0 "$@" >/tmp/echo-$name.log 2>&1 9>&- &
pid=$!
for i in $(seq 1 150); do (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null && break; sleep 0.2; done
unit=(-f long_tcp)
[ -n "${FRAMED:-}" ] && unit=(-f length --set package_length_type=N --set package_body_offset=4)
[ "${LOAD:-}" = ws ] && unit=(-f websocket --path / --set opcode=binary)
load() {
  taskset -c 1 ./jswoole bench "${unit[@]}" -s "tcp://127.0.0.1:$port" -c "${CONNS:-64}" -l "${SIZE:-64}" -d "$1" -q 2>&1
}
load "${WARM:-10}s" >/dev/null
rates=()
for r in 1 2 3; do
  out=$(load "${DUR:-5}s")
  rate=$(echo "$out" | grep '^throughput' | grep -oE '[0-9,]+ req/s' | tr -d ', req/s')
  echo "[$name] run $r: ${rate:-0} msgs/s; $(echo "$out" | grep -E '^(latency|errors)' | tr -s ' ' | tr '\n' ';')"
  rates+=("${rate:-0}")
done
rss=$(ps -o rss= -g $pid 2>/dev/null | awk '{s+=$1} END{print s+0}')
kill -- -$pid 2>/dev/null; wait $pid 2>/dev/null
echo "$name median_msgs_per_s=$(printf '%s\n' "${rates[@]}" | sort -n | sed -n 2p) rss_kb=$rss"
