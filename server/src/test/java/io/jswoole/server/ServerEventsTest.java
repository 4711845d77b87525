package io.jswoole.server;

import static io.jswoole.server.Running.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import io.jswoole.ErrorCode;
import io.jswoole.LastError;
import io.jswoole.coroutine.Coroutine;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Events, their order, and the connection methods, in every mode. */
class ServerEventsTest {
    @TempDir
    Path tmp;

    /** Echo; every event reports itself. */
    static final class EveryEvent implements Recipe {
        @Override
        public void build(Server s, Probe events) {
            s.onStart(x -> events.add("start"));
            s.onManagerStart(x -> events.add("managerStart"));
            s.onWorkerStart((x, id) -> events.add("workerStart" + id));
            s.onConnect((x, fd, rid) -> events.add("connect" + fd));
            s.onReceive((x, fd, rid, data) -> {
                events.add("receive" + fd);
                x.send(fd, data);
            });
            s.onClose((x, fd, rid) -> events.add("close" + fd));
            s.onBeforeShutdown(x -> events.add("beforeShutdown"));
            s.onWorkerStop((x, id) -> events.add("workerStop" + id));
            s.onManagerStop(x -> events.add("managerStop"));
            s.onShutdown(x -> events.add("shutdown"));
        }
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void echoesAndFiresEveryEventInOrder(Mode mode) throws Exception {
        List<String> events;
        try (Probe probe = Probe.create()) {
            Server s = Recipe.server(mode, Map.of("worker_num", 2, "pid_file", tmp.resolve("s.pid").toString()),
                    EveryEvent.class, probe);
            try (Running r = Running.start(s)) {
                assertThat(Files.readString(tmp.resolve("s.pid"))).as("the master's pid")
                        .isEqualTo(Long.toString(ProcessHandle.current().pid()));
                try (var admin = java.nio.channels.SocketChannel.open(
                        java.net.UnixDomainSocketAddress.of(tmp.resolve("s.pid.sock")))) {
                    String json = new String(java.nio.channels.Channels.newInputStream(admin).readAllBytes());
                    assertThat(json).as("./jswoole stats reads this").startsWith("{").contains("\"worker_num\": 2")
                            .contains("\"connection_num\": 0");
                }
                assertThat(s.port()).isPositive();
                try (Socket c = r.connect()) {
                    assertThat(Running.exchange(c, "hello")).isEqualTo("hello");
                    assertThat(Running.exchange(c, "again")).isEqualTo("again");
                }
                assertThat(eventually(() -> probe.events().contains("close1"))).isTrue();
            }
            events = probe.events();
        }
        // in PROCESS mode the master's events and the worker JVMs' are two sequences, each in order
        assertThat(events).containsSubsequence("start", "managerStart", "beforeShutdown", "managerStop", "shutdown");
        assertThat(events).containsSubsequence("connect1", "receive1", "receive1", "close1");
        assertThat(events).contains("workerStart0", "workerStart1", "workerStop0", "workerStop1");
        if (mode != Mode.PROCESS) {
            assertThat(events).containsSubsequence("managerStart", "connect1", "close1", "beforeShutdown");
            assertThat(events.indexOf("workerStop0")).isBetween(events.indexOf("beforeShutdown"),
                    events.indexOf("managerStop"));
        }
        assertThat(tmp.resolve("s.pid")).doesNotExist();
        assertThat(tmp.resolve("s.pid.sock")).doesNotExist();
    }

