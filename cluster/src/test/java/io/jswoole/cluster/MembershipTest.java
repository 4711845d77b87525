package io.jswoole.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Membership that never waits for the dead: a node killed with -9 leaves the registry within its heartbeat TTL,
 * queries across nodes answer at once without it, and it rejoins when it comes back. Redis down at start: a clear
 * error, local traffic served, and the node joins once Redis is there.
 */
class MembershipTest {
    @RegisterExtension
    static final RedisServer REDIS = new RedisServer();

    @Test
    void aNodeKilledWithMinus9LeavesTheRegistryWithinTheTtlAndComesBack() throws Exception {
        try (Node a = Node.start("BASE", "a", REDIS.url(), 2); Node b = Node.start("PROCESS", "b", REDIS.url(), 2)) {
            Node c = Node.start("BASE", "c", REDIS.url(), 2);
            try (WsClient onA = new WsClient(a.port); WsClient onB = new WsClient(b.port);
                 WsClient onC = new WsClient(c.port)) {
                for (WsClient cl : List.of(onA, onB, onC)) {
                    assertThat(cl.ask("join lobby")).isEqualTo("true");
                }
                String idC = onC.ask("id");
                assertThat(onC.ask("bind 99")).isEqualTo("true");
                assertThat(onA.ask("nodes")).isEqualTo("a,b,c");
                assertThat(REDIS.cli("SMEMBERS", "jswoole:cluster:room:lobby")).contains(idC);

                c.kill9();
                long killed = System.nanoTime();
                // within the TTL (2 s) plus a heartbeat period, the survivors drop c and clean what it held
                long end = killed + 4_000_000_000L;
                while (!onA.ask("nodes").equals("a,b") && System.nanoTime() < end) {
                    Thread.sleep(50);
                }
                assertThat(onA.ask("nodes")).isEqualTo("a,b");
                assertThat((System.nanoTime() - killed) / 1_000_000).as("ms until c left").isLessThan(3_500);
                while (REDIS.cli("SMEMBERS", "jswoole:cluster:room:lobby").contains("c#")
                        && System.nanoTime() < end + 2_000_000_000L) {
                    Thread.sleep(50);
                }
                assertThat(REDIS.cli("SMEMBERS", "jswoole:cluster:room:lobby")).doesNotContain("c#");
                assertThat(REDIS.cli("HGET", "jswoole:cluster:uid", "99").strip()).isEmpty();
                assertThat(REDIS.cli("SMEMBERS", "jswoole:cluster:nodes")).doesNotContain("c");

                // queries answer at once, without waiting for the dead node
                long t0 = System.nanoTime();
                assertThat(onB.ask("exists " + idC)).isEqualTo("false");
                assertThat(onB.ask("info " + idC)).isEqualTo("none");
                assertThat(onB.ask("list")).doesNotContain("c#");
                assertThat(onA.ask("members lobby").split(",")).hasSize(2);
                assertThat(onA.ask("bcast lobby still here")).isEqualTo("2");
                assertThat(onA.ask("push " + idC + " lost")).isEqualTo("false");
                assertThat((System.nanoTime() - t0) / 1_000_000).as("ms for six cross-node calls").isLessThan(500);
            }

            // c comes back under the same id: it rejoins, starting clean
            try (Node c2 = Node.start("BASE", "c", REDIS.url(), 2); WsClient onA = new WsClient(a.port);
                 WsClient onC = new WsClient(c2.port)) {
                assertThat(onA.ask("nodes")).isEqualTo("a,b,c");
                String idC = onC.ask("id");
                assertThat(onA.ask("push " + idC + " welcome back")).isEqualTo("true");
                assertThat(onC.next()).isEqualTo("welcome back");
            }
        }
    }

    @Test
    void redisDownAtStartIsAClearErrorWhileTheNodeServesLocalTraffic() throws Exception {
        int deadPort = RedisServer.freePort();
        try (Node lonely = Node.start("BASE", "z", "redis://127.0.0.1:" + deadPort, 2);
             WsClient ws = new WsClient(lonely.port)) {
            assertThat(lonely.logged("cannot reach cluster_redis redis://127.0.0.1:" + deadPort)).as(
                    String.join("\n", lonely.output)).isTrue();
            assertThat(lonely.logged("serves its own connections")).isTrue();
            String id = ws.ask("id");
            assertThat(id).startsWith("z#");
            assertThat(ws.ask("push " + id + " local still works")).isEqualTo("true");
            assertThat(ws.next()).isEqualTo("local still works");
            assertThat(ws.ask("push q#1 remote")).isEqualTo("false");
            assertThat(ws.ask("join r")).isEqualTo("false");
            assertThat(ws.ask("list")).isEqualTo(id); // its own connections
        }
    }

    @Test
    void aNodeThatStartedWithoutRedisJoinsWhenRedisComesUp() throws Exception {
        RedisServer late = new RedisServer();
        late.beforeAll(null);
        late.stop();
        try (Node n = Node.start("BASE", "late", late.url(), 2)) {
            assertThat(n.logged("cannot reach cluster_redis")).isTrue();
            late.start();
            long end = System.nanoTime() + 10_000_000_000L;
            while (!n.logged("is reachable; node late joined") && System.nanoTime() < end) {
                Thread.sleep(50);
            }
            assertThat(n.logged("is reachable; node late joined")).as(String.join("\n", n.output)).isTrue();
            try (WsClient ws = new WsClient(n.port)) {
                assertThat(ws.ask("nodes")).isEqualTo("late");
            }
        } finally {
            late.stop();
        }
    }
}
