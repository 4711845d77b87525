package io.jswoole.cluster;

import java.util.List;
import org.HdrHistogram.Histogram;

/**
 * Cross-node push latency beside a local push, on loopback: two nodes (BASE, 2 workers) pinned to core 0 with
 * redis-server, this load pinned to core 1 (run it under {@code taskset -c 1} and {@code flock /tmp/bench.lock}, see
 * BENCHMARKS.md). One WebSocket client asks node a to push to a client on node b (through Redis) or to another
 * client on node a (the local path); the time is from the command's send to the pushed message's arrival.
 * <p>Arguments: {@code [iterations]} (default 5000, after 1000 warm-up rounds).
 */
public final class PushLatencyBench {
    private PushLatencyBench() {
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 5000;
        RedisServer redis = new RedisServer();
        redis.beforeAll(null);
        new ProcessBuilder("taskset", "-pc", "0", Long.toString(redis.pid())).start().waitFor(); // with the nodes
        List<String> core0 = List.of("taskset", "-c", "0");
        try (Node a = Node.start(core0, "BASE", "a", redis.url(), 5);
             Node b = Node.start(core0, "BASE", "b", redis.url(), 5);
             WsClient sender = new WsClient(a.port); WsClient local = new WsClient(a.port);
             WsClient remote = new WsClient(b.port)) {
            String localId = local.ask("id");
            String remoteId = remote.ask("id");
            Histogram lh = run(sender, local, localId, 1000, n);
            Histogram rh = run(sender, remote, remoteId, 1000, n);
            System.out.printf("local push  (a -> a)        p50 %.3f ms  p99 %.3f ms  max %.3f ms  (%d pushes)%n",
                    lh.getValueAtPercentile(50) / 1e6, lh.getValueAtPercentile(99) / 1e6, lh.getMaxValue() / 1e6, n);
            System.out.printf("cross-node push (a -> b)    p50 %.3f ms  p99 %.3f ms  max %.3f ms  (%d pushes)%n",
                    rh.getValueAtPercentile(50) / 1e6, rh.getValueAtPercentile(99) / 1e6, rh.getMaxValue() / 1e6, n);
            System.out.printf("ratio cross-node / local    p50 %.2fx  p99 %.2fx%n",
                    (double) rh.getValueAtPercentile(50) / lh.getValueAtPercentile(50),
                    (double) rh.getValueAtPercentile(99) / lh.getValueAtPercentile(99));
        } finally {
            redis.stop();
        }
    }

    private static Histogram run(WsClient sender, WsClient to, String toId, int warmup, int n) throws Exception {
        Histogram h = new Histogram(3_600_000_000_000L, 3);
        for (int i = 0; i < warmup + n; i++) {
            long t0 = System.nanoTime();
            String ok = sender.ask("push " + toId + " m" + i);
            String got = to.next();
            long t = System.nanoTime() - t0;
            if (!"true".equals(ok) || !("m" + i).equals(got)) {
                throw new AssertionError("push " + i + ": " + ok + ", got " + got);
            }
            if (i >= warmup) {
                h.recordValue(t);
            }
        }
        return h;
    }
}