    /** Answers "ok" and reports the fd and what getClientInfo says; "bye" closes; the close reports its reactor. */
    static final class InfoReporter implements Recipe {
        @Override
        public void build(Server s, Probe probe) {
            s.onReceive((x, fd, rid, data) -> {
                ClientInfo i = x.getClientInfo(fd).orElseThrow();
                probe.add("info " + fd + " " + i.remoteIp() + " " + i.remotePort() + " " + i.serverPort() + " "
                        + i.socketType() + " " + i.lastRecvTime() + " "
                        + i.toMap().keySet().containsAll(List.of("server_fd", "reactor_id", "connect_time",
                                "last_time")));
                if (new String(data).equals("bye")) {
                    x.close(fd);
                } else {
                    x.send(fd, "ok");
                }
            });
            s.onClose((x, fd, rid) -> probe.add("close " + rid));
        }
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void connectionMethodsReportSwooleFields(Mode mode) throws Exception {
        try (Probe probe = Probe.create(); Running r = Running.start(Recipe.server(mode,
                Map.of("worker_num", 1, "start_session_id", 99), InfoReporter.class, probe));
                Socket a = r.connect(); Socket b = r.connect()) {
            Server s = r.server;
            java.util.function.Supplier<String[]> lastInfo = () -> probe.events().stream()
                    .filter(e -> e.startsWith("info ")).reduce((x, y) -> y).orElseThrow().split(" ");
            // in THREAD mode two reactors accept, so which socket got fd 100 is not fixed
            assertThat(Running.exchange(a, "ok")).isEqualTo("ok");
            int aFd = Integer.parseInt(lastInfo.get()[1]);
            assertThat(Running.exchange(b, "ok")).isEqualTo("ok");
            String[] ci = lastInfo.get();
            assertThat(ci[2]).isEqualTo("127.0.0.1");
            assertThat(Integer.parseInt(ci[3])).isEqualTo(b.getLocalPort());
            assertThat(Integer.parseInt(ci[4])).isEqualTo(r.port());
            assertThat(Integer.parseInt(ci[5])).isEqualTo(SockType.TCP.value());
            assertThat(Double.parseDouble(ci[6])).isPositive();
            assertThat(ci[7]).as("the map has Swoole's keys").isEqualTo("true");
            assertThat(s.getClientList(0, 10)).containsExactly(100, 101);
            assertThat(s.getClientList(100, 10)).containsExactly(101);
            assertThat(s.connections()).containsExactlyInAnyOrder(100, 101);
            assertThat(s.exists(100)).isTrue();
            assertThat(s.exists(5)).isFalse();
            Map<String, Object> st = s.stats();
            assertThat(st).containsKeys("start_time", "connection_num", "accept_count", "close_count",
                    "worker_num", "idle_worker_num", "request_count", "total_recv_bytes", "coroutine_num",
                    "session_round", "min_fd", "max_fd");
            assertThat(st.get("connection_num")).isEqualTo(2);
            assertThat(st.get("accept_count")).isEqualTo(2L);
            assertThat(st.get("min_fd")).isEqualTo(100);

            a.getOutputStream().write("bye".getBytes());
            assertThat(Running.closedByPeer(a)).isTrue();
            assertThat(eventually(() -> probe.events().contains("close -1"))).as("server close has reactorId < 0")
                    .isTrue();
            assertThat(eventually(() -> !s.exists(aFd))).isTrue();
            assertThat(s.send(aFd, "late")).isFalse();
            assertThat(LastError.error()).isIn(ErrorCode.SESSION_NOT_EXIST, ErrorCode.SESSION_CLOSED);
            assertThat(s.close(aFd)).isFalse();
            b.close();
            assertThat(eventually(() -> probe.events().stream().anyMatch(e -> e.matches("close \\d+"))))
                    .as("client close has reactorId >= 0").isTrue();
        }
    }

    /** Echo, but "boom" throws. */
    static final class Throws implements Recipe {
        @Override
        public void build(Server s, Probe probe) {
            s.onReceive((x, fd, rid, data) -> {
                if (new String(data).equals("boom")) {
                    throw new IllegalStateException("handler failure for the test");
                }
                x.send(fd, data);
            });
        }
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void aHandlerThatThrowsKeepsTheConnectionAndTheWorker(Mode mode) throws Exception {
        try (Probe probe = Probe.create(); Running r = Running.start(Recipe.server(mode,
                Map.of("worker_num", 1, "log_file", tmp.resolve("server.log").toString()), Throws.class, probe));
                Socket c = r.connect()) {
            c.getOutputStream().write("boom".getBytes());
            assertThat(eventually(() -> logContains("handler failure for the test"))).isTrue();
            assertThat(Running.exchange(c, "still")).isEqualTo("still");
        } finally {
            io.jswoole.log.Log.reset();
        }
        String log = Files.readString(tmp.resolve("server.log"));
        assertThat(log).contains("ERROR").contains("receive callback failed").contains("at io.jswoole");
    }

