package io.jswoole.server;

import static io.jswoole.server.Running.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import io.jswoole.ErrorCode;
import io.jswoole.LastError;
import io.jswoole.timer.Timer;
import java.net.Socket;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Output caps, watermarks, send_yield, pause/resume and delayed receive. */
class FlowControlTest {
    @ParameterizedTest
    @EnumSource(value = Mode.class, names = {"BASE", "THREAD"})
    void aClientThatNeverReadsIsClosedAtSocketBufferSizeAndOthersAreServed(Mode mode) throws Exception {
        AtomicLong maxQueued = new AtomicLong();
        List<String> events = new CopyOnWriteArrayList<>();
        AtomicReference<ErrorCode> sendError = new AtomicReference<>();
        Server s = new Server("127.0.0.1", 0, mode);
        s.set(Map.of("worker_num", 1, "socket_buffer_size", "1M", "kernel_socket_send_buffer_size", "64K"));
        s.onBufferFull((x, fd) -> events.add("full" + fd));
        s.onReceive((x, fd, rid, data) -> {
            if (new String(data).equals("flood")) {
                byte[] chunk = new byte[64 * 1024];
                for (int i = 0; i < 4096; i++) { // up to 256 MiB: far past the cap
                    if (!x.send(fd, chunk)) {
                        sendError.set(LastError.error());
                        return;
                    }
                    maxQueued.accumulateAndGet(s.connection(fd) == null ? 0 : s.connection(fd).queuedBytes(),
                            Math::max);
                }
            } else {
                x.send(fd, data);
            }
        });
        try (Running r = Running.start(s); Socket slow = r.connect(); Socket other = r.connect()) {
            slow.setReceiveBufferSize(4096);
            slow.getOutputStream().write("flood".getBytes());
            assertThat(eventually(() -> sendError.get() != null)).isTrue();
            assertThat(sendError.get()).isEqualTo(ErrorCode.OUTPUT_BUFFER_OVERFLOW);
            // Netty counts 96 bytes of bookkeeping per queued buffer in its pending bytes (16 buffers here)
            assertThat(maxQueued.get()).as("queued output stays under the cap")
                    .isLessThanOrEqualTo((1 << 20) + 16 * 96);
            assertThat(events).as("bufferFull fired before the overflow").isNotEmpty();
            assertThat(Running.exchange(other, "fine")).isEqualTo("fine");
            assertThat(eventually(() -> s.connections().size() == 1)).as("only the slow reader was closed").isTrue();
        }
    }

    @ParameterizedTest
    @EnumSource(value = Mode.class, names = {"BASE", "THREAD"})
    void bufferFullThenBufferEmptyOnceThePeerReads(Mode mode) throws Exception {
        List<String> events = new CopyOnWriteArrayList<>();
        Server s = new Server("127.0.0.1", 0, mode);
        // small kernel buffers on both sides, so the output queues in the server whatever the loopback tuning
        s.set(Map.of("worker_num", 1, "socket_buffer_size", "8M", "buffer_high_watermark", "1M",
                "buffer_low_watermark", 0, "kernel_socket_send_buffer_size", "32K"));
        s.onBufferFull((x, fd) -> events.add("full"));
        s.onBufferEmpty((x, fd) -> events.add("empty"));
        s.onReceive((x, fd, rid, data) -> {
            for (int i = 0; i < 48; i++) {
                x.send(fd, new byte[64 * 1024]);
            }
        });
        try (Running r = Running.start(s); Socket c = new Socket()) {
            c.setReceiveBufferSize(4096);
            c.setSoTimeout(5000);
            c.connect(new java.net.InetSocketAddress("127.0.0.1", r.port()));
            c.getOutputStream().write(1);
            assertThat(eventually(() -> events.contains("full"))).isTrue();
            assertThat(c.getInputStream().readNBytes(48 * 64 * 1024)).hasSize(48 * 64 * 1024);
            assertThat(eventually(() -> events.equals(List.of("full", "empty")))).as(events.toString()).isTrue();
        }
    }

