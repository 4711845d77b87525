#!/usr/bin/env bash
# Pipelined http-hello with metrics on (admin_server, /metrics scraped every second, the dashboard's sampler running)
# against metrics off, both up at once, in one sitting: http/bench/cpu-pairs.sh's method (both servers on CPU 0, wrk
# on CPU 1, PIPELINE=16 CONNS=256, medians of N pairs of 5 s runs). The scraper is a curl loop outside the server's
# process group: its own CPU is not counted, the server's work to answer it is.
# SWAP=1 runs metrics off first in each pair (A) and on second (B), to see whether the order matters.
# usage: [SWAP=1] metrics/bench/metrics-pairs.sh [base|thread|process] [N]   (after mvn install)
set -uf
mode=${1:-base} n=${2:-6}
root=$(cd "$(dirname "$0")/../.." && pwd)
J=${JAVA:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}
CP="$root/cli/target/jswoole-cli-0.1.0-SNAPSHOT.jar:$(cat "$root/cli/target/classpath.txt")"
JSW="--add-opens java.base/java.lang=ALL-UNNAMED --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow -Djdk.trackAllThreads=false"
ARGS="worker_num=1 reactor_num=1 log_level=4"
(while sleep 1; do curl -s -o /dev/null -m 1 -H 'Accept: application/openmetrics-text; version=1.0.0' \
    http://127.0.0.1:9799/metrics; done) &
scraper=$!
trap 'kill $scraper 2>/dev/null' EXIT
ON="$J $JSW -cp $CP io.jswoole.examples.HttpHello 127.0.0.1 9711 $mode $ARGS admin_server=127.0.0.1:9799"
OFF="$J $JSW -cp $CP io.jswoole.examples.HttpHello 127.0.0.1 9712 $mode $ARGS"
if [ "${SWAP:-}" = 1 ]; then
  CMD_A=$OFF CMD_B=$ON "$root/http/bench/cpu-pairs.sh" "metrics-off-$mode" 9712 "metrics-on-$mode" 9711 "$n"
else
  CMD_A=$ON CMD_B=$OFF "$root/http/bench/cpu-pairs.sh" "metrics-on-$mode" 9711 "metrics-off-$mode" 9712 "$n"
fi
