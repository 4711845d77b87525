package io.jswoole.server.parity;

import static io.jswoole.server.Running.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import io.jswoole.ErrorCode;
import io.jswoole.LastError;
import io.jswoole.coroutine.Coroutine;
import io.jswoole.server.ClientInfo;
import io.jswoole.server.Mode;
import io.jswoole.server.Probe;
import io.jswoole.server.Recipe;
import io.jswoole.server.Running;
import io.jswoole.server.Server;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Swoole's connection-method tests of {@code tests/swoole_server/}: fd and connection info, the connection
 * iterator, closing, and the methods of {@code include/api/swoole_server/opcode_server.php}, in every mode.
 */
class ConnectionParityTest {
    @TempDir
    Path tmp;

    /**
     * The opcode server of {@code tests/include/api/swoole_server/opcode_server.php}: each line names a server method
     * called on the caller's own fd; the answer is its result on one line.
     */
    static final class Opcode implements Recipe {
        @Override
        public void build(Server s, Probe p) {
            s.onReceive((x, fd, rid, data) -> {
                StringBuilder out = new StringBuilder();
                for (String line : new String(data).split("\n")) {
                    String[] a = line.trim().split(" ");
                    String r = switch (a[0]) {
                        case "getClientInfo" -> x.getClientInfo(fd).map(i -> i.toMap().keySet().toString()
                                + " " + i.remotePort()).orElse("false");
                        case "getClientList" -> x.getClientList(0, 10).toString();
                        case "exist" -> x.exists(fd) + " " + x.exists(fd + 1000);
                        case "bind" -> x.bind(fd, Long.parseLong(a[1])) + " "
                                + x.getClientInfo(fd).map(ClientInfo::uid).orElse(-1L);
                        case "protect" -> String.valueOf(x.protect(fd, a.length < 2 || Boolean.parseBoolean(a[1])));
                        case "getLastError" -> String.valueOf(x.getLastError());
                        case "status" -> x.getWorkerStatus(x.getWorkerId()) + " "
                                + x.getWorkerStatus(1 - x.getWorkerId());
                        case "invalid" -> x.send(-1, "x") + " " + x.send(100, "x") + " " + x.send(Integer.MAX_VALUE,
                                "x") + " " + x.send(fd, "") ;
                        default -> "unknown " + a[0];
                    };
                    out.append(r).append('\n');
                }
                x.send(fd, out.toString());
            });
        }
    }

