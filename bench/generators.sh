#!/usr/bin/env bash
# The stress tool beside the native load generators (BENCHMARKS.md, "The stress tool beside wrk, redis-benchmark,
# h2load and ws", issue 21), one sitting: each pair loads the same server, the server pinned to CPU 0 and the
# generator to CPU 1, one generator thread each, alternating within a round:
#  - http:      wrk -t1 -c64 --latency            / ./jswoole bench -f http -c 64        on http-hello (BASE, 1 worker)
#  - redis:     redis-benchmark -t get -P 16 -c 50 / ./jswoole bench -f redis -P 16 -c 50 on redis-server (Debian's)
#  - http2:     h2load -c 16 -m 32                 / ./jswoole bench -f http2 -c 16 -m 32 on the raw Netty h2c peer
#  - h2 (TLS):  the same pair on the Netty peer's h2 over TLS (https:// / tls://; TLSv1.3, ECDSA P-256)
#  - websocket: npm ws (bench/ws/ws-load.mjs), 64 connections, 64 B / ./jswoole bench -f websocket     on the Netty
#               WebSocket echo peer (bench ws-netty-echo)
# Each server is warmed WARM seconds by each generator, then ROUNDS rounds of DUR-second runs (the JVM tool with a
# 3 s --warmup of its own first). Needs wrk, redis-server, redis-benchmark, h2load, node and npm (ws is installed
# into ~/.cache/jswoole/npm by cli/src/test/sh/fetch-node-ws.sh). Run from the repository root after `mvn -B -q install -DskipTests`.
# UNITS picks some of the pairs (default all): UNITS="http2 h2-tls" bench/generators.sh
set -eu
WARM=${WARM:-10} DUR=${DUR:-6} ROUNDS=${ROUNDS:-3} UNITS=${UNITS:-"http redis http2 h2-tls websocket"}
on() { case " $UNITS " in *" $1 "*) return 0 ;; esac; return 1; }
BENCH_NAME=generators . "$(dirname "$0")/lib.sh"
npm_dir=$(cli/src/test/sh/fetch-node-ws.sh | tail -1)
cp "$(dirname "$0")/ws/ws-load.mjs" "$npm_dir/"   # ES modules resolve `ws` beside the script
serve http $J $FLAGS $JSW -cp "$CP" io.jswoole.examples.HttpHello 127.0.0.1 9671 base worker_num=1 log_level=4
serve redis redis-server --port 9672 --save '' --appendonly no
serve h2c $J $FLAGS -cp "$CP" io.jswoole.bench.NettyHttp2 --port 9673
serve h2 $J $FLAGS -cp "$CP" io.jswoole.bench.NettyHttp2 --port 9675 --tls "$lib/cert.pem" "$lib/key.pem"
serve ws $J $FLAGS $JSW -cp "$CP" io.jswoole.cli.Main bench ws-netty-echo --port 9674
await 9671 9672 9673 9674 9675
taskset -c 1 redis-benchmark -p 9672 -t set -r 100000 -n 200000 -P 16 -q >/dev/null   # keys for GET to find
tool() { # unit target seconds extra...
  local unit=$1 target=$2 secs=$3; shift 3
  taskset -c 1 $J $FLAGS $JSW -cp "$CP" io.jswoole.cli.Main bench -f "$unit" -s "$target" \
    -d "${secs}s" --warmup 3s -q "$@" 2>&1
}
wrk_() { taskset -c 1 wrk -t1 -c64 -d"$1"s --latency http://127.0.0.1:9671/ 2>&1; }
rb() { taskset -c 1 redis-benchmark -p 9672 -t get -r 100000 -P 16 -c 50 -n "$1" --csv 2>&1; }
h2l() { taskset -c 1 h2load -c 16 -m 32 -D "$1" "${2:-http://127.0.0.1:9673/}" 2>&1; }
wsl() { taskset -c 1 node "$npm_dir/ws-load.mjs" ws://127.0.0.1:9674/ 64 64 "${2:-3}" "$1" 2>&1; }
ours_http() { tool http tcp://127.0.0.1:9671 "$1" -c 64; }
ours_redis() { tool redis tcp://127.0.0.1:9672 "$1" --command 'GET key:__rand_int__' -r 100000 -P 16 -c 50; }
ours_h2() { tool http2 tcp://127.0.0.1:9673 "$1" -c 16 -m 32; }
ours_h2tls() { tool http2 tls://127.0.0.1:9675 "$1" -c 16 -m 32; }
ours_ws() { tool websocket tcp://127.0.0.1:9674 "$1" --path / -c 64 -l 64 --set opcode=binary; }
# what the JVM tool printed: throughput, latency, generator CPU
ours() { echo "$1" | grep -E '^(requests|throughput|latency|errors|generator)' | sed 's/^/    /'; }
! on http || { wrk_ "$WARM" >/dev/null; ours_http "$WARM" >/dev/null; }
! on redis || { rb 1000000 >/dev/null; ours_redis "$WARM" >/dev/null; }
! on http2 || { h2l "$WARM" >/dev/null; ours_h2 "$WARM" >/dev/null; }
! on h2-tls || { h2l "$WARM" https://127.0.0.1:9675/ >/dev/null; ours_h2tls "$WARM" >/dev/null; }
! on websocket || { wsl "$WARM" >/dev/null; ours_ws "$WARM" >/dev/null; }
uptime
for r in $(seq 1 "$ROUNDS"); do
  if on http; then
    out=$(wrk_ "$DUR")
    echo "round $r http wrk: $(echo "$out" | grep -E 'Requests/sec'); p50 $(echo "$out" | awk '$1=="50%"{print $2}')," \
      "p99 $(echo "$out" | awk '$1=="99%"{print $2}'); $(echo "$out" | grep -E 'requests in|Socket errors|Non-2xx' | tr '\n' ' ')"
    echo "round $r http jswoole-bench:"; ours "$(ours_http "$DUR")"
  fi
  if on redis; then
    out=$(rb 3000000)
    echo "round $r redis redis-benchmark (rps, avg, min, p50, p95, p99, max ms): $(echo "$out" | tail -1)"
    echo "round $r redis jswoole-bench:"; ours "$(ours_redis "$DUR")"
  fi
  for u in http2 h2-tls; do
    on $u || continue
    url=http://127.0.0.1:9673/ gen=ours_h2
    [ $u = h2-tls ] && url=https://127.0.0.1:9675/ gen=ours_h2tls
    out=$(h2l "$DUR" $url)
    echo "round $r $u h2load: $(echo "$out" | grep -oE '[0-9.]+ req/s'), $(echo "$out" | grep -oE '[0-9]+ succeeded, [0-9]+ failed');" \
      "$(echo "$out" | grep -E '^time for request')"
    echo "round $r $u jswoole-bench:"; ours "$($gen "$DUR")"
  done
  if on websocket; then
    echo "round $r websocket npm-ws: $(wsl "$DUR" 1)"
    echo "round $r websocket jswoole-bench:"; ours "$(ours_ws "$DUR")"
  fi
done
uptime
