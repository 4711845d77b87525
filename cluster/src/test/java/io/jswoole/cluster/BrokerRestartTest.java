package io.jswoole.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Redis killed (SIGKILL) and restarted in the middle of a broadcast storm to a room on three nodes (b in PROCESS
 * mode): the sender retries what failed with the same idempotency key, and every member gets every message
 * exactly once, in order. redis-server runs with an fsync'ed append-only file, as a broker that must not lose
 * acknowledged writes would.
 */
class BrokerRestartTest {
    @RegisterExtension
    static final RedisServer REDIS = new RedisServer(true);

    @Test
    void everyMemberGetsEveryBroadcastOnceInOrderAcrossARedisRestart() throws Exception {
        int total = 300;
        try (Node a = Node.start("BASE", "a", REDIS.url(), 10); Node b = Node.start("PROCESS", "b", REDIS.url(), 10);
             Node c = Node.start("THREAD", "c", REDIS.url(), 10)) {
            List<WsClient> members = new ArrayList<>();
            try (WsClient sender = new WsClient(a.port)) {
                for (Node n : List.of(a, b, c, b, c)) {
                    WsClient m = new WsClient(n.port);
                    assertThat(m.ask("join storm")).isEqualTo("true");
                    members.add(m);
                }
                AtomicBoolean restarted = new AtomicBoolean();
                Thread chaos = Thread.ofPlatform().start(() -> {
                    try {
                        Thread.sleep(300);
                        REDIS.stop();
                        Thread.sleep(700);
                        REDIS.start();
                        restarted.set(true);
                    } catch (Exception e) {
                        throw new RuntimeException(e);
                    }
                });
                int retries = 0;
                for (int i = 0; i < total; i++) {
                    long end = System.nanoTime() + 20_000_000_000L;
                    while (!sender.ask("bcastk k" + i + " storm s" + i).equals("5")) {
                        retries++;
                        assertThat(System.nanoTime()).as("broadcast " + i + " never went through").isLessThan(end);
                        Thread.sleep(20);
                    }
                    Thread.sleep(3);
                }
                chaos.join();
                assertThat(restarted).isTrue();
                assertThat(retries).as("some broadcasts failed while Redis was down and were retried").isPositive();
                for (WsClient m : members) {
                    for (int i = 0; i < total; i++) {
                        assertThat(m.next()).as("message " + i).isEqualTo("s" + i);
                    }
                    assertThat(m.quietFor(300)).as("no duplicates").isTrue();
                }
            } finally {
                members.forEach(WsClient::close);
            }
        }
    }
}
