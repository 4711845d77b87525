package io.jswoole.server;

import static io.jswoole.server.Running.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import io.jswoole.ErrorCode;
import io.jswoole.LastError;
import io.jswoole.server.reactor.Connection;
import io.jswoole.timer.Timer;
import java.net.Socket;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Output caps, watermarks, send_yield, pause/resume and delayed receive. */
class FlowControlTest {
    /** "flood" sends up to 256 MiB in 64 KiB sends and reports the error of the first that fails; else echo. */
    static final class Flood implements Recipe {
        @Override
        public void build(Server s, Probe events) {
            s.onBufferFull((x, fd) -> events.add("full" + fd));
            s.onReceive((x, fd, rid, data) -> {
                if (new String(data).equals("flood")) {
                    byte[] chunk = new byte[64 * 1024];
                    for (int i = 0; i < 4096; i++) { // up to 256 MiB: far past the cap
                        if (!x.send(fd, chunk)) {
                            events.add("error " + LastError.error());
                            return;
                        }
                    }
                    events.add("all sent");
                } else {
                    x.send(fd, data);
                }
            });
        }
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void aClientThatNeverReadsIsClosedAtSocketBufferSizeAndOthersAreServed(Mode mode) throws Exception {
        try (Probe events = Probe.create(); Running r = Running.start(Recipe.server(mode, Map.of("worker_num", 1,
                "socket_buffer_size", "1M", "kernel_socket_send_buffer_size", "64K"), Flood.class, events));
                Socket slow = r.connect(); Socket other = r.connect()) {
            Server s = r.server;
            slow.setReceiveBufferSize(4096);
            int slowFd = Running.fdOf(s, slow);
            assertThat(slowFd).isPositive();
            slow.getOutputStream().write("flood".getBytes());
            long maxQueued = 0;
            long end = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(5);
            while (s.exists(slowFd) && System.nanoTime() < end) { // the master's view of what is queued
                Connection c = s.runtime.connection(slowFd);
                maxQueued = Math.max(maxQueued, c == null ? 0 : c.queuedBytes());
            }
            assertThat(s.exists(slowFd)).as("the slow reader was closed").isFalse();
            // Netty counts 96 bytes of bookkeeping per queued buffer in its pending bytes (16 buffers here)
            assertThat(maxQueued).as("queued output stays under the cap").isLessThanOrEqualTo((1 << 20) + 16 * 96);
            assertThat(eventually(() -> events.events().contains("full" + slowFd)))
                    .as("bufferFull fired for fd " + slowFd + ": " + events.events()).isTrue();
            if (mode != Mode.PROCESS) {
                // a worker JVM's send goes to the master, which refuses it there: the worker cannot see the error
                assertThat(eventually(() -> events.events().stream().anyMatch(e -> e.startsWith("error"))))
                        .isTrue();
                assertThat(events.events()).contains("error " + ErrorCode.OUTPUT_BUFFER_OVERFLOW);
            }
            assertThat(Running.exchange(other, "fine")).isEqualTo("fine");
            assertThat(eventually(() -> s.connections().size() == 1)).as("only the slow reader was closed").isTrue();
        }
    }

