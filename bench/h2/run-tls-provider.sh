#!/usr/bin/env bash
# The TLS provider rows of BENCHMARKS.md (issue 19): jswoole's http2-hello twice in one sitting, once with the JDK
# provider forced (-Djswoole.ssl_provider=jdk) and once on BoringSSL (netty-tcnative, the default when it loads),
# both BASE with one worker, pinned to CPU 0; the load on CPU 1. Per round and provider, in turn:
#  - full TLS 1.3 handshakes per second: openssl s_time -new (one sequential client, no resumption);
#  - new connections: h2load -c 200 -n 200 (each connection handshakes, sends one request, ends);
#  - bulk h2 over TLS: h2load -c 16 -m 32 -D DUR on 16 connections made once;
#  - bulk HTTP/1.1 over TLS: h2load --h1 -c 16 -D DUR (one request at a time per connection).
# WARM seconds of warm-up per provider, ROUNDS rounds. Run from the repository root after
# `mvn -B -q install -DskipTests` (examples, bench and cli packaged); MVN_FLAGS goes to the mvn call.
set -eu
WARM=${WARM:-15} DUR=${DUR:-6} ROUNDS=${ROUNDS:-3}
BENCH_NAME=tlsprov-bench . "$(dirname "$0")/../lib.sh"
start() { # provider port
  setsid taskset -c 0 $J $FLAGS $JSW -Djswoole.ssl_provider="$1" -cp "$CP" io.jswoole.examples.Http2Hello --port "$2" \
    --set worker_num=1 --set log_level=2 --set ssl_cert_file="$lib/cert.pem" --set ssl_key_file="$lib/key.pem" \
    >"$lib/$1.log" 2>&1 9>&- &
  pids+=($!)
  for i in $(seq 1 300); do (exec 3<>/dev/tcp/127.0.0.1/"$2") 2>/dev/null && break; sleep 0.2; done
}
start jdk 9661
start boringssl 9663
grep -h "server started" "$lib"/jdk.log "$lib"/boringssl.log
stime() { # full handshakes per wall-clock second (s_time's own rate divides by its user CPU time only)
  local t0 t1 n
  t0=$(date +%s.%N)
  n=$(taskset -c 1 openssl s_time -connect 127.0.0.1:"$1" -new -time "$2" 2>&1 | grep 'real seconds' | head -1 \
    | awk '{print $1}')
  t1=$(date +%s.%N)
  awk -v n="$n" -v a="$t0" -v b="$t1" 'BEGIN {printf "%d handshakes in %.2f s, %.0f/s", n, b - a, n / (b - a)}'
}
fresh() { taskset -c 1 h2load -c 200 -n 200 "https://127.0.0.1:$1/" 2>&1; }
bulk() { taskset -c 1 h2load -c 16 -m 32 -D "$2" "https://127.0.0.1:$1/" 2>&1; }
h1() { taskset -c 1 h2load --h1 -c 16 -D "$2" "https://127.0.0.1:$1/" 2>&1; }
for p in 9661 9663; do
  bulk $p "$WARM" >/dev/null; h1 $p 5 >/dev/null; stime $p 5 >/dev/null; fresh $p >/dev/null
done
bulk 9663 2 | grep -E 'TLS Protocol|Cipher|Server Temp|Application protocol'
uptime
for r in $(seq 1 "$ROUNDS"); do
  for c in jdk:9661 boringssl:9663; do
    p=${c#*:}
    echo "round $r ${c%%:*} s_time -new: $(stime $p 8)"
    out=$(fresh $p)
    echo "round $r ${c%%:*} h2load -c 200 -n 200 (new connections): $(echo "$out" | grep -oE 'finished in [0-9.]+m?s, [0-9.]+ req/s'), $(echo "$out" | grep -oE '[0-9]+ succeeded, [0-9]+ failed')"
    out=$(bulk $p "$DUR")
    echo "round $r ${c%%:*} h2load -c 16 -m 32: $(echo "$out" | grep -oE '[0-9.]+ req/s'), $(echo "$out" | grep -oE '[0-9]+ succeeded, [0-9]+ failed')"
    out=$(h1 $p "$DUR")
    echo "round $r ${c%%:*} h2load --h1 -c 16: $(echo "$out" | grep -oE '[0-9.]+ req/s'), $(echo "$out" | grep -oE '[0-9]+ succeeded, [0-9]+ failed')"
  done
done
uptime
