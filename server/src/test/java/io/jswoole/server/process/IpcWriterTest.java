package io.jswoole.server.process;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The master's frame queue for a worker JVM ({@link Ipc.Writer}): what reaches a socket, what waits for a
 * replacement, and what is never sent twice.
 */
class IpcWriterTest {
    private static ByteBuffer frame(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.US_ASCII));
    }

    /** Everything written to {@code ch} so far, as one string. */
    private static String written(EmbeddedChannel ch) {
        ch.runPendingTasks();
        StringBuilder sb = new StringBuilder();
        ByteBuf b;
        while ((b = ch.readOutbound()) != null) {
            sb.append(b.toString(StandardCharsets.US_ASCII));
            b.release();
        }
        return sb.toString();
    }

    @Test
    void framesGoOutInOrderAndCountAsReachedOnceWritten() {
        Ipc.Writer w = new Ipc.Writer();
        EmbeddedChannel ch = new EmbeddedChannel();
        w.attach(ch);
        ByteBuffer a = frame("a");
        ByteBuffer b = frame("bb");
        w.send(a);
        w.send(b);
        assertThat(w.reached(a)).isFalse();
        assertThat(written(ch)).isEqualTo("abb");
        assertThat(w.reached(a)).isTrue();
        assertThat(w.reached(b)).isTrue();
        assertThat(w.queued()).isZero();
    }

    @Test
    void framesQueuedWithoutASocketWaitForTheNextOne() {
        Ipc.Writer w = new Ipc.Writer();
        w.send(frame("1"));
        w.send(frame("2"));
        assertThat(w.queued()).isEqualTo(2);
        EmbeddedChannel ch = new EmbeddedChannel();
        w.attach(ch);
        assertThat(written(ch)).isEqualTo("12");
    }

    @Test
    void afterAHandOverLaterFramesWaitForTheReplacement() {
        Ipc.Writer w = new Ipc.Writer();
        EmbeddedChannel old = new EmbeddedChannel();
        w.attach(old);
        w.send(frame("stop"));
        w.handOver();
        w.send(frame("next"));
        assertThat(written(old)).isEqualTo("stop");
        w.detach();
        EmbeddedChannel replacement = new EmbeddedChannel();
        w.attach(replacement);
        assertThat(written(replacement)).isEqualTo("next");
    }

    @Test
    void framesThatNeverReachedADeadWorkerGoToItsReplacementFirstAndInOrder() {
        Ipc.Writer w = new Ipc.Writer();
        EmbeddedChannel dead = new EmbeddedChannel();
        w.attach(dead);
        ByteBuffer sent = frame("x");
        w.send(sent);
        assertThat(written(dead)).isEqualTo("x");
        dead.close(); // the worker dies: the next frames fail to go out
        List<ByteBuffer> lost = new ArrayList<>(List.of(frame("p"), frame("q")));
        lost.forEach(w::send);
        dead.runPendingTasks();
        w.detach();
        w.send(frame("r"));
        EmbeddedChannel replacement = new EmbeddedChannel();
        w.attach(replacement);
        // "x" reached the dead JVM and may have been read: at most once, it is not repeated
        assertThat(written(replacement)).isEqualTo("pqr");
        assertThat(w.reached(sent)).isTrue();
        assertThat(lost).allMatch(w::reached);
    }

    @Test
    void aConfirmationFromASocketAlreadyGivenUpChangesNothing() {
        Ipc.Writer w = new Ipc.Writer();
        EmbeddedChannel old = new EmbeddedChannel();
        w.attach(old);
        ByteBuffer f = frame("late");
        w.send(f);
        w.detach(); // given up before its loop wrote the frame: it goes back to the queue
        EmbeddedChannel replacement = new EmbeddedChannel();
        w.attach(replacement);
        assertThat(written(old)).isEmpty(); // the old socket's round finds it no longer attached
        assertThat(written(replacement)).isEqualTo("late");
    }

    @Test
    void attachingANewSocketTakesOverWhatTheOldOneHadNotWritten() {
        Ipc.Writer w = new Ipc.Writer();
        EmbeddedChannel old = new EmbeddedChannel();
        w.attach(old);
        w.send(frame("1"));
        w.attach(new EmbeddedChannel()); // replaced without a detach: nothing is dropped
        EmbeddedChannel replacement = new EmbeddedChannel();
        w.attach(replacement);
        assertThat(written(old)).isEmpty();
        assertThat(written(replacement)).isEqualTo("1");
    }
}
