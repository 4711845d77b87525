#!/usr/bin/env bash
# The HTTP benchmark of BENCHMARKS.md: http-hello in BASE, THREAD and PROCESS mode beside the raw Netty peer, through
# ../shared/peers/bench-http.sh (server on CPU 0, wrk on CPU 1). Run from the repository root after
# `mvn -B -q install -DskipTests -pl core,protocol,server` and `mvn -B -q -f http/pom.xml package -DskipTests`
# (in PROCESS mode the worker JVM inherits the master's CPU: both run on CPU 0);
# build the peers first (see ../shared/peers/README.md).
# CONFIGS="pipe plain" (default both): pipe = PIPELINE=16 CONNS=256, plain = PIPELINE=1 CONNS=64;
# CONFIGS=cpu: CPU microseconds per request under the pipelined load (cpu-per-request.sh);
# CONFIGS=pairs: the same, each mode against the Netty peer in alternating runs with both up (cpu-pairs.sh);
# PLAIN=1 CONFIGS=pairs: those pairs with plain keep-alive runs (CONNS=64, no pipelining), with wrk's p99.
set -eu
root=$(pwd)
peers=${PEERS:-$root/../shared/peers}
J=${JAVA:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}
FLAGS="-Xms512m -Xmx512m -XX:+UseParallelGC --enable-native-access=ALL-UNNAMED"
# jswoole runs with the JVM flags of its launcher (./jswoole): its own scheduler for virtual threads, no JDK registry
# of them (-Djdk.trackAllThreads=false), Netty allowed sun.misc.Unsafe. The peers run as ../shared/peers runs them;
# CONFIGS=pairs also measures the Netty peer given Unsafe, which makes it faster (see BENCHMARKS.md)
JSW="--add-opens java.base/java.lang=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow -Djdk.trackAllThreads=false"
# copy the jars: a concurrent `mvn install` must not replace them under a running server
lib=$(mktemp -d /tmp/http-bench-lib.XXXX)
trap 'rm -rf "$lib"' EXIT
mvn -B -q -o -f http/pom.xml dependency:build-classpath -DincludeScope=runtime -Dmdep.outputFile="$lib/cp.txt"
tr ':' '\n' <"$lib/cp.txt" | xargs -I{} cp {} "$lib/"
cp http/target/jswoole-http-*.jar "$lib/"
CP="$lib/*"
PEER="$peers/netty-server/target/classes:$(cat "$peers/netty-server/target/classpath.txt")"
B=$peers/bench-http.sh
export _JAVA_SR_SIGNUM=39
set +e
if [ "${CONFIGS:-}" = pairs ]; then
  # CPU per request of each mode against the raw Netty peer, both up, alternating 5 s runs (cpu-pairs.sh)
  for mode in base thread process; do
    CMD_A="$J $FLAGS -cp $PEER peers.NettyHello" \
    CMD_B="$J $FLAGS $JSW -cp $CP io.jswoole.examples.HttpHello 127.0.0.1 9611 $mode worker_num=1 reactor_num=1 log_level=4" \
        "$root/http/bench/cpu-pairs.sh" java-netty 9601 "jswoole-$mode" 9611 6
  done
  CMD_A="$J $FLAGS --sun-misc-unsafe-memory-access=allow -cp $PEER peers.NettyHello" \
  CMD_B="$J $FLAGS $JSW -cp $CP io.jswoole.examples.HttpHello 127.0.0.1 9611 base worker_num=1 reactor_num=1 log_level=4" \
      "$root/http/bench/cpu-pairs.sh" java-netty-unsafe 9601 jswoole-base 9611 6
  exit 0
fi
if [ "${CONFIGS:-}" = cpu ]; then
  # CPU per request (http/bench/cpu-per-request.sh): the figure the machine's noise moves least
  C=$root/http/bench/cpu-per-request.sh
  $C java-netty 9601 -- $J $FLAGS -cp "$PEER" peers.NettyHello
  $C jswoole-base 9611 -- $J $FLAGS $JSW -cp "$CP" io.jswoole.examples.HttpHello 127.0.0.1 9611 base worker_num=1 log_level=4
  $C jswoole-thread 9612 -- $J $FLAGS $JSW -cp "$CP" io.jswoole.examples.HttpHello 127.0.0.1 9612 thread \
      worker_num=1 reactor_num=1 log_level=4
  $C jswoole-process 9614 -- $J $FLAGS $JSW -cp "$CP" io.jswoole.examples.HttpHello 127.0.0.1 9614 process \
      worker_num=1 reactor_num=1 log_level=4
  exit 0
fi
for cfg in ${CONFIGS:-pipe plain}; do
  if [ "$cfg" = pipe ]; then export PIPELINE=16 CONNS=256; else export PIPELINE=1 CONNS=64; fi
  uptime
  $B java-netty 9601 / -- $J $FLAGS -cp "$PEER" peers.NettyHello
  $B jswoole-base 9611 / -- $J $FLAGS $JSW -cp "$CP" io.jswoole.examples.HttpHello 127.0.0.1 9611 base \
      worker_num=1 log_level=4
  $B jswoole-thread 9612 / -- $J $FLAGS $JSW -cp "$CP" io.jswoole.examples.HttpHello 127.0.0.1 9612 thread \
      worker_num=1 reactor_num=1 log_level=4
  $B jswoole-process 9614 / -- $J $FLAGS $JSW -cp "$CP" io.jswoole.examples.HttpHello 127.0.0.1 9614 process \
      worker_num=1 reactor_num=1 log_level=4
done
