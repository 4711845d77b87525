package io.jswoole.process;

import static org.assertj.core.api.Assertions.assertThat;

import io.jswoole.coroutine.CoSystem;
import io.jswoole.coroutine.Coroutine;
import io.jswoole.event.Event;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A child process's pipe in the event loop (Swoole's "with the Event module, a child process can be event-driven"):
 * {@code exportSocket()} added with {@code Event.add}, the child's answers read in callbacks; and
 * {@code CoSystem.waitPid} reporting the child's exit code.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ProcessEventTest {

    /** The child: upper-cases what it reads, line by line, and exits 7 at the end of its pipe. */
    public static void shout(Process self) throws IOException {
        for (byte[] m; (m = self.read()) != null; ) {
            self.write(new String(m, StandardCharsets.UTF_8).toUpperCase());
        }
        self.exit(7);
    }

    @Test
    void aChildsPipeInTheLoopAndItsExitThroughWaitPid() throws Exception {
        Process p = new Process(ProcessEventTest.class, "shout", false, Process.PIPE_TYPE_STREAM);
        long pid = p.start();
        StringBuilder got = new StringBuilder();
        CoSystem.WaitResult[] exit = new CoSystem.WaitResult[1];
        Coroutine.run(() -> {
            SocketChannel pipe = p.exportSocket();
            assertThat(Event.add(pipe, s -> {
                ByteBuffer b = ByteBuffer.allocate(256);
                int n = s.read(b);
                if (n > 0) {
                    got.append(new String(b.array(), 0, n, StandardCharsets.UTF_8));
                }
                if (n < 0 || got.length() >= "HELLO FROM THE LOOP\n".length()) {
                    Event.del(s);
                    s.shutdownOutput(); // the child's read ends: it exits 7
                    exit[0] = CoSystem.waitPid(pid, 30);
                }
            })).isTrue();
            assertThat(Event.write(pipe, "hello from ".getBytes(StandardCharsets.UTF_8))).isTrue();
            assertThat(Event.write(pipe, "the loop\n".getBytes(StandardCharsets.UTF_8))).isTrue();
        });
        assertThat(got).hasToString("HELLO FROM THE LOOP\n");
        assertThat(exit[0]).isEqualTo(new CoSystem.WaitResult(pid, 7, 0));
    }
}
