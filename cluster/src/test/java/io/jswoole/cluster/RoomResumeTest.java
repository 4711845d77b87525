package io.jswoole.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A WebSocket client that drops off node a and reconnects to node b (PROCESS mode) with the id of the last room
 * message it got, while messages keep being published: it gets every message after that id exactly once, in order,
 * the replayed ones and the live ones joined without a gap. A history trimmed past the id is reported.
 */
class RoomResumeTest {
    private static final int LAST = 300;

    @RegisterExtension
    static final RedisServer REDIS = new RedisServer();

    @Test
    void aClientResumingOnAnotherNodeGetsTheMissedMessagesOnceAndInOrder() throws Exception {
        try (Node a = Node.start("BASE", "a", REDIS.url(), 5); Node b = Node.start("PROCESS", "b", REDIS.url(), 5);
             WsClient sender = new WsClient(a.port)) {
            for (int i = 0; i < 4; i++) { // warm both worker JVMs of b, so the resumes below fall inside the storm
                try (WsClient warm = new WsClient(b.port)) {
                    assertThat(warm.ask("resume warm-up 0")).isEqualTo(Integer.toString(i));
                    warm.ask("rpub warm-up x");
                }
            }
            String last;
            try (WsClient first = new WsClient(a.port)) {
                assertThat(first.ask("resume chat 0")).isEqualTo("0");
                for (int i = 1; i <= 3; i++) {
                    assertThat(sender.ask("rpub chat m" + i)).matches("\\d+-\\d+");
                }
                List<String> got = new ArrayList<>();
                for (int i = 0; i < 3; i++) {
                    got.add(first.next());
                }
                assertThat(got).extracting(RoomResumeTest::text).containsExactly("m1", "m2", "m3");
                last = id(got.get(2));
            }
            for (int i = 4; i <= 10; i++) { // published while the client is away
                sender.ask("rpub chat m" + i);
            }
            // on a thread of its own: the common pool has one thread on two cores, and the JDK WebSocket client needs it
            CompletableFuture<Void> storm = new CompletableFuture<>();
            Thread.ofPlatform().start(() -> {
                try {
                    for (int i = 11; i <= LAST; i++) { // about 1.5 s: the resumes below happen during it
                        sender.ask("rpub chat m" + i);
                        Thread.sleep(5);
                    }
                    storm.complete(null);
                } catch (Exception e) {
                    storm.completeExceptionally(e);
                }
            });
            // six clients come back on b one after another while the storm runs
            List<WsClient> back = new ArrayList<>();
            try {
                for (int c = 0; c < 6; c++) {
                    Thread.sleep(100);
                    WsClient w = new WsClient(b.port);
                    back.add(w);
                    assertThat(Integer.parseInt(w.ask("resume chat " + last))).isGreaterThanOrEqualTo(7);
                }
                storm.get();
                List<String> expected = new ArrayList<>();
                for (int i = 4; i <= LAST; i++) {
                    expected.add("m" + i);
                }
                for (WsClient w : back) {
                    List<String> texts = new ArrayList<>();
                    String prev = last;
                    while (!texts.contains("m" + LAST)) {
                        String m = w.next();
                        assertThat(m).as("after " + texts).isNotNull();
                        assertThat(NodeLog.Reader.compare(id(m), prev)).as("ids rise: " + m + " after " + texts)
                                .isPositive();
                        prev = id(m);
                        texts.add(text(m));
                    }
                    assertThat(texts).containsExactlyElementsOf(expected);
                    assertThat(w.quietFor(300)).isTrue();
                }
                assertThat(back.get(0).ask("resume chat 12-x")).startsWith("error: a room message id is ms-seq");
            } finally {
                back.forEach(WsClient::close);
            }

            // a history trimmed past the id: what is kept is replayed, and the answer says some were lost
            REDIS.cli("XTRIM", "jswoole:cluster:history:chat", "MAXLEN", "5");
            try (WsClient late = new WsClient(b.port)) {
                assertThat(late.ask("resume chat " + last)).isEqualTo("-1");
                List<String> kept = new ArrayList<>();
                for (int i = 0; i < 5; i++) {
                    kept.add(text(late.next()));
                }
                assertThat(kept).containsExactly("m296", "m297", "m298", "m299", "m300");
            }
        }
    }

    @Test
    void twoNodesPublishingToOneRoomAtOnceDeliverItInIdOrder() throws Exception {
        try (Node a = Node.start("BASE", "a", REDIS.url(), 5); Node b = Node.start("BASE", "b", REDIS.url(), 5);
             WsClient onA = new WsClient(a.port); WsClient onB = new WsClient(b.port);
             WsClient memberA = new WsClient(a.port); WsClient memberB = new WsClient(b.port)) {
            assertThat(memberA.ask("resume duo 0")).isEqualTo("0");
            assertThat(memberB.ask("resume duo 0")).isEqualTo("0");
            int each = 150;
            List<Thread> publishers = new ArrayList<>();
            for (WsClient p : List.of(onA, onB)) {
                String who = p == onA ? "a" : "b";
                publishers.add(Thread.ofPlatform().start(() -> {
                    for (int i = 0; i < each; i++) {
                        try {
                            p.ask("rpub duo " + who + i);
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                    }
                }));
            }
            for (Thread t : publishers) {
                t.join();
            }
            for (WsClient m : List.of(memberA, memberB)) {
                String prev = "0-0";
                List<String> texts = new ArrayList<>();
                for (int i = 0; i < 2 * each; i++) {
                    String f = m.next();
                    assertThat(f).as("message " + i).isNotNull();
                    assertThat(NodeLog.Reader.compare(id(f), prev)).as("ids rise: " + f).isPositive();
                    prev = id(f);
                    texts.add(text(f));
                }
                assertThat(texts).doesNotHaveDuplicates().hasSize(2 * each);
                assertThat(m.quietFor(300)).isTrue();
            }
        }
    }

    private static String id(String frame) {
        return frame.substring(1, frame.indexOf(' '));
    }

    private static String text(String frame) {
        return frame.substring(frame.indexOf(' ') + 1);
    }
}
