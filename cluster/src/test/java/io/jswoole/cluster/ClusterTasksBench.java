package io.jswoole.cluster;

import java.util.List;

/**
 * Cluster task throughput beside local task workers, same node JVM, same sitting: redis-server pinned to core 0,
 * the node (BASE, 2 workers, 1 task worker that is also the cluster queue's consumer, 2 tasks at once) to core 1.
 * A worker runs N {@code taskwait} round trips of a task that answers its data: one at a time, then 16 in flight
 * (local: {@code taskWaitMulti} of 16; cluster: 16 virtual threads). Run under {@code flock /tmp/bench.lock}.
 * <p>Arguments: {@code [tasks]} (default 2000).
 */
public final class ClusterTasksBench {
    private ClusterTasksBench() {
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        RedisServer redis = new RedisServer();
        redis.beforeAll(null);
        new ProcessBuilder("taskset", "-pc", "0", Long.toString(redis.pid())).start().waitFor();
        try (Node a = Node.start(List.of("taskset", "-c", "1"), java.util.Map.of("JSWOOLE_TEST_TASKS", "1"), "BASE",
                "a", redis.url(), 5); WsClient c = new WsClient(a.port)) {
            c.ask("cbench 200 1"); // warm-up
            c.ask("lbench-task 2000 1");
            for (int inFlight : new int[] {1, 16}) {
                int cn = inFlight == 1 ? n / 2 : n;
                String cl = c.ask("cbench " + cn + " " + inFlight);
                String lo = c.ask("lbench-task " + n * 5 + " " + inFlight);
                double cluster = cn / (Long.parseLong(cl) / 1e9);
                double local = n * 5 / (Long.parseLong(lo) / 1e9);
                System.out.printf("%2d in flight: cluster taskwait %,8.0f tasks/s   local taskwait %,9.0f tasks/s"
                        + "   local/cluster %.1fx%n", inFlight, cluster, local, local / cluster);
            }
        } finally {
            redis.stop();
        }
    }
}