    private boolean logContains(String text) {
        try {
            return Files.readString(tmp.resolve("server.log")).contains(text);
        } catch (java.io.IOException e) {
            return false;
        }
    }

    /**
     * Echo after a little CPU work, counting how many callbacks of this JVM overlap (reported with each answer);
     * "slow" sleeps 1 s after the work.
     */
    static final class CountsOverlap implements Recipe {
        private static final AtomicInteger RUNNING = new AtomicInteger();
        private static final AtomicInteger MAX_PARALLEL = new AtomicInteger();

        @Override
        public void build(Server s, Probe probe) {
            s.onReceive((x, fd, rid, data) -> {
                int now = RUNNING.incrementAndGet();
                MAX_PARALLEL.accumulateAndGet(now, Math::max);
                for (int i = 0; i < 200_000; i++) {
                    // a little CPU work while "running", so overlapping callbacks would be seen
                    if (RUNNING.get() > 1) {
                        MAX_PARALLEL.accumulateAndGet(RUNNING.get(), Math::max);
                    }
                }
                RUNNING.decrementAndGet();
                if (new String(data).equals("slow")) {
                    Coroutine.sleep(1);
                }
                probe.add("parallel " + MAX_PARALLEL.get());
                x.send(fd, data);
            });
        }
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void aBlockingHandlerDoesNotDelayAnotherConnectionOfTheSameWorker(Mode mode) throws Exception {
        try (Probe probe = Probe.create(); Running r = Running.start(Recipe.server(mode,
                Map.of("worker_num", 1, "reactor_num", 1), CountsOverlap.class, probe));
                Socket slow = r.connect(); Socket fast = r.connect()) {
            slow.getOutputStream().write("slow".getBytes());
            Thread.sleep(20);
            // the order proves it, not a clock (CI, loaded: 176 ms against a 150 ms bound): the fast answer comes
            // while the slow handler still sleeps, so the slow connection has nothing to read yet
            assertThat(Running.exchange(fast, "fast")).isEqualTo("fast");
            assertThat(slow.getInputStream().available()).as("the fast connection waited for the sleeping one")
                    .isZero();
            assertThat(new String(Running.read(slow, 4))).isEqualTo("slow");
            assertThat(probe.events()).as("two callbacks of one worker ran at once").containsOnly("parallel 1");
        }
    }

    /** A slow connect, a slow receive, and a close, each reported. */
    static final class SlowEvents implements Recipe {
        @Override
        public void build(Server s, Probe order) {
            s.onConnect((x, fd, rid) -> {
                Coroutine.sleep(0.1);
                order.add("connect-end");
            });
            s.onReceive((x, fd, rid, data) -> {
                order.add("receive-start");
                Coroutine.sleep(0.1);
                order.add("receive-end");
            });
            s.onClose((x, fd, rid) -> order.add("close"));
        }
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void connectFinishesBeforeReceiveAndCloseWaitsForReceive(Mode mode) throws Exception {
        try (Probe order = Probe.create(); Running r = Running.start(Recipe.server(mode, Map.of("worker_num", 1),
                SlowEvents.class, order))) {
            try (Socket c = r.connect()) {
                c.getOutputStream().write("x".getBytes());
            }
            assertThat(eventually(() -> order.events().contains("close"))).isTrue();
            assertThat(order.events()).containsExactly("connect-end", "receive-start", "receive-end", "close");
        }
    }

