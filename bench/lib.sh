# Sourced by the benchmark scripts (bench/*.sh, bench/h2/*.sh): the JVM and its flags, a temporary directory $lib
# holding the runtime class path of cli (every module) plus the examples, bench and cli jars, a self-signed ECDSA
# P-256 certificate for localhost in $lib/cert.pem and $lib/key.pem, servers started with `serve` killed on exit,
# and /tmp/bench.lock held for the whole sitting (other benchmarks wait; builds do not take it).
# Run from the repository root after `mvn -B -q install -DskipTests`; MVN_FLAGS goes to the mvn call.
J=${JAVA:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}
FLAGS="-Xms512m -Xmx512m -XX:+UseParallelGC --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow"
JSW="--add-opens java.base/java.lang=ALL-UNNAMED -Djdk.trackAllThreads=false"
lib=$(mktemp -d "/tmp/${BENCH_NAME:-bench}.XXXX")
pids=()
trap 'for p in "${pids[@]}"; do kill -- -"$p" 2>/dev/null || true; done; rm -rf "$lib"' EXIT
mvn ${MVN_FLAGS:-} -B -q -o -f cli/pom.xml dependency:build-classpath -DincludeScope=runtime -Dmdep.outputFile="$lib/cp.txt"
tr ':' '\n' <"$lib/cp.txt" | xargs -I{} cp {} "$lib/"
cp examples/target/jswoole-examples-*.jar bench/target/jswoole-bench-*.jar cli/target/jswoole-cli-*.jar "$lib/"
rm -f "$lib"/*-sources.jar "$lib"/*-javadoc.jar "$lib"/jswoole-bench-*-shaded.jar
CP="$lib/*"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj /CN=localhost \
  -addext subjectAltName=DNS:localhost,IP:127.0.0.1 -keyout "$lib/key.pem" -out "$lib/cert.pem" 2>/dev/null
exec 9>/tmp/bench.lock; flock 9
# serve LOGNAME COMMAND...: starts a server on CPU 0 in its own session (killed on exit), output in $lib/LOGNAME.log
serve() {
  local name=$1; shift
  setsid taskset -c 0 "$@" >"$lib/$name.log" 2>&1 9>&- &
  pids+=($!)
}
# await PORT...: waits until each port accepts a connection (60 s at most each)
await() {
  local p i
  for p in "$@"; do
    for i in $(seq 1 300); do (exec 3<>/dev/tcp/127.0.0.1/"$p") 2>/dev/null && break; sleep 0.2; done
  done
}
