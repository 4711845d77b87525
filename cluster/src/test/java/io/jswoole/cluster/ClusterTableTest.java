package io.jswoole.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The shared table across three node JVMs (BASE, PROCESS, THREAD) on a real redis-server: concurrent incr from both nodes
 * adds up exactly, a row set on one node is read on the other, bad values and a differing declaration are refused
 * by name, and the rows are plain Redis hashes.
 */
class ClusterTableTest {
    @RegisterExtension
    static final RedisServer REDIS = new RedisServer();

    @Test
    void twoNodesShareRowsAndTheirIncrementsAddUpExactly() throws Exception {
        try (Node a = Node.start("BASE", "a", REDIS.url(), 5); Node b = Node.start("PROCESS", "b", REDIS.url(), 5);
             Node c = Node.start("THREAD", "c", REDIS.url(), 5);
             WsClient onA = new WsClient(a.port); WsClient onB = new WsClient(b.port);
             WsClient onC = new WsClient(c.port)) {
            assertThat(onA.ask("tcreate")).isEqualTo("true");
            assertThat(onB.ask("tcreate")).isEqualTo("true");
            assertThat(onC.ask("tcreate")).isEqualTo("true");

            // 3 x 3,000 increments of one key, 4 callers on each node (BASE, PROCESS, THREAD) at once
            List<CompletableFuture<String>> runs = new ArrayList<>();
            for (WsClient on : List.of(onA, onB, onC)) {
                CompletableFuture<String> f = new CompletableFuture<>();
                Thread.ofPlatform().start(() -> f.complete(ask(on, "tincr counter 3000"))); // not the common pool
                runs.add(f);
            }
            long max = 0;
            for (CompletableFuture<String> f : runs) {
                max = Math.max(max, Long.parseLong(f.get()));
            }
            assertThat(max).isEqualTo(9000);
            assertThat(onA.ask("tget counter hits")).isEqualTo("9000");
            assertThat(onB.ask("tget counter hits")).isEqualTo("9000");
            assertThat(onC.ask("tget counter hits")).isEqualTo("9000");
            assertThat(REDIS.cli("HGET", "jswoole:cluster:table:{shared}:row:counter", "hits").strip())
                    .isEqualTo("9000");
            assertThat(onB.ask("tdecr counter")).isEqualTo("8999");

            // FLOAT: HINCRBYFLOAT from both nodes
            for (int i = 0; i < 10; i++) {
                onA.ask("tfincr counter 0.25");
                onB.ask("tfincr counter 0.25");
            }
            assertThat(onA.ask("tget counter score")).isEqualTo("5.0");

            // set on one node (one HSET), read on the other; absent columns read as 0, 0.0, ""
            assertThat(onA.ask("tset alice name=Alice,hits=7")).isEqualTo("true");
            assertThat(onB.ask("tget alice")).isEqualTo("{hits=7, score=0.0, name=Alice}");
            assertThat(onB.ask("tset alice score=1.5")).isEqualTo("true");
            assertThat(onA.ask("tget alice")).isEqualTo("{hits=7, score=1.5, name=Alice}");
            assertThat(onB.ask("texists alice")).isEqualTo("true");
            assertThat(onB.ask("tcount")).isEqualTo("2");

            // refused by name, and nothing written
            assertThat(onA.ask("tset alice name=Alexandra")).isEqualTo(
                    "error: value for column 'name' is 9 bytes, longer than the column's size 8");
            assertThat(onA.ask("tset alice hits=many")).isEqualTo(
                    "error: column 'hits' is INT (64-bit): cannot store String many");
            assertThat(onA.ask("tset alice color=red")).startsWith("error: no column 'color' in this table");
            assertThat(onA.ask("tget alice name")).isEqualTo("Alice");
            assertThat(onA.ask("tset " + "k".repeat(64) + " hits=1")).isEqualTo(
                    "error: key is 64 bytes, longer than the maximum 63");
            assertThat(onB.ask("tbadcreate")).startsWith("error: cluster table 'shared' exists with size|columns "
                    + "1024|hits:INT:8;score:FLOAT:8;name:STRING:8;; this node declares 1024|hits:FLOAT:8;");
            assertThat(REDIS.cli("HINCRBY", "jswoole:cluster:table:{shared}:row:big", "hits",
                    Long.toString(Long.MAX_VALUE))).contains(Long.toString(Long.MAX_VALUE));
            REDIS.cli("SADD", "jswoole:cluster:table:{shared}:keys", "big");
            assertThat(onA.ask("tincr1 big")).isEqualTo("error: column 'hits' of key 'big': 1 would take it beyond"
                    + " 64 bits");

            assertThat(onB.ask("tdel alice")).isEqualTo("true");
            assertThat(onA.ask("texists alice")).isEqualTo("false");
            assertThat(onA.ask("tget alice")).isEqualTo("null");
            assertThat(onA.ask("tdel alice")).isEqualTo("false");
            assertThat(onA.ask("tcount")).isEqualTo("2");

            // destroy: every row and the declaration go, for every node; another declaration may then be made
            assertThat(onA.ask("tdestroy")).isEqualTo("true");
            assertThat(onB.ask("tcount")).isEqualTo("0");
            assertThat(REDIS.cli("KEYS", "jswoole:cluster:table:*").strip()).isEmpty();
            assertThat(onB.ask("tbadcreate")).isEqualTo("true");
        }
    }

    private static String ask(WsClient c, String command) {
        try {
            return c.ask(command);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
