#!/usr/bin/env bash
# The h2-over-TLS, h2o and bench-tool rows of BENCHMARKS.md (issue 19 and 21), one sitting:
#  - h2 over TLS (ALPN h2, TLSv1.3, ECDSA P-256, JDK provider): jswoole's http2-hello (BASE, one worker), the raw
#    Netty HTTP/2 peer (bench/NettyHttp2 --tls) and Debian's h2o (one thread, a 13-byte static file);
#  - h2c by prior knowledge: the same three (http2-hello's second port, NettyHttp2, h2o's plain listener);
#  - the load generators: ./jswoole bench -f http2 beside h2load, both on the Netty peer's h2c.
# Servers pinned to CPU 0, the load (h2load or the bench tool) to CPU 1, as run-h2load.sh. WARM seconds of warm-up per
# server and protocol, then ROUNDS rounds of DUR-second runs, alternating servers. Run from the repository root
# after `mvn -B -q install -DskipTests` (examples, bench and cli packaged); MVN_FLAGS goes to the mvn calls.
set -eu
WARM=${WARM:-15} DUR=${DUR:-6} ROUNDS=${ROUNDS:-3}
BENCH_NAME=h2tls-bench . "$(dirname "$0")/../lib.sh"
mkdir -p "$lib/www" && printf 'Hello, World!' >"$lib/www/index.html"
# user: root, or h2o (started as root) drops to nobody, who cannot read the mktemp directory
cat >"$lib/h2o.conf" <<CONF
user: root
num-threads: 1
pid-file: $lib/h2o.pid
error-log: $lib/h2o.err
listen:
  host: 127.0.0.1
  port: 9652
listen:
  host: 127.0.0.1
  port: 9653
  ssl:
    certificate-file: $lib/cert.pem
    key-file: $lib/key.pem
    minimum-version: TLSv1.3
hosts:
  default:
    paths:
      /:
        file.dir: $lib/www
CONF
setsid taskset -c 0 $J $FLAGS $JSW -cp "$CP" io.jswoole.examples.Http2Hello --port 9641 --set worker_num=1 \
  --set log_level=4 --set ssl_cert_file="$lib/cert.pem" --set ssl_key_file="$lib/key.pem" >"$lib/jsw.log" 2>&1 9>&- &
pids+=($!)
setsid taskset -c 0 $J $FLAGS -cp "$CP" io.jswoole.bench.NettyHttp2 --port 9621 >"$lib/netty.log" 2>&1 9>&- &
pids+=($!)
setsid taskset -c 0 $J $FLAGS -cp "$CP" io.jswoole.bench.NettyHttp2 --port 9622 --tls "$lib/cert.pem" "$lib/key.pem" \
  >"$lib/netty-tls.log" 2>&1 9>&- &
pids+=($!)
setsid taskset -c 0 h2o -c "$lib/h2o.conf" >"$lib/h2o.log" 2>&1 9>&- &
pids+=($!)
for p in 9641 9642 9621 9622 9652 9653; do
  for i in $(seq 1 300); do (exec 3<>/dev/tcp/127.0.0.1/$p) 2>/dev/null && break; sleep 0.2; done
done
for u in https://127.0.0.1:9641/ http://127.0.0.1:9642/ http://127.0.0.1:9621/ https://127.0.0.1:9622/ \
         http://127.0.0.1:9652/ https://127.0.0.1:9653/; do
  case $u in https*) f=--http2 ;; *) f=--http2-prior-knowledge ;; esac
  curl -sk $f -o /dev/null -w "$u: %{http_code} %{http_version} %{size_download} B\n" "$u"
done
h2l() { taskset -c 1 h2load -c 16 -m 32 -D "$2" "$1" 2>&1; }
gen() { taskset -c 1 $J $FLAGS $JSW -cp "$CP" io.jswoole.cli.Main bench -f http2 -s tcp://127.0.0.1:9621 -c 16 -m 32 \
  -d "${1}s" --warmup 3s -q 2>&1; }
cases="jswoole-h2:https://127.0.0.1:9641/ netty-h2:https://127.0.0.1:9622/ h2o-h2:https://127.0.0.1:9653/
  jswoole-h2c:http://127.0.0.1:9642/ netty-h2c:http://127.0.0.1:9621/ h2o-h2c:http://127.0.0.1:9652/"
for c in $cases; do h2l "${c#*:}" "$WARM" >/dev/null; done
gen "$WARM" >/dev/null
h2l https://127.0.0.1:9622/ 2 | grep -E 'TLS Protocol|Cipher|Server Temp|Application protocol'
uptime
for r in $(seq 1 "$ROUNDS"); do
  for c in $cases; do
    out=$(h2l "${c#*:}" "$DUR")
    echo "round $r ${c%%:*}: $(echo "$out" | grep -oE '[0-9.]+ req/s'), $(echo "$out" | grep -oE '[0-9]+ succeeded, [0-9]+ failed')"
  done
  out=$(gen "$DUR")
  echo "round $r bench-tool-on-netty-h2c: $(echo "$out" | grep -E '^throughput' | grep -oE '[0-9,]+ req/s'), $(echo "$out" | grep -E '^requests')"
  echo "round $r bench-tool latency: $(echo "$out" | grep -E '^latency')"
  out=$(h2l http://127.0.0.1:9621/ "$DUR")
  echo "round $r h2load-on-netty-h2c: $(echo "$out" | grep -oE '[0-9.]+ req/s'); $(echo "$out" | grep -E '^time for request' )"
done
uptime
