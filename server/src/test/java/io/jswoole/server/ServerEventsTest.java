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
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Events, their order, and the connection methods, in BASE and THREAD mode. */
class ServerEventsTest {
    @TempDir
    Path tmp;

    @ParameterizedTest
    @EnumSource(value = Mode.class, names = {"BASE", "THREAD"})
    void echoesAndFiresEveryEventInOrder(Mode mode) throws Exception {
        List<String> events = new CopyOnWriteArrayList<>();
        Server s = new Server("127.0.0.1", 0, mode);
        s.set(Map.of("worker_num", 2, "pid_file", tmp.resolve("s.pid").toString()));
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
        try (Running r = Running.start(s)) {
            assertThat(Files.readString(tmp.resolve("s.pid"))).isEqualTo(Long.toString(ProcessHandle.current().pid()));
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
            assertThat(eventually(() -> events.contains("close1"))).isTrue();
        }
        assertThat(events).containsSubsequence("start", "managerStart", "connect1", "receive1", "receive1", "close1",
                "beforeShutdown", "managerStop", "shutdown");
        assertThat(events).contains("workerStart0", "workerStart1", "workerStop0", "workerStop1");
        assertThat(events.indexOf("workerStop0")).isBetween(events.indexOf("beforeShutdown"),
                events.indexOf("managerStop"));
        assertThat(tmp.resolve("s.pid")).doesNotExist();
        assertThat(tmp.resolve("s.pid.sock")).doesNotExist();
    }

    @ParameterizedTest
    @EnumSource(value = Mode.class, names = {"BASE", "THREAD"})
    void connectionMethodsReportSwooleFields(Mode mode) throws Exception {
        AtomicReference<ClientInfo> info = new AtomicReference<>();
        AtomicInteger closeReactor = new AtomicInteger(99);
        AtomicInteger lastFd = new AtomicInteger();
        Server s = new Server("127.0.0.1", 0, mode);
        s.set(Map.of("worker_num", 1, "start_session_id", 100));
        s.onReceive((x, fd, rid, data) -> {
            lastFd.set(fd);
            info.set(x.getClientInfo(fd).orElseThrow());
            if (new String(data).equals("bye")) {
                x.close(fd);
            } else {
                x.send(fd, "ok");
            }
        });
        s.onClose((x, fd, rid) -> closeReactor.set(rid));
        try (Running r = Running.start(s); Socket a = r.connect(); Socket b = r.connect()) {
            // in THREAD mode two reactors accept, so which socket got fd 100 is not fixed
            assertThat(Running.exchange(a, "ok")).isEqualTo("ok");
            int aFd = lastFd.get();
            assertThat(Running.exchange(b, "ok")).isEqualTo("ok");
            ClientInfo ci = info.get();
            assertThat(ci.remoteIp()).isEqualTo("127.0.0.1");
            assertThat(ci.remotePort()).isEqualTo(b.getLocalPort());
            assertThat(ci.serverPort()).isEqualTo(r.port());
            assertThat(ci.socketType()).isEqualTo(SockType.TCP.value());
            assertThat(ci.lastRecvTime()).isPositive();
            assertThat(ci.toMap()).containsKeys("server_fd", "reactor_id", "connect_time", "last_time");
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
            assertThat(eventually(() -> closeReactor.get() == -1)).as("server close has reactorId < 0").isTrue();
            assertThat(eventually(() -> !s.exists(aFd))).isTrue();
            assertThat(s.send(aFd, "late")).isFalse();
            assertThat(LastError.error()).isIn(ErrorCode.SESSION_NOT_EXIST, ErrorCode.SESSION_CLOSED);
            assertThat(s.close(aFd)).isFalse();
            b.close();
            assertThat(eventually(() -> closeReactor.get() >= 0)).as("client close has reactorId >= 0").isTrue();
        }
    }