    /**
     * {@code getClientInfo.phpt}, {@code getClientList.phpt}, {@code exist.phpt}, {@code bind.phpt},
     * {@code protect.phpt}, {@code protect_false.phpt}, {@code getLastError.phpt}, {@code getWorkerStatus.phpt},
     * {@code invalid_fd.phpt} (all {@code tests/swoole_server/}): the opcode server's answers on one connection.
     */
    @ParameterizedTest
    @EnumSource(Mode.class)
    void theOpcodeServerAnswersAsSwooles(Mode mode) throws Exception {
        try (Probe p = Probe.create(); Running r = Running.start(Recipe.server(mode, Map.of("worker_num", 2),
                Opcode.class, p)); Socket c = r.connect()) {
            BufferedReader in = new BufferedReader(new InputStreamReader(c.getInputStream()));
            java.util.function.Function<String, String> ask = cmd -> {
                try {
                    c.getOutputStream().write((cmd + "\n").getBytes());
                    return in.readLine();
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            };
            String info = ask.apply("getClientInfo");
            assertThat(info).as("an array with Swoole's keys").contains("server_port", "server_fd", "socket_fd",
                    "remote_ip", "reactor_id", "connect_time", "last_time", "close_errno")
                    .endsWith(" " + c.getLocalPort());
            assertThat(ask.apply("getClientList")).as("one connection").isEqualTo("[1]");
            assertThat(ask.apply("exist")).isEqualTo("true false");
            assertThat(ask.apply("bind 42")).isEqualTo("true 42");
            assertThat(ask.apply("protect")).isEqualTo("true");
            assertThat(ask.apply("protect false")).isEqualTo("true");
            assertThat(ask.apply("getLastError")).isEqualTo("0");
            assertThat(ask.apply("status")).as("current busy, another idle")
                    .isEqualTo(Server.WORKER_BUSY + " " + Server.WORKER_IDLE);
            // a PROCESS worker JVM's send to a valid but unknown fd is true once queued (README "Deviations")
            assertThat(ask.apply("invalid")).as("send to -1, 100, INT_MAX fails")
                    .startsWith("false " + (mode == Mode.PROCESS) + " false");
        }
    }

    /** {@code connections.phpt} and {@code big_session_id.phpt}: at the N-th connect, every fd gets "fd-OK". */
    static final class SendAllAtN implements Recipe {
        static final AtomicInteger COUNT = new AtomicInteger();

        @Override
        public void build(Server s, Probe p) {
            COUNT.set(0);
            s.onConnect((x, fd, rid) -> {
                if (COUNT.incrementAndGet() == 10) {
                    for (int f : x.connections()) {
                        x.send(f, f + "-OK");
                    }
                }
            });
            s.onReceive((x, fd, rid, data) -> { });
        }
    }

    /**
     * {@code tests/swoole_server/connections.phpt} (start 0) and {@code tests/swoole_server/big_session_id.phpt}
     * (a large {@code start_session_id}): the connection iterator reaches all 10 clients from the 10th connect, and
     * the i-th client gets fd {@code start_session_id + 1 + i}. Swoole's big value is 2^31; jswoole's fds stay below
     * 2^24 (README "Semantics"), so the big value here is the largest that keeps 10 fds below it.
     */
    @ParameterizedTest
    @EnumSource(Mode.class)
    void theConnectionIteratorReachesEveryClientAndFdsFollowStartSessionId(Mode mode) throws Exception {
        for (int start : new int[] {0, (1 << 24) - 12}) {
            try (Probe p = Probe.create(); Running r = Running.start(Recipe.server(mode,
                    Map.of("worker_num", 1, "start_session_id", start), SendAllAtN.class, p))) {
                List<Socket> cs = new ArrayList<>();
                try {
                    for (int i = 0; i < 10; i++) {
                        cs.add(r.connect());
                        int fd = Running.fdOf(r.server, cs.get(i));
                        assertThat(fd).as("client " + i).isEqualTo(start + 1 + i);
                    }
                    for (int i = 0; i < 10; i++) {
                        String want = (start + 1 + i) + "-OK";
                        assertThat(new String(Running.read(cs.get(i), want.length()))).isEqualTo(want);
                    }
                } finally {
                    for (Socket c : cs) {
                        c.close();
                    }
                }
            }
        }
    }

    /** {@code close_in_connect_callback.phpt}: closes in onConnect. */
    static final class CloseInConnect implements Recipe {
        @Override
        public void build(Server s, Probe p) {
            s.onConnect((x, fd, rid) -> x.close(fd));
            s.onReceive((x, fd, rid, data) -> p.add("received"));
        }
    }

    /** {@code tests/swoole_server/close_in_connect_callback.phpt}: the client's recv gets "" (EOF). */
    @ParameterizedTest
    @EnumSource(Mode.class)
    void closeInTheConnectCallbackGivesTheClientEof(Mode mode) throws Exception {
        try (Probe p = Probe.create(); Running r = Running.start(Recipe.server(mode, Map.of("worker_num", 2),
                CloseInConnect.class, p)); Socket c = r.connect()) {
            c.getOutputStream().write("close".getBytes());
            assertThat(Running.closedByPeer(c)).as("recv gives \"\"").isTrue();
        }
    }

    /** {@code getClientInfo_in_callback_of_close*.phpt}: the close callback still reads the connection's info. */
    static final class InfoInClose implements Recipe {
        @Override
        public void build(Server s, Probe p) {
            s.onReceive((x, fd, rid, data) -> x.close(fd));
            s.onClose((x, fd, rid) -> p.add("close " + x.getClientInfo(fd).map(i -> "close_errno="
                    + i.closeErrno()).orElse("false")));
        }
    }

    /**
     * {@code tests/swoole_server/getClientInfo_in_callback_of_close.phpt} (the server closes) and
     * {@code getClientInfo_in_callback_of_close_2.phpt} (the client closes): getClientInfo in onClose is an array
     * whose close_errno is 0.
     */
    @ParameterizedTest
    @EnumSource(Mode.class)
    void getClientInfoWorksInTheCloseCallback(Mode mode) throws Exception {
        try (Probe p = Probe.create(); Running r = Running.start(Recipe.server(mode, Map.of("worker_num", 1),
                InfoInClose.class, p))) {
            try (Socket c = r.connect()) {
                c.getOutputStream().write("close".getBytes());
                assertThat(c.getInputStream().read()).isEqualTo(-1);
            }
            try (Socket c = r.connect()) {
                assertThat(Running.fdOf(r.server, c)).isPositive();
            }
            assertThat(eventually(() -> p.count("close close_errno=0") == 2)).as(p.events().toString()).isTrue();
        }
    }

    /** {@code tests/swoole_server/pid_file.phpt}: the pid file exists while the server runs, not after. */
    @ParameterizedTest
    @EnumSource(Mode.class)
    void thePidFileLivesAsLongAsTheServer(Mode mode) throws Exception {
        Path pid = tmp.resolve("test.pid");
        try (Probe p = Probe.create(); Running r = Running.start(Recipe.server(mode, Map.of("worker_num", 1,
                "pid_file", pid.toString()), Recipe.Echo.class, p))) {
            assertThat(pid).isRegularFile();
        }
        assertThat(pid).doesNotExist();
    }

    /** {@code enable_delay_receive.phpt}: onConnect sleeps 0.3 s, then confirms. */
    static final class DelayThenConfirm implements Recipe {
        @Override
        public void build(Server s, Probe p) {
            s.onConnect((x, fd, rid) -> {
                Coroutine.sleep(0.3);
                x.confirm(fd);
            });
            s.onReceive((x, fd, rid, data) -> x.send(fd, "hello " + new String(data)));
        }
    }

    /** {@code tests/swoole_server/enable_delay_receive.phpt}: "hello world" arrives about 0.3 s after the send. */
    @ParameterizedTest
    @EnumSource(Mode.class)
    void enableDelayReceiveHoldsDataUntilConfirm(Mode mode) throws Exception {
        try (Probe p = Probe.create(); Running r = Running.start(Recipe.server(mode, Map.of("worker_num", 1,
                "enable_delay_receive", true), DelayThenConfirm.class, p)); Socket c = r.connect()) {
            c.getOutputStream().write("world".getBytes());
            long t0 = System.nanoTime();
            assertThat(new String(Running.read(c, 11))).isEqualTo("hello world");
            double s = (System.nanoTime() - t0) / 1e9;
            assertThat(s).as("time_approximate(0.3, ..., 0.5)").isBetween(0.15, 0.8);
        }
    }

    static final int BIG = 4 * 1024 * 1024;

    /** {@code close_queued.phpt} and {@code close_reset.phpt}: 2 MiB (or 4 MiB) and "\r\n", then close. */
    static final class SendBigThenClose implements Recipe {
        @Override
        public void build(Server s, Probe p) {
            s.onReceive((x, fd, rid, data) -> {
                String cmd = new String(data);
                int n = cmd.equals("reset") ? BIG : 2 * 1024 * 1024;
                x.send(fd, "A".repeat(n) + "\r\n");
                p.add("close[0] " + x.close(fd));
                if (cmd.equals("reset")) {
                    Coroutine.sleep(0.05);
                    boolean again = x.close(fd);
                    p.add("close[1] " + again + " " + (LastError.get() == ErrorCode.SESSION_CLOSED.code()));
                    Coroutine.sleep(0.1);
                    p.add("close[2] " + x.close(fd, true));
                }
            });
        }
    }

    /**
     * {@code tests/swoole_server/close_queued.phpt}: a close after a 2 MiB send to a client that reads only a second
     * later still delivers every byte; {@code tests/swoole_server/close_reset.phpt}: a second close fails with
     * SESSION_CLOSED, and close(fd, true) drops what is still queued, so the client gets less than 4 MiB.
     */
    @ParameterizedTest
    @EnumSource(Mode.class)
    void closeDeliversQueuedOutputAndResetDropsIt(Mode mode) throws Exception {
        try (Probe p = Probe.create(); Running r = Running.start(Recipe.server(mode, Map.of("worker_num", 1,
                "socket_buffer_size", 8 * 1024 * 1024, "kernel_socket_send_buffer_size", 128 * 1024), SendBigThenClose.class, p))) {
            try (Socket c = new Socket()) {
                c.setReceiveBufferSize(128 * 1024);
                c.connect(new java.net.InetSocketAddress("127.0.0.1", r.port()));
                c.setSoTimeout(5000);
                c.getOutputStream().write("close".getBytes());
                Thread.sleep(1000);
                assertThat(c.getInputStream().readAllBytes()).hasSize(2 * 1024 * 1024 + 2);
            }
            try (Socket c = new Socket()) {
                c.setReceiveBufferSize(128 * 1024);
                c.connect(new java.net.InetSocketAddress("127.0.0.1", r.port()));
                c.setSoTimeout(5000);
                c.getOutputStream().write("reset".getBytes());
                Thread.sleep(1000);
                String got = Running.readUntilClose(c);
                assertThat(got.length()).as("the reset dropped queued output").isLessThan(BIG);
            }
            assertThat(eventually(() -> p.events().stream().anyMatch(e -> e.startsWith("close[2]")))).isTrue();
            assertThat(p.events()).contains("close[0] true", "close[1] false true", "close[2] true");
        }
    }

    /** {@code last_time.phpt}: each line answers its last_dispatch_time and the time now; "test1" then sleeps. */
    static final class LastTime implements Recipe {
        @Override
        public void build(Server s, Probe p) {
            s.onReceive((x, fd, rid, data) -> {
                ClientInfo i = x.getClientInfo(fd).orElseThrow();
                x.send(fd, (System.currentTimeMillis() / 1000.0 - i.lastDispatchTime()) + "\r\n");
                if (new String(data).trim().equals("test1")) {
                    Coroutine.sleep(0.3);
                }
            });
        }
    }

    /**
     * {@code tests/swoole_server/last_time.phpt}: two packets of one write, both dispatched at once: the first is
     * handled at once (now - last_dispatch_time small). Swoole's handler blocks its worker with usleep, so the
     * second runs 0.3 s after its dispatch; in jswoole a callback that sleeps (or blocks on the JDK) parks only its
     * own coroutine (README "Semantics worth knowing": receive callbacks of one connection may overlap when they
     * block), so the second also runs well before 0.3 s, in every mode.
     */
    @ParameterizedTest
    @EnumSource(Mode.class)
    void lastDispatchTimeIsWhenTheEventWasDispatched(Mode mode) throws Exception {
        try (Probe p = Probe.create(); Running r = Running.start(Recipe.server(mode, Map.of("worker_num", 1,
                "open_eof_split", true, "package_eof", "\r\n"), LastTime.class, p)); Socket c = r.connect()) {
            c.getOutputStream().write("test1\r\ntest2\r\n".getBytes());
            BufferedReader in = new BufferedReader(new InputStreamReader(c.getInputStream()));
            double first = Double.parseDouble(in.readLine());
            double second = Double.parseDouble(in.readLine());
            assertThat(first).isBetween(0.0, 0.2);
            assertThat(second).as("not held behind the first's sleep").isBetween(0.0, 0.25);
        }
    }
}
