#!/usr/bin/env bash
# The HTTP/2 benchmark of BENCHMARKS.md: h2load -c 16 -m 32 against jswoole's http-hello with open_http2_protocol
# (h2c by prior knowledge, BASE mode, one worker) and the raw Netty HTTP/2 peer (bench/NettyHttp2), one after the
# other, each pinned to CPU 0 with h2load on CPU 1, as ../shared/peers/bench-http.sh pins servers and wrk.
# WARM seconds of warm-up (JVMs need ~20 s on one core), then ROUNDS runs of DUR seconds per server, alternating.
# Run from the repository root after `mvn -B -q install -DskipTests` (examples and bench packaged); MVN_FLAGS
# goes to the one mvn call (e.g. -Dmaven.repo.local=...).
set -eu
J=${JAVA:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}
WARM=${WARM:-20} DUR=${DUR:-8} ROUNDS=${ROUNDS:-3}
FLAGS="-Xms512m -Xmx512m -XX:+UseParallelGC --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow"
JSW="--add-opens java.base/java.lang=ALL-UNNAMED -Djdk.trackAllThreads=false"
lib=$(mktemp -d /tmp/h2-bench-lib.XXXX)
trap 'kill -- -$a -$b 2>/dev/null; rm -rf "$lib"' EXIT
mvn ${MVN_FLAGS:-} -B -q -o -f examples/pom.xml dependency:build-classpath -DincludeScope=runtime -Dmdep.outputFile="$lib/cp.txt"
tr ':' '\n' <"$lib/cp.txt" | xargs -I{} cp {} "$lib/"
cp examples/target/jswoole-examples-*.jar bench/target/jswoole-bench-*.jar "$lib/" 2>/dev/null
rm -f "$lib"/*-sources.jar "$lib"/*-javadoc.jar
CP="$lib/*"
exec 9>/tmp/bench.lock; flock 9
setsid taskset -c 0 $J $FLAGS $JSW -cp "$CP" io.jswoole.examples.HttpHello 127.0.0.1 9631 base worker_num=1 \
    log_level=4 open_http2_protocol=true >/tmp/bench-h2-jswoole.log 2>&1 9>&- &
a=$!
setsid taskset -c 0 $J $FLAGS -cp "$CP" io.jswoole.bench.NettyHttp2 --port 9621 >/tmp/bench-h2-netty.log 2>&1 9>&- &
b=$!
for p in 9631 9621; do
  for i in $(seq 1 300); do (exec 3<>/dev/tcp/127.0.0.1/$p) 2>/dev/null && break; sleep 0.2; done
  curl -s --http2-prior-knowledge -o /dev/null -w "port $p: %{http_code} %{http_version}\n" "http://127.0.0.1:$p/"
done
load() { taskset -c 1 h2load -c 16 -m 32 -D "$2" "http://127.0.0.1:$1/" 2>&1; }
# CPU ticks (utime + stime, 1/100 s) the server process has used: CPU per request moves less with the machine's load
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
load 9631 "$WARM" >/dev/null; load 9621 "$WARM" >/dev/null
uptime
for r in $(seq 1 "$ROUNDS"); do
  for s in jswoole:9631:$a netty:9621:$b; do
    IFS=: read -r name port pid <<<"$s"
    t0=$(ticks "$pid")
    out=$(load "$port" "$DUR")
    t1=$(ticks "$pid")
    ok=$(echo "$out" | grep -E '^requests:' | grep -oE '[0-9]+ succeeded' | cut -d' ' -f1)
    rps=$(echo "$out" | grep -oE '[0-9.]+ req/s')
    fail=$(echo "$out" | grep -oE '[0-9]+ failed' | head -1)
    echo "round $r $name: $rps, $ok succeeded, $fail, $(awk -v t=$((t1 - t0)) -v n="$ok" 'BEGIN{printf "%.2f", t * 10000 / n}') us CPU per request"
  done
done
