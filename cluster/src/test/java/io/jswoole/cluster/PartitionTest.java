package io.jswoole.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A network partition between a node and Redis, not a Redis restart: node a runs in its own network namespace
 * ({@link Netns}), its link to Redis is taken down (packets dropped, no reset) while its clients still reach it.
 * The other node drops a when its heartbeat expires (queries skip it at once, its rooms and uids leave), a keeps
 * serving its own connections and its cluster calls fail within the command timeout; when the link comes back a
 * beats again, finds itself reaped, and gives its open connections their rooms and uids back.
 */
class PartitionTest {
    @Test
    void aNodeCutOffFromRedisIsSkippedThenRejoinsWithItsRoomsWhenThePartitionHeals() throws Exception {
        try (Netns ns = Netns.create()) {
            RedisServer redis = new RedisServer(false, List.of(ns.redisAddress()));
            redis.beforeAll(null);
            String viaNs = "redis://" + ns.redisAddress() + ":" + redis.port();
            try (Node a = Node.start(ns.exec(), Map.of("JSWOOLE_TEST_HOST", "0.0.0.0"), "BASE", "a", viaNs, 2);
                 Node b = Node.start("BASE", "b", redis.url(), 2);
                 WsClient onA = new WsClient(ns.nodeAddress(), a.port); WsClient onB = new WsClient(b.port)) {
                String idA = onA.ask("id");
                String idB = onB.ask("id");
                assertThat(onA.ask("join p")).isEqualTo("true");
                assertThat(onB.ask("join p")).isEqualTo("true");
                assertThat(onA.ask("bind 42")).isEqualTo("true");
                assertThat(onB.ask("nodes")).isEqualTo("a,b");

                ns.cut();
                long cut = System.nanoTime();
                // a's heartbeat is still alive: the push is in a's stream, delivered when the partition heals
                assertThat(onB.ask("push " + idA + " during")).isEqualTo("true");
                long end = cut + 8_000_000_000L;
                while (!onB.ask("nodes").equals("b") && System.nanoTime() < end) {
                    Thread.sleep(100);
                }
                assertThat(onB.ask("nodes")).as("b drops a once its heartbeat (2 s) expires").isEqualTo("b");
                assertThat((System.nanoTime() - cut) / 1_000_000).as("ms until b dropped a").isLessThan(5_000);
                waitFor(() -> !redis.cli("SMEMBERS", "jswoole:cluster:room:p").contains("a#"), 3_000); // b reaped a
                assertThat(onB.ask("members p")).isEqualTo(idB);

                long t0 = System.nanoTime(); // queries skip a: no waiting for it
                assertThat(onB.ask("exists " + idA)).isEqualTo("false");
                assertThat(onB.ask("info " + idA)).isEqualTo("none");
                assertThat(onB.ask("list")).isEqualTo(idB);
                assertThat(onB.ask("locate 42")).isEqualTo("none");
                assertThat(onB.ask("push " + idA + " lost")).as("a's heartbeat expired").isEqualTo("false");
                assertThat(onB.ask("bcast p to-b-only")).isEqualTo("1");
                assertThat(onB.next()).isEqualTo("to-b-only");
                assertThat((System.nanoTime() - t0) / 1_000_000).as("ms for six calls skipping a").isLessThan(1_000);

                // a serves its own connections; its cluster calls fail within the command timeout (2 s)
                assertThat(onA.ask("push " + idA + " local")).isEqualTo("true");
                assertThat(onA.next()).isEqualTo("local");
                for (String call : List.of("exists " + idB, "join q", "bcast p from-a")) {
                    long t = System.nanoTime();
                    assertThat(onA.ask(call)).as(call).isIn("false", "0");
                    assertThat((System.nanoTime() - t) / 1_000_000).as("ms for " + call).isLessThan(3_000);
                }
                assertThat(a.output.stream().filter(l -> l.contains("lost cluster_redis")).count())
                        .as(String.join("\n", a.output)).isEqualTo(1);

                ns.heal();
                long healed = System.nanoTime();
                assertThat(onA.pushed.poll(15, java.util.concurrent.TimeUnit.SECONDS)).as("sent while a was alive")
                        .isEqualTo("during");
                waitFor(() -> onB.ask("nodes").equals("a,b"), 15_000);
                waitFor(() -> onB.ask("members p").equals(idA + "," + idB), 5_000);
                System.out.println("PartitionTest: a rejoined " + (System.nanoTime() - healed) / 1_000_000
                        + " ms after the partition healed");
                assertThat(a.logged("is listed again")).as(String.join("\n", a.output)).isTrue();
                assertThat(a.logged("restored the rooms and uids of 1 connections")).isTrue();
                assertThat(onB.ask("locate 42")).isEqualTo(idA);
                assertThat(onB.ask("exists " + idA)).isEqualTo("true");
                assertThat(onB.ask("bcast p back")).isEqualTo("2");
                assertThat(onB.next()).isEqualTo("back");
                assertThat(nextNot(onA, "from-a")).isEqualTo("back");
                assertThat(onB.ask("push " + idA + " direct")).isEqualTo("true");
                assertThat(onA.next()).isEqualTo("direct");
                waitFor(() -> onA.ask("exists " + idB).equals("true"), 5_000);
                a.output.stream().filter(l -> l.contains("cluster:")).forEach(l -> System.out.println("a: " + l));
            } finally {
                redis.stop();
            }
        }
    }

    /** The next message pushed to {@code c} that is not {@code skip} (a broadcast of a's own the test ignores). */
    private static String nextNot(WsClient c, String skip) throws InterruptedException {
        String m = c.next();
        while (skip.equals(m)) {
            m = c.next();
        }
        return m;
    }

    interface Check {
        boolean ok() throws Exception;
    }

    static void waitFor(Check condition, long millis) throws Exception {
        long end = System.nanoTime() + millis * 1_000_000;
        while (!condition.ok()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("not within " + millis + " ms");
            }
            Thread.sleep(100);
        }
    }
}
