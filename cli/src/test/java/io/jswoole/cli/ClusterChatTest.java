package io.jswoole.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.jswoole.cluster.RedisServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code ./jswoole run websocket-chat --set cluster_redis=... --set cluster_node_id=a} on three nodes (three JVMs,
 * node b in PROCESS mode) and one real redis-server: a line typed on node a reaches the sockets of b and c, and
 * the first node prints how to start the next one.
 */
class ClusterChatTest {
    @RegisterExtension
    static final RedisServer REDIS = new RedisServer();

    private static Launched run(String id, String mode) throws Exception {
        int port = Launched.freePort();
        List<String> cmd = Launched.java();
        cmd.addAll(List.of(Main.class.getName(), "run", "websocket-chat", "--port", Integer.toString(port), "--mode",
                mode, "--set", "cluster_redis=" + REDIS.url(), "--set", "cluster_node_id=" + id, "--set",
                "worker_num=2"));
        // the class path through CLASSPATH: the command line stays short enough for the JDK to read back, which
        // PROCESS mode needs to start its worker JVMs the same way
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("CLASSPATH", Launched.classPath());
        return Launched.start(pb, port);
    }

    private static WebSocket open(int port, BlockingQueue<String> got) throws Exception {
        return HttpClient.newHttpClient().newWebSocketBuilder().buildAsync(
                URI.create("ws://127.0.0.1:" + port + "/chat"), new WebSocket.Listener() {
                    @Override
                    public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                        got.add(data.toString());
                        w.request(1);
                        return null;
                    }
                }).get(10, TimeUnit.SECONDS);
    }

    /** The next message containing {@code text}, skipping join notices; fails after 5 s. */
    private static String await(BlockingQueue<String> q, String text) throws InterruptedException {
        long end = System.nanoTime() + 5_000_000_000L;
        while (System.nanoTime() < end) {
            String m = q.poll(100, TimeUnit.MILLISECONDS);
            if (m != null && m.contains(text)) {
                return m;
            }
        }
        throw new AssertionError("no message with '" + text + "'");
    }

    @Test
    void aLineTypedOnNodeAReachesTabsOnNodesBAndC() throws Exception {
        List<Launched> nodes = new ArrayList<>();
        try {
            nodes.add(run("a", "base"));
            nodes.add(run("b", "process"));
            nodes.add(run("c", "base"));
            assertThat(nodes.get(0).output()).anySatisfy(l -> assertThat(l).contains(
                    "./jswoole run websocket-chat --port " + (nodes.get(0).port() + 1) + " --set cluster_redis="
                            + REDIS.url() + " --set cluster_node_id=b"));
            BlockingQueue<String> onA = new LinkedBlockingQueue<>();
            BlockingQueue<String> onB = new LinkedBlockingQueue<>();
            BlockingQueue<String> onC = new LinkedBlockingQueue<>();
            WebSocket c = open(nodes.get(2).port(), onC);
            WebSocket b = open(nodes.get(1).port(), onB);
            assertThat(await(onC, "user-b#")).matches("user-b#\\d+ joined"); // b's tab joined, seen on c
            WebSocket a = open(nodes.get(0).port(), onA);
            await(onB, "user-a#");
            a.sendText("hello from a", true).get(5, TimeUnit.SECONDS);
            assertThat(await(onC, "hello from a")).matches("user-a#\\d+: hello from a");
            assertThat(await(onB, "hello from a")).matches("user-a#\\d+: hello from a");
            assertThat(await(onA, "hello from a")).matches("user-a#\\d+: hello from a");
            b.sendText("hi from a PROCESS node", true).get(5, TimeUnit.SECONDS);
            assertThat(await(onA, "hi from a PROCESS node")).startsWith("user-b#");
            c.abort();
            assertThat(await(onA, " left")).matches("user-c#\\d+ left");
            a.abort();
            b.abort();
        } finally {
            for (Launched n : nodes) {
                n.close();
            }
        }
    }
}
