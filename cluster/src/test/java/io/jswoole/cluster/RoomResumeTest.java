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
    @RegisterExtension
    static final RedisServer REDIS = new RedisServer();

    @Test
    void aClientResumingOnAnotherNodeGetsTheMissedMessagesOnceAndInOrder() throws Exception {
        try (Node a = Node.start("BASE", "a", REDIS.url(), 5); Node b = Node.start("PROCESS", "b", REDIS.url(), 5);
             WsClient sender = new WsClient(a.port)) {
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
            CompletableFuture<Void> storm = CompletableFuture.runAsync(() -> {
                try {
                    for (int i = 11; i <= 80; i++) {
                        sender.ask("rpub chat m" + i);
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            try (WsClient back = new WsClient(b.port)) {
                Thread.sleep(30); // resume while the storm runs
                int replayed = Integer.parseInt(back.ask("resume chat " + last));
                assertThat(replayed).isGreaterThanOrEqualTo(7);
                storm.get();
                List<String> texts = new ArrayList<>();
                String prev = last;
                while (!texts.contains("m80")) {
                    String m = back.next();
                    assertThat(m).as("after " + texts).isNotNull();
                    assertThat(NodeLog.Reader.compare(id(m), prev)).as("ids rise: " + m).isPositive();
                    prev = id(m);
                    texts.add(text(m));
                }
                List<String> expected = new ArrayList<>();
                for (int i = 4; i <= 80; i++) {
                    expected.add("m" + i);
                }
                assertThat(texts).containsExactlyElementsOf(expected);
                assertThat(back.quietFor(500)).isTrue();
                assertThat(back.ask("resume chat 12-x")).startsWith("error: a room message id is ms-seq");
            }

            // a history trimmed past the id: what is kept is replayed, and the answer says some were lost
            REDIS.cli("XTRIM", "jswoole:cluster:history:chat", "MAXLEN", "5");
            try (WsClient late = new WsClient(b.port)) {
                assertThat(late.ask("resume chat " + last)).isEqualTo("-1");
                List<String> kept = new ArrayList<>();
                for (int i = 0; i < 5; i++) {
                    kept.add(text(late.next()));
                }
                assertThat(kept).containsExactly("m76", "m77", "m78", "m79", "m80");
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