    @Test
    void sendYieldWaitsForTheDrainAndTimesOut() throws Exception {
        AtomicReference<ErrorCode> error = new AtomicReference<>();
        AtomicLong waitedMs = new AtomicLong();
        AtomicInteger sent = new AtomicInteger();
        Server s = new Server("127.0.0.1", 0);
        s.set(Map.of("worker_num", 1, "socket_buffer_size", 256 * 1024, "send_yield", true, "send_timeout", 0.3,
                "kernel_socket_send_buffer_size", "32K"));
        s.onReceive((x, fd, rid, data) -> {
            byte[] chunk = new byte[32 * 1024];
            for (int i = 0; i < 1000; i++) {
                long t0 = System.nanoTime();
                if (!x.send(fd, chunk)) {
                    waitedMs.set((System.nanoTime() - t0) / 1_000_000);
                    error.set(LastError.error());
                    return;
                }
                sent.incrementAndGet();
            }
        });
        try (Running r = Running.start(s); Socket c = r.connect()) {
            c.setReceiveBufferSize(4096);
            c.getOutputStream().write(1);
            assertThat(eventually(() -> error.get() != null)).isTrue();
            assertThat(error.get()).isEqualTo(ErrorCode.CO_TIMEDOUT);
            assertThat(waitedMs.get()).as("waited send_timeout").isBetween(250L, 2000L);
            assertThat(s.exists(1)).as("send_yield keeps the connection").isTrue();
        }
    }

    @Test
    void bufferOutputSizeCapsOneSend() throws Exception {
        AtomicReference<ErrorCode> error = new AtomicReference<>();
        Server s = new Server("127.0.0.1", 0);
        s.set(Map.of("worker_num", 1, "buffer_output_size", 1024));
        s.onReceive((x, fd, rid, data) -> {
            if (!x.send(fd, new byte[2048])) {
                error.set(LastError.error());
            }
            x.send(fd, data);
        });
        try (Running r = Running.start(s); Socket c = r.connect()) {
            assertThat(Running.exchange(c, "ok")).isEqualTo("ok");
            assertThat(error.get()).isEqualTo(ErrorCode.DATA_LENGTH_TOO_LARGE);
        }
    }

    @ParameterizedTest
    @EnumSource(value = Mode.class, names = {"BASE", "THREAD"})
    void delayedReceiveStartsReadingAtConfirm(Mode mode) throws Exception {
        AtomicLong confirmedAt = new AtomicLong();
        AtomicLong receivedAt = new AtomicLong();
        Server s = new Server("127.0.0.1", 0, mode);
        s.set(Map.of("worker_num", 1, "enable_delay_receive", true));
        s.onConnect((x, fd, rid) -> Timer.after(200, () -> {
            confirmedAt.set(System.nanoTime());
            x.confirm(fd);
        }));
        s.onReceive((x, fd, rid, data) -> {
            receivedAt.set(System.nanoTime());
            x.send(fd, data);
        });
        try (Running r = Running.start(s); Socket c = r.connect()) {
            assertThat(Running.exchange(c, "late")).isEqualTo("late");
            assertThat(receivedAt.get()).isGreaterThan(confirmedAt.get());
        }
    }

    @ParameterizedTest
    @EnumSource(value = Mode.class, names = {"BASE", "THREAD"})
    void pauseStopsReceiveEventsUntilResume(Mode mode) throws Exception {
        List<String> got = new CopyOnWriteArrayList<>();
        java.util.concurrent.atomic.AtomicInteger paused = new java.util.concurrent.atomic.AtomicInteger();
        Server s = new Server("127.0.0.1", 0, mode);
        s.set(Map.of("worker_num", 1));
        s.onReceive((x, fd, rid, data) -> {
            if (new String(data).equals("pause")) {
                x.pause(fd);
                Timer.after(300, () -> x.resume(fd));
                paused.set(fd);
            }
            got.add(new String(data));
        });
        try (Running r = Running.start(s); Socket c = r.connect()) {
            c.getOutputStream().write("pause".getBytes());
            assertThat(eventually(() -> got.size() == 1)).isTrue();
            // pause() asks the connection's reactor to stop reading; bytes it reads before that are still delivered
            // (as in Swoole), so "after" is sent once the reactor has stopped
            assertThat(eventually(() -> !s.connection(paused.get()).channel.config().isAutoRead())).isTrue();
            c.getOutputStream().write("after".getBytes());
            Thread.sleep(150);
            assertThat(got).as("paused: nothing read yet").containsExactly("pause");
            assertThat(eventually(() -> got.size() == 2)).isTrue();
            assertThat(got).containsExactly("pause", "after");
        }
    }
}
