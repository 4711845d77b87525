package io.jswoole.cluster;

import java.util.List;

/**
 * {@code incr} per second on the cluster table beside the local {@link io.jswoole.memory.Table}, in the same node
 * JVM and the same sitting: redis-server pinned to core 0, the node (BASE) pinned to core 1; one caller, then 16
 * callers (virtual threads) at once. Run under {@code flock /tmp/bench.lock} (BENCHMARKS.md).
 * <p>Arguments: {@code [operations]} (default 10000 on the cluster table; the local table does 100x as many).
 */
public final class ClusterTableBench {
    private ClusterTableBench() {
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        RedisServer redis = new RedisServer();
        redis.beforeAll(null);
        new ProcessBuilder("taskset", "-pc", "0", Long.toString(redis.pid())).start().waitFor();
        try (Node a = Node.start(List.of("taskset", "-c", "1"), "BASE", "a", redis.url(), 5);
             WsClient c = new WsClient(a.port)) {
            c.ask("tcreate");
            c.ask("tbench " + n / 5 + " 1"); // warm-up
            c.ask("lbench " + n * 20 + " 1");
            for (int threads : new int[] {1, 16}) {
                double cluster = n / (Long.parseLong(c.ask("tbench " + n + " " + threads)) / 1e9);
                double local = n * 100 / (Long.parseLong(c.ask("lbench " + n * 100 + " " + threads)) / 1e9);
                System.out.printf("%2d caller(s): cluster table incr %,10.0f ops/s   local Table incr %,12.0f ops/s"
                        + "   local/cluster %.0fx%n", threads, cluster, local, local / cluster);
            }
        } finally {
            redis.stop();
        }
    }
}
