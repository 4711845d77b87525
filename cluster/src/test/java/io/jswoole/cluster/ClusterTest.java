package io.jswoole.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Three nodes as three JVMs sharing one real redis-server: a in BASE mode, b in PROCESS mode (its connections in the
 * master, the commands run in worker JVMs), c in THREAD mode; real WebSocket clients on each.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClusterTest {
    @RegisterExtension
    static final RedisServer REDIS = new RedisServer();

    private final List<Node> nodes = new ArrayList<>();
    private Node a;
    private Node b;
    private Node c;

    @BeforeAll
    void startNodes() throws Exception {
        a = Node.start("BASE", "a", REDIS.url(), 2);
        b = Node.start("PROCESS", "b", REDIS.url(), 2);
        c = Node.start("THREAD", "c", REDIS.url(), 2);
        nodes.addAll(List.of(a, b, c));
    }

    @AfterAll
    void stopNodes() throws Exception {
        for (Node n : nodes) {
            n.close();
        }
    }

    @Test
    void pushReachesAWebSocketOnAnotherNodeFromEveryMode() throws Exception {
        try (WsClient onA = new WsClient(a.port); WsClient onB = new WsClient(b.port);
             WsClient onC = new WsClient(c.port)) {
            String idA = onA.ask("id");
            String idB = onB.ask("id");
            String idC = onC.ask("id");
            assertThat(idA).startsWith("a#");
            assertThat(idB).startsWith("b#");
            assertThat(idC).startsWith("c#");

            assertThat(onA.ask("push " + idB + " from a")).isEqualTo("true"); // BASE -> PROCESS
            assertThat(onB.next()).isEqualTo("from a");
            assertThat(onB.ask("push " + idC + " from b")).isEqualTo("true"); // PROCESS worker JVM -> THREAD
            assertThat(onC.next()).isEqualTo("from b");
            assertThat(onC.ask("push " + idA + " from c")).isEqualTo("true"); // THREAD -> BASE
            assertThat(onA.next()).isEqualTo("from c");
            assertThat(onA.ask("push " + idA + " to myself")).isEqualTo("true"); // a local id: the local path
            assertThat(onA.next()).isEqualTo("to myself");

            // from task workers: a BASE task thread and a PROCESS task worker JVM
            assertThat(onA.ask("taskpush " + idC + " hello")).isEqualTo("true");
            assertThat(onC.next()).isEqualTo("hello (from task worker)");
            assertThat(onB.ask("taskpush " + idA + " hi")).isEqualTo("true");
            assertThat(onA.next()).isEqualTo("hi (from task worker)");
        }
    }

    @Test
    void existsGetClientInfoAndCloseAnswerForAnotherNodesFd() throws Exception {
        try (WsClient onA = new WsClient(a.port); WsClient onB = new WsClient(b.port)) {
            String idA = onA.ask("id");
            String idB = onB.ask("id");
            assertThat(onB.ask("exists " + idA)).isEqualTo("true");
            assertThat(onA.ask("exists " + idB)).isEqualTo("true");
            assertThat(onA.ask("exists b#9999")).isEqualTo("false");
            assertThat(onA.ask("exists zz#1")).as("a node that never joined").isEqualTo("false");
            assertThat(onB.ask("info " + idA)).startsWith("127.0.0.1:");
            assertThat(onA.ask("info b#9999")).isEqualTo("none");

            assertThat(onB.ask("close " + idA)).isEqualTo("true");
            long end = System.nanoTime() + 5_000_000_000L;
            while (onB.ask("exists " + idA).equals("true") && System.nanoTime() < end) {
                Thread.sleep(20);
            }
            assertThat(onB.ask("exists " + idA)).isEqualTo("false");
        }
    }

    @Test
    void broadcastToARoomReachesEveryMemberOnThreeNodesOnce() throws Exception {
        List<WsClient> clients = new ArrayList<>();
        try {
            for (Node n : List.of(a, b, c, a, b, c)) {
                clients.add(new WsClient(n.port));
            }
            List<String> ids = new ArrayList<>();
            for (WsClient cl : clients) {
                assertThat(cl.ask("join room1")).isEqualTo("true");
                ids.add(cl.ask("id"));
            }
            try (WsClient outsider = new WsClient(c.port)) {
                assertThat(clients.get(0).ask("members room1").split(",")).containsExactlyInAnyOrderElementsOf(ids);
                for (int i = 0; i < 20; i++) {
                    assertThat(clients.get(i % 3).ask("bcast room1 m" + i)).isEqualTo("6");
                }
                for (WsClient cl : clients) {
                    for (int i = 0; i < 20; i++) {
                        assertThat(cl.next()).isEqualTo("m" + i); // in order, each once
                    }
                    assertThat(cl.quietFor(200)).as("no duplicates").isTrue();
                }
                assertThat(outsider.quietFor(200)).as("a non-member gets nothing").isTrue();

                assertThat(clients.get(1).ask("leave room1")).isEqualTo("true");
                assertThat(clients.get(0).ask("bcast room1 after")).isEqualTo("5");
                assertThat(clients.get(1).quietFor(300)).isTrue();
            }
            // a member that closes leaves its rooms (onClose -> Cluster.forget)
            clients.remove(5).close();
            long end = System.nanoTime() + 5_000_000_000L;
            while (clients.get(0).ask("members room1").split(",").length != 4 && System.nanoTime() < end) {
                Thread.sleep(20);
            }
            assertThat(clients.get(0).ask("members room1").split(",")).hasSize(4);
        } finally {
            clients.forEach(WsClient::close);
        }
    }

    @Test
    void bindMakesAUidReachableFromAnyNodeAndGetClientListSpansNodes() throws Exception {
        try (WsClient onA = new WsClient(a.port); WsClient onB = new WsClient(b.port);
             WsClient onC = new WsClient(c.port)) {
            String idB = onB.ask("id");
            assertThat(onB.ask("bind 4242")).isEqualTo("true");
            assertThat(onA.ask("locate 4242")).isEqualTo(idB);
            assertThat(onC.ask("locate 4242")).isEqualTo(idB);
            assertThat(onC.ask("locate 777")).isEqualTo("none");

            List<String> all = List.of(onA.ask("list").split(","));
            assertThat(all).contains(onA.ask("id"), idB, onC.ask("id"));
            assertThat(all.stream().map(s -> s.substring(0, 1)).distinct()).containsExactlyInAnyOrder("a", "b", "c");
            assertThat(onB.ask("list")).isEqualTo(String.join(",", all)); // one answer, asked from any node
            assertThat(onC.ask("nodes")).isEqualTo("a,b,c");
        }
    }
}
