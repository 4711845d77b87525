package io.jswoole.cluster;

import static io.jswoole.cluster.PartitionTest.waitFor;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Redis down in the middle of a run (SIGKILL, then SIGTERM) under three nodes: a BASE, b PROCESS (the commands run
 * in its worker JVMs, the queue's consumer in its task worker JVM), c THREAD. While it is down every cluster call of
 * every mode answers at once with its documented failure (Cluster, ClusterTable, ClusterTasks), local traffic goes
 * on, and each JVM logs the outage once however many calls fail; {@code bind} and {@code forget} made meanwhile are
 * written when it is back. When it is back everything works again: membership, subscriptions (pushes and replies),
 * the task queue's consumer group, the table. redis-server keeps an fsync'ed append-only file, so its data is back
 * too.
 */
class OutageTest {
    @RegisterExtension
    static final RedisServer REDIS = new RedisServer(true);

    /** A call during the outage and how it must answer ("startsWith:" for a prefix). */
    private static Map<String, String> downCalls(String remote) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("push " + remote + " lost", "false");
        m.put("send " + remote + " lost", "false");
        m.put("close " + remote, "false");
        m.put("exists " + remote, "false");
        m.put("info " + remote, "none");
        m.put("bcast o lost", "0");
        m.put("join o2", "false");
        m.put("leave o", "false");
        m.put("members o", "");
        m.put("nodes", "");
        m.put("locate 7001", "none");
        m.put("rpub o lost", "null");
        m.put("resume o 0", "-1");
        m.put("tset k hits=1", "false");
        m.put("tget k", "null");
        m.put("texists k", "false");
        m.put("tcount", "-1");
        m.put("tincr1 k", "startsWith:error: cluster table 'shared': cluster_redis cannot be reached");
        m.put("ctask echo lost", "null");
        m.put("ctaskwait echo lost", "null");
        return m;
    }

    @Test
    void everyCallFailsAtOnceWhileRedisIsDownAndEverythingWorksWhenItIsBack() throws Exception {
        try (Node a = Node.withTasks("BASE", "a", REDIS.url()); Node b = Node.withTasks("PROCESS", "b", REDIS.url());
             Node c = Node.withTasks("THREAD", "c", REDIS.url());
             WsClient onA = new WsClient(a.port); WsClient onB = new WsClient(b.port);
             WsClient onC = new WsClient(c.port); WsClient leaver = new WsClient(a.port)) {
            List<Node> nodes = List.of(a, b, c);
            List<WsClient> clients = List.of(onA, onB, onC);
            String[] ids = new String[3];
            for (int i = 0; i < 3; i++) {
                ids[i] = clients.get(i).ask("id");
                assertThat(clients.get(i).ask("join o")).isEqualTo("true");
                assertThat(clients.get(i).ask("tcreate")).isEqualTo("true");
            }
            String leaverId = leaver.ask("id");
            assertThat(leaver.ask("join o")).isEqualTo("true");
            assertThat(onA.ask("members o").split(",")).hasSize(4);
            assertThat(onA.ask("ctaskwait echo before")).startsWith("echo before handled on ");

            REDIS.stop(); // SIGKILL
            Thread.sleep(300);
            long worst = 0;
            for (int i = 0; i < 3; i++) {
                WsClient cl = clients.get(i);
                for (Map.Entry<String, String> call : downCalls(ids[(i + 1) % 3]).entrySet()) {
                    long t0 = System.nanoTime();
                    String answer = cl.ask(call.getKey());
                    worst = Math.max(worst, System.nanoTime() - t0);
                    if (call.getValue().startsWith("startsWith:")) {
                        assertThat(answer).as(nodes.get(i).id + ": " + call.getKey())
                                .startsWith(call.getValue().substring(11));
                    } else {
                        assertThat(answer).as(nodes.get(i).id + ": " + call.getKey()).isEqualTo(call.getValue());
                    }
                }
                assertThat(cl.ask("list")).as("its own connections").isEqualTo(i == 0 ? ids[0] + "," + leaverId
                        : ids[i]);
                assertThat(cl.ask("push " + ids[i] + " local")).as("local traffic").isEqualTo("true");
                assertThat(cl.next()).isEqualTo("local");
                assertThat(cl.ask("bind " + (7001 + i))).as("bound locally, kept for the cluster").isEqualTo("true");
            }
            leaver.close(); // onClose's forget fails now: kept, written when Redis is back
            System.out.println("OutageTest: slowest call while Redis was down " + worst / 1_000_000 + " ms");
            assertThat(worst / 1_000_000).as("ms of the slowest call (none waits for the 2 s timeout)")
                    .isLessThan(1_500);
            Thread.sleep(1_500); // the probes and beats of the outage: still one line per JVM
            for (Node n : nodes) {
                long lines = n.output.stream().filter(l -> l.contains("lost cluster_redis")).count();
                assertThat(lines).as(n.id + ": one line per JVM for the outage\n" + String.join("\n", n.output))
                        .isBetween(1L, n == b ? 4L : 1L); // b: master, worker JVMs, task worker JVM
                assertThat(n.output).as(n.id + ": no line per reconnect attempt")
                        .noneMatch(l -> l.contains("Reconnecting") || l.contains("Cannot reconnect"));
            }

            REDIS.start();
            waitFor(() -> onA.ask("nodes").equals("a,b,c"), 10_000);
            for (int i = 0; i < 3; i++) { // subscriptions are back: a push from every mode to the next node
                String to = ids[(i + 1) % 3];
                WsClient cl = clients.get(i);
                waitFor(() -> cl.ask("push " + to + " back").equals("true"), 5_000);
                assertThat(clients.get((i + 1) % 3).next()).isEqualTo("back");
            }
            waitFor(() -> onA.ask("members o").equals(String.join(",", ids)), 5_000); // the leaver's forget
            assertThat(onB.ask("bcast o again")).isEqualTo("3");
            for (WsClient cl : clients) {
                assertThat(cl.next()).isEqualTo("again");
            }
            for (int i = 0; i < 3; i++) {
                String uid = Integer.toString(7001 + i);
                String id = ids[i];
                waitFor(() -> onC.ask("locate " + uid).equals(id), 5_000); // the bind kept during the outage
            }
            for (WsClient cl : clients) { // the consumer group reads again; replies reach every mode's waiter
                waitFor(() -> cl.ask("ctaskwait echo after").startsWith("echo after handled on "), 10_000);
                assertThat(Long.parseLong(cl.ask("tincr1 k"))).isPositive();
                assertThat(cl.ask("rpub o kept")).matches("\\d+-\\d+");
            }
            for (Node n : nodes) {
                assertThat(n.logged("reaches cluster_redis again")).as(n.id).isTrue();
                assertThat(n.output).as(n.id).noneMatch(l -> l.contains("failed (attempt"));
            }

            REDIS.terminate(); // SIGTERM: a shutdown, the connections close cleanly
            Thread.sleep(300);
            assertThat(onA.ask("push " + ids[1] + " lost")).isEqualTo("false");
            assertThat(onB.ask("ctask echo lost")).isEqualTo("null");
            REDIS.start();
            waitFor(() -> onA.ask("push " + ids[1] + " after-term").equals("true"), 10_000);
            assertThat(nextNot(onB, "kept")).isEqualTo("after-term");
            waitFor(() -> onB.ask("ctaskwait echo after-term").startsWith("echo after-term handled on "), 10_000);
        }
    }

    @Test
    void aTaskThatFinishesWhileRedisIsDownIsAcknowledgedWhenItIsBackAndNotRunAgain() throws Exception {
        String stream = "jswoole:cluster:tasks:{jobs}";
        try (Node a = Node.withTasks("BASE", "a", REDIS.url()); WsClient onA = new WsClient(a.port)) {
            assertThat(onA.ask("ctask slow s1")).matches("\\d+-\\d+");
            waitFor(() -> a.logged("RUNNING slow s1 on a attempt 1"), 10_000);
            REDIS.stop();
            waitFor(() -> a.logged("RAN slow s1 on a attempt 1"), 5_000); // it ran, its acknowledgement cannot
            Thread.sleep(1_500); // longer than the queue's visibility (1 s): its claim is not renewed meanwhile
            REDIS.start();
            waitFor(() -> REDIS.cli("XLEN", stream).strip().equals("0"), 10_000); // acknowledged
            Thread.sleep(1_500); // past another visibility time: not claimed and run again
            assertThat(a.output.stream().filter(l -> l.startsWith("RUNNING slow s1")).count()).isEqualTo(1);
            assertThat(REDIS.cli("XPENDING", stream, "jswoole")).startsWith("0");
            assertThat(a.output).noneMatch(l -> l.contains("ran but"));
        }
    }

    /** The next message that is not a room message of {@code text} (the publish above reaches every member). */
    private static String nextNot(WsClient c, String text) throws InterruptedException {
        String m = c.next();
        while (m != null && m.startsWith("@") && m.endsWith(" " + text)) {
            m = c.next();
        }
        return m;
    }
}