    /** Echo, reporting the status of this worker, the other one and worker 7. */
    static final class Statuses implements Recipe {
        @Override
        public void build(Server s, Probe probe) {
            s.onReceive((x, fd, rid, data) -> {
                int me = x.getWorkerId();
                probe.add(x.getWorkerStatus(me) + " " + x.getWorkerStatus(1 - me) + " " + x.getWorkerStatus(7));
                x.send(fd, data);
            });
        }
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void workerStatusIsBusyWhileAnEventRuns(Mode mode) throws Exception {
        try (Probe probe = Probe.create(); Running r = Running.start(Recipe.server(mode, Map.of("worker_num", 2),
                Statuses.class, probe)); Socket c = r.connect()) {
            assertThat(Running.exchange(c, "x")).isEqualTo("x");
            assertThat(probe.events()).containsExactly(Server.WORKER_BUSY + " " + Server.WORKER_IDLE + " -1");
        }
    }

    /** Echo, reporting the coroutine id the callback runs in. */
    static final class Cid implements Recipe {
        @Override
        public void build(Server s, Probe probe) {
            s.onReceive((x, fd, rid, data) -> {
                probe.add("cid " + Coroutine.getCid());
                x.send(fd, data);
            });
        }
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void withoutCoroutinesCallbacksRunDirectly(Mode mode) throws Exception {
        try (Probe probe = Probe.create(); Running r = Running.start(Recipe.server(mode,
                Map.of("worker_num", 1, "enable_coroutine", false), Cid.class, probe)); Socket c = r.connect()) {
            assertThat(Running.exchange(c, "x")).isEqualTo("x");
            assertThat(probe.events()).containsExactly("cid -1");
        }
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void pastMaxConnNewConnectionsAreClosedAndOldOnesWork(Mode mode) throws Exception {
        try (Probe probe = Probe.create(); Running r = Running.start(Recipe.server(mode,
                Map.of("worker_num", 1, "max_conn", 2), Recipe.Echo.class, probe)); Socket a = r.connect();
                Socket b = r.connect()) {
            Server s = r.server;
            assertThat(Running.exchange(a, "a")).isEqualTo("a");
            assertThat(Running.exchange(b, "b")).isEqualTo("b");
            try (Socket c = r.connect()) {
                assertThat(Running.closedByPeer(c)).isTrue();
            }
            assertThat(Running.exchange(a, "a2")).isEqualTo("a2");
            assertThat(s.stats().get("abort_count")).isEqualTo(1L);
        }
    }

    /** Not in PROCESS mode: there the timers live in the worker JVM, which ends with them. */
    @ParameterizedTest
    @EnumSource(value = Mode.class, names = {"BASE", "THREAD"})
    void timersRunInTheWorkerAndAreClearedWhenItStops(Mode mode) throws Exception {
        AtomicInteger ticks = new AtomicInteger();
        AtomicInteger afterWorker = new AtomicInteger(-2);
        AtomicReference<Long> tickId = new AtomicReference<>();
        CountDownLatch fired = new CountDownLatch(1);
        Server s = new Server("127.0.0.1", 0, mode);
        s.set(Map.of("worker_num", 1));
        s.onWorkerStart((x, id) -> {
            tickId.set(io.jswoole.timer.Timer.tick(10, t -> ticks.incrementAndGet()));
            io.jswoole.timer.Timer.after(30, () -> {
                afterWorker.set(x.getWorkerId());
                fired.countDown();
            });
        });
        s.onReceive((x, fd, rid, data) -> { });
        try (Running r = Running.start(s)) {
            assertThat(fired.await(5, TimeUnit.SECONDS)).isTrue();
            assertThat(afterWorker.get()).isEqualTo(0);
            assertThat(eventually(() -> ticks.get() >= 3)).isTrue();
            assertThat(io.jswoole.timer.Timer.exists(tickId.get())).isTrue();
        }
        assertThat(io.jswoole.timer.Timer.exists(tickId.get())).as("cleared when the worker stopped").isFalse();
    }
}
