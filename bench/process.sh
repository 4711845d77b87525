#!/usr/bin/env bash
# Issue 20's figures (BENCHMARKS.md, "Processes"): child JVM start to first message with and without the AppCDS
# archive, ProcessBuilder /bin/true, pipe round trips parent to child, 500 concurrent exec (coroutines, threads).
# usage: bench/process.sh [ROUNDS]   (after ./jswoole has built once: it runs on cli's class path, jars only,
# so child JVMs get their class-data archive)
set -eu
cd "$(dirname "$0")/.."
rounds=${1:-6}
java=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java
cp="$(ls cli/target/jswoole-cli-*.jar | grep -v -e '-sources\.jar$' -e '-javadoc\.jar$' | head -1):$(cat cli/target/classpath.txt)"
flags=(--add-opens java.base/java.lang=ALL-UNNAMED --enable-native-access=ALL-UNNAMED -XX:+UseSerialGC
  --sun-misc-unsafe-memory-access=allow -Djdk.trackAllThreads=false)
echo "== with the AppCDS archive (the first start writes it)"
"$java" "${flags[@]}" -cp "$cp" io.jswoole.bench.process.ProcessBench start "$rounds"
echo "== without it (-Xshare:auto on the command line: the JDK's default CDS, no archive of ours)"
"$java" "${flags[@]}" -Xshare:auto -cp "$cp" io.jswoole.bench.process.ProcessBench start "$rounds"
echo "== the rest"
"$java" "${flags[@]}" -cp "$cp" io.jswoole.bench.process.ProcessBench true "$rounds"
"$java" "${flags[@]}" -cp "$cp" io.jswoole.bench.process.ProcessBench pipe "$rounds"
"$java" "${flags[@]}" -cp "$cp" io.jswoole.bench.process.ProcessBench exec "$rounds"
echo "== beside: PROCESS mode's IPC, sequential taskwait round trips (worker JVM -> master -> task worker JVM and back)"
_JAVA_SR_SIGNUM=39 "$java" "${flags[@]}" -cp "$cp" io.jswoole.cli.Main bench task --mode process --coroutines 1 --seconds 3
echo "== Event: echo round trips with the server side in the loop, beside a coroutine blocking on the socket"
"$java" "${flags[@]}" -cp "$cp" io.jswoole.bench.process.ProcessBench event "$rounds"