    /** Any receive sends 3 MiB in 64 KiB sends; bufferFull and bufferEmpty are reported. */
    static final class Burst implements Recipe {
        @Override
        public void build(Server s, Probe events) {
            s.onBufferFull((x, fd) -> events.add("full"));
            s.onBufferEmpty((x, fd) -> events.add("empty"));
            s.onReceive((x, fd, rid, data) -> {
                for (int i = 0; i < 48; i++) {
                    x.send(fd, new byte[64 * 1024]);
                }
            });
        }
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void bufferFullThenBufferEmptyOnceThePeerReads(Mode mode) throws Exception {
        // small kernel buffers on both sides, so the output queues in the server whatever the loopback tuning
        try (Probe probe = Probe.create(); Running r = Running.start(Recipe.server(mode, Map.of("worker_num", 1,
                "socket_buffer_size", "8M", "buffer_high_watermark", "1M", "buffer_low_watermark", 0,
                "kernel_socket_send_buffer_size", "32K"), Burst.class, probe)); Socket c = new Socket()) {
            java.util.function.Supplier<List<String>> events = probe::events;
            c.setReceiveBufferSize(4096);
            c.setSoTimeout(5000);
            c.connect(new java.net.InetSocketAddress("127.0.0.1", r.port()));
            c.getOutputStream().write(1);
            assertThat(eventually(() -> events.get().contains("full"))).isTrue();
            assertThat(c.getInputStream().readNBytes(48 * 64 * 1024)).hasSize(48 * 64 * 1024);
            assertThat(eventually(() -> events.get().equals(List.of("full", "empty")))).as(events.get().toString())
                    .isTrue();
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

    /** Tries a 2 KiB send and reports its error, then echoes. */
    static final class BigSend implements Recipe {
        @Override
        public void build(Server s, Probe probe) {
            s.onReceive((x, fd, rid, data) -> {
                if (!x.send(fd, new byte[2048])) {
                    probe.add("error " + LastError.error());
                }
                x.send(fd, data);
            });
        }
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void bufferOutputSizeCapsOneSend(Mode mode) throws Exception {
        try (Probe probe = Probe.create(); Running r = Running.start(Recipe.server(mode, Map.of("worker_num", 1,
                "buffer_output_size", 1024), BigSend.class, probe)); Socket c = r.connect()) {
            assertThat(Running.exchange(c, "ok")).as("the refused send wrote nothing").isEqualTo("ok");
            assertThat(probe.events()).containsExactly("error " + ErrorCode.DATA_LENGTH_TOO_LARGE);
        }
    }

    /** Confirms a new connection 200 ms after it connected; reports when, and when its data came (nanoTime). */
    static final class LateConfirm implements Recipe {
        @Override
        public void build(Server s, Probe probe) {
            s.onConnect((x, fd, rid) -> Timer.after(200, () -> {
                probe.add("confirmed " + System.nanoTime());
                x.confirm(fd);
            }));
            s.onReceive((x, fd, rid, data) -> {
                probe.add("received " + System.nanoTime());
                x.send(fd, data);
            });
        }
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void delayedReceiveStartsReadingAtConfirm(Mode mode) throws Exception {
        try (Probe probe = Probe.create(); Running r = Running.start(Recipe.server(mode, Map.of("worker_num", 1,
                "enable_delay_receive", true), LateConfirm.class, probe)); Socket c = r.connect()) {
            assertThat(Running.exchange(c, "late")).isEqualTo("late");
            List<String> events = probe.events(); // one JVM's clock: CLOCK_MONOTONIC is the machine's
            assertThat(events).hasSize(2);
            assertThat(events.get(0)).startsWith("confirmed");
            assertThat(Long.parseLong(events.get(1).substring(9))).isGreaterThan(Long.parseLong(
                    events.get(0).substring(10)));
        }
    }

    /** "pause" pauses the connection and resumes it 300 ms later; every receive is reported. */
    static final class PauseResume implements Recipe {
        @Override
        public void build(Server s, Probe got) {
            s.onReceive((x, fd, rid, data) -> {
                if (new String(data).equals("pause")) {
                    x.pause(fd);
                    Timer.after(300, () -> x.resume(fd));
                }
                got.add(new String(data));
            });
        }
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void pauseStopsReceiveEventsUntilResume(Mode mode) throws Exception {
        try (Probe probe = Probe.create(); Running r = Running.start(Recipe.server(mode, Map.of("worker_num", 1),
                PauseResume.class, probe)); Socket c = r.connect()) {
            Server s = r.server;
            java.util.function.Supplier<List<String>> got = probe::events;
            int fd = Running.fdOf(s, c);
            c.getOutputStream().write("pause".getBytes());
            assertThat(eventually(() -> got.get().size() == 1)).isTrue();
            // pause() asks the connection's reactor to stop reading; bytes it reads before that are still delivered
            // (as in Swoole), so "after" is sent once the reactor has stopped
            assertThat(eventually(() -> !s.runtime.connection(fd).channel.config().isAutoRead())).isTrue();
            c.getOutputStream().write("after".getBytes());
            Thread.sleep(150);
            assertThat(got.get()).as("paused: nothing read yet").containsExactly("pause");
            assertThat(eventually(() -> got.get().size() == 2)).isTrue();
            assertThat(got.get()).containsExactly("pause", "after");
        }
    }
}