    @ParameterizedTest
    @EnumSource(value = Mode.class, names = {"BASE", "THREAD"})
    void aHandlerThatThrowsKeepsTheConnectionAndTheWorker(Mode mode) throws Exception {
        Server s = new Server("127.0.0.1", 0, mode);
        s.set(Map.of("worker_num", 1, "log_file", tmp.resolve("server.log").toString()));
        s.onReceive((x, fd, rid, data) -> {
            if (new String(data).equals("boom")) {
                throw new IllegalStateException("handler failure for the test");
            }
            x.send(fd, data);
        });
        try (Running r = Running.start(s); Socket c = r.connect()) {
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

    @ParameterizedTest
    @EnumSource(value = Mode.class, names = {"BASE", "THREAD"})
    void aBlockingHandlerDoesNotDelayAnotherConnectionOfTheSameWorker(Mode mode) throws Exception {
        AtomicInteger running = new AtomicInteger();
        AtomicInteger maxParallel = new AtomicInteger();
        Server s = new Server("127.0.0.1", 0, mode);
        s.set(Map.of("worker_num", 1, "reactor_num", 1));
        s.onReceive((x, fd, rid, data) -> {
            int now = running.incrementAndGet();
            maxParallel.accumulateAndGet(now, Math::max);
            for (int i = 0; i < 200_000; i++) {
                // a little CPU work while "running", so overlapping callbacks would be seen
                if (running.get() > 1) {
                    maxParallel.accumulateAndGet(running.get(), Math::max);
                }
            }
            running.decrementAndGet();
            if (new String(data).equals("slow")) {
                Coroutine.sleep(0.2);
            }
            x.send(fd, data);
        });
        try (Running r = Running.start(s); Socket slow = r.connect(); Socket fast = r.connect()) {
            slow.getOutputStream().write("slow".getBytes());
            Thread.sleep(20);
            long t0 = System.nanoTime();
            assertThat(Running.exchange(fast, "fast")).isEqualTo("fast");
            long fastMs = (System.nanoTime() - t0) / 1_000_000;
            assertThat(new String(Running.read(slow, 4))).isEqualTo("slow");
            assertThat(fastMs).as("the fast connection waited for the sleeping one").isLessThan(150);
            assertThat(maxParallel.get()).as("two callbacks of one worker ran at once").isEqualTo(1);
        }
    }

    @ParameterizedTest
    @EnumSource(value = Mode.class, names = {"BASE", "THREAD"})
    void connectFinishesBeforeReceiveAndCloseWaitsForReceive(Mode mode) throws Exception {
        List<String> order = new CopyOnWriteArrayList<>();
        Server s = new Server("127.0.0.1", 0, mode);
        s.set(Map.of("worker_num", 1));
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
        try (Running r = Running.start(s)) {
            try (Socket c = r.connect()) {
                c.getOutputStream().write("x".getBytes());
            }
            assertThat(eventually(() -> order.contains("close"))).isTrue();
        }
        assertThat(order).containsExactly("connect-end", "receive-start", "receive-end", "close");
    }

    @ParameterizedTest
    @EnumSource(value = Mode.class, names = {"BASE", "THREAD"})
    void workerStatusIsBusyWhileAnEventRuns(Mode mode) throws Exception {
        AtomicReference<String> statuses = new AtomicReference<>();
        Server s = new Server("127.0.0.1", 0, mode);
        s.set(Map.of("worker_num", 2));
        s.onReceive((x, fd, rid, data) -> {
            int me = x.getWorkerId();
            statuses.set(x.getWorkerStatus(me) + " " + x.getWorkerStatus(1 - me) + " " + x.getWorkerStatus(7));
            x.send(fd, data);
        });
        try (Running r = Running.start(s); Socket c = r.connect()) {
            assertThat(Running.exchange(c, "x")).isEqualTo("x");
            assertThat(statuses.get()).isEqualTo(Server.WORKER_BUSY + " " + Server.WORKER_IDLE + " -1");
        }
    }

    @ParameterizedTest
    @EnumSource(value = Mode.class, names = {"BASE", "THREAD"})
    void withoutCoroutinesCallbacksRunDirectly(Mode mode) throws Exception {
        AtomicReference<Long> cid = new AtomicReference<>();
        Server s = new Server("127.0.0.1", 0, mode);
        s.set(Map.of("worker_num", 1, "enable_coroutine", false));
        s.onReceive((x, fd, rid, data) -> {
            cid.set(Coroutine.getCid());
            x.send(fd, data);
        });
        try (Running r = Running.start(s); Socket c = r.connect()) {
            assertThat(Running.exchange(c, "x")).isEqualTo("x");
            assertThat(cid.get()).isEqualTo(-1L);
        }
    }

    @ParameterizedTest
    @EnumSource(value = Mode.class, names = {"BASE", "THREAD"})
    void pastMaxConnNewConnectionsAreClosedAndOldOnesWork(Mode mode) throws Exception {
        Server s = new Server("127.0.0.1", 0, mode);
        s.set(Map.of("worker_num", 1, "max_conn", 2));
        s.onReceive((x, fd, rid, data) -> x.send(fd, data));
        try (Running r = Running.start(s); Socket a = r.connect(); Socket b = r.connect()) {
            assertThat(Running.exchange(a, "a")).isEqualTo("a");
            assertThat(Running.exchange(b, "b")).isEqualTo("b");
            try (Socket c = r.connect()) {
                assertThat(Running.closedByPeer(c)).isTrue();
            }
            assertThat(Running.exchange(a, "a2")).isEqualTo("a2");
            assertThat(s.stats().get("abort_count")).isEqualTo(1L);
        }
    }

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
