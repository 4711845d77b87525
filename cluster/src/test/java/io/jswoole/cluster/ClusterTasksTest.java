package io.jswoole.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The cluster task queue across node JVMs on a real redis-server (NodeApp's queue "jobs": visibility 1 s, back-off
 * 200 ms, 3 attempts; consumers in the task workers): taskwait answered by another node, idempotency keys, a task
 * whose node is killed with -9 mid-task retried on another node, a poison task in the dead-letter stream, and tasks
 * that outlive a restart of every node.
 */
class ClusterTasksTest {
    private static final String STREAM = "jswoole:cluster:tasks:{jobs}";

    @RegisterExtension
    static final RedisServer REDIS = new RedisServer();

    @Test
    void taskwaitIsAnsweredByTheNodeThatRanItAndAKeyRunsOnce() throws Exception {
        try (Node a = Node.start("BASE", "a", REDIS.url(), 5); Node b = Node.withTasks("PROCESS", "b", REDIS.url());
             WsClient onA = new WsClient(a.port)) {
            assertThat(onA.ask("ctaskwait echo hi")).isEqualTo("echo hi handled on b");
            assertThat(onA.ask("ctaskwaitk k1 echo-once")).isEqualTo("echo-once handled on b");
            assertThat(onA.ask("ctaskwaitk k1 echo-once")).isEqualTo("echo-once handled on b"); // stored result
            assertThat(onA.ask("ctaskk k1 echo-once")).isEqualTo("=");
            Thread.sleep(500);
            assertThat(b.output.stream().filter(l -> l.startsWith("RAN echo-once")).count()).isEqualTo(1);
            assertThat(a.output).noneMatch(l -> l.startsWith("RUNNING"));
            assertThat(len(STREAM)).isZero();
        }
    }

    @Test
    void aTaskWhoseNodeIsKilledWithMinus9MidTaskIsRetriedOnAnotherNode() throws Exception {
        Node a = Node.withTasks("BASE", "a", REDIS.url());
        try (WsClient onA = new WsClient(a.port)) {
            assertThat(onA.ask("ctask hold job1")).matches("\\d+-\\d+");
            waitFor(() -> a.logged("RUNNING hold job1 on a attempt 1"), 10_000);
        }
        try (Node b = Node.withTasks("BASE", "b", REDIS.url())) {
            a.kill9();
            long killed = System.nanoTime();
            waitFor(() -> b.logged("RAN hold job1 on b attempt 2"), 15_000);
            assertThat((System.nanoTime() - killed) / 1_000_000).as("ms until b ran it").isLessThan(8_000);
            waitFor(() -> len(STREAM) == 0, 5_000);
            assertThat(REDIS.cli("XPENDING", STREAM, "jswoole")).startsWith("0");
        } finally {
            a.close();
        }
    }

    @Test
    void aPoisonTaskEndsInTheDeadLetterStreamAfterItsAttempts() throws Exception {
        try (Node a = Node.withTasks("BASE", "a", REDIS.url()); Node b = Node.withTasks("THREAD", "b", REDIS.url());
             WsClient onA = new WsClient(a.port)) {
            String id = onA.ask("ctask poison");
            waitFor(() -> len(STREAM + ":dead") == 1, 20_000);
            String dead = REDIS.cli("XRANGE", STREAM + ":dead", "-", "+");
            assertThat(dead).contains(id, "poison", "IllegalStateException: poison task").containsPattern(
                    "attempts\\s+3");
            long runs = List.of(a, b).stream().flatMap(n -> n.output.stream())
                    .filter(l -> l.startsWith("RUNNING poison")).count();
            assertThat(runs).isEqualTo(3);
            assertThat(len(STREAM)).isZero();
            assertThat(onA.ask("ctaskwait poison")).isEqualTo("null"); // a waiter learns it died, within 8 s
            waitFor(() -> len(STREAM + ":dead") == 2, 5_000);
        }
    }

    @Test
    void tasksOutliveARestartOfEveryNode() throws Exception {
        try (Node a = Node.start("BASE", "a", REDIS.url(), 5); Node b = Node.start("PROCESS", "b", REDIS.url(), 5);
             WsClient onA = new WsClient(a.port); WsClient onB = new WsClient(b.port)) {
            for (int i = 0; i < 3; i++) {
                assertThat(onA.ask("ctask echo from-a-" + i)).matches("\\d+-\\d+");
                assertThat(onB.ask("ctask echo from-b-" + i)).matches("\\d+-\\d+");
            }
        } // both stopped: no consumer ever ran
        assertThat(len(STREAM)).isEqualTo(6);
        try (Node a = Node.withTasks("BASE", "a", REDIS.url()); Node b = Node.withTasks("PROCESS", "b", REDIS.url())) {
            waitFor(() -> len(STREAM) == 0, 10_000);
            for (String from : List.of("a", "b")) {
                for (int i = 0; i < 3; i++) {
                    String task = "RAN echo from-" + from + "-" + i + " ";
                    waitFor(() -> count(task, a, b) >= 1, 5_000);
                    assertThat(count(task, a, b)).as(task).isEqualTo(1);
                }
            }
        }
    }

    @Test
    void aConsumerMakesTheGroupAgainAfterAnEmptyRedisRestarted() throws Exception {
        try (Node a = Node.withTasks("BASE", "a", REDIS.url()); WsClient onA = new WsClient(a.port)) {
            assertThat(onA.ask("ctaskwait echo before")).isEqualTo("echo before handled on a");
            REDIS.stop();
            REDIS.start(); // no persistence: the stream and its group are gone
            String answer = "null";
            long end = System.nanoTime() + 15_000_000_000L;
            while (answer.equals("null") && System.nanoTime() < end) {
                answer = onA.ask("ctaskwaitk after-restart echo after"); // keyed: a retry is not a second task
            }
            assertThat(answer).isEqualTo("echo after handled on a");
            assertThat(count("RAN echo after ", a)).isEqualTo(1);
        }
    }

    private static long count(String prefix, Node... nodes) {
        return java.util.Arrays.stream(nodes).flatMap(n -> n.output.stream()).filter(l -> l.startsWith(prefix))
                .count();
    }

    private static long len(String key) {
        try {
            return Long.parseLong(REDIS.cli("XLEN", key).strip());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void waitFor(BooleanSupplier condition, long millis) throws InterruptedException {
        long end = System.nanoTime() + millis * 1_000_000;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("not within " + millis + " ms");
            }
            Thread.sleep(50);
        }
    }
}
