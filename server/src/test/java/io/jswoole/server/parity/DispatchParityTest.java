package io.jswoole.server.parity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jswoole.server.DispatchFunction;
import io.jswoole.server.Mode;
import io.jswoole.server.Probe;
import io.jswoole.server.Recipe;
import io.jswoole.server.Running;
import io.jswoole.server.Server;
import io.jswoole.server.SockType;
import java.io.InputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Swoole's {@code tests/swoole_server/dispatch_*.phpt}: which worker gets each packet. Dispatch modes apply where a
 * reactor hands events to workers: THREAD and PROCESS (in BASE each worker keeps what it accepts, as in Swoole).
 */
class DispatchParityTest {
    static final String EOF = "\r\n\r\n";
    static final int WORKERS = 4, CLIENTS = 8, REQUESTS = 20;

    /** Every packet is answered with the worker id (the server of dispatch_mode_1.phpt and dispatch_fallback.phpt). */
    static final class WhoAnswers implements Recipe {
        @Override
        public void build(Server s, Probe p) {
            s.onReceive((x, fd, rid, data) -> x.send(fd, x.getWorkerId() + EOF));
        }
    }

    /** {@link WhoAnswers} with a dispatch_func that always falls back to dispatch_mode. */
    static final class FallsBack implements Recipe {
        @Override
        public void build(Server s, Probe p) {
            s.set(Map.of("dispatch_func", (DispatchFunction) (x, fd, type, data)
                    -> DispatchFunction.USERFUNC_FALLBACK));
            new WhoAnswers().build(s, p);
        }
    }

    /** {@link WhoAnswers}; workers 1 and 2 block 20 ms per packet (dispatch_mode_3.phpt slows workers 5 and 10). */
    static final class SlowWorkers implements Recipe {
        @Override
        public void build(Server s, Probe p) {
            s.onReceive((x, fd, rid, data) -> {
                if (x.getWorkerId() == 1 || x.getWorkerId() == 2) {
                    try {
                        Thread.sleep(20);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                x.send(fd, x.getWorkerId() + EOF);
            });
        }
    }

    /** CLIENTS clients each send REQUESTS packets at once, then read the answers: packets per answering worker. */
    static Map<String, Integer> stats(Running r) throws Exception {
        Map<String, Integer> stats = new ConcurrentHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                done.add(pool.submit(() -> {
                    try (Socket s = r.connect()) {
                        s.setSoTimeout(10_000);
                        s.getOutputStream().write(("hello world" + EOF).repeat(REQUESTS).getBytes());
                        InputStream in = s.getInputStream();
                        StringBuilder got = new StringBuilder();
                        while (got.toString().split(EOF, -1).length <= REQUESTS) {
                            int b = in.read();
                            if (b < 0) {
                                break;
                            }
                            got.append((char) b);
                        }
                        for (String wid : got.toString().split(EOF)) {
                            stats.merge(wid, 1, Integer::sum);
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        return new TreeMap<>(stats);
    }

    static Map<String, Object> settings(int dispatchMode, Object... more) {
        Map<String, Object> m = new java.util.HashMap<>(Map.of("worker_num", WORKERS, "dispatch_mode", dispatchMode,
                "package_eof", EOF, "open_eof_split", true));
        for (int i = 0; i < more.length; i += 2) {
            m.put((String) more[i], more[i + 1]);
        }
        return m;
    }

    /**
     * {@code tests/swoole_server/dispatch_mode_1.phpt} (round robin) and
     * {@code tests/swoole_server/dispatch_fallback.phpt} (a dispatch_func answering
     * SWOOLE_DISPATCH_RESULT_USERFUNC_FALLBACK over mode 1): every worker answers exactly an equal share.
     */
    @ParameterizedTest
    @EnumSource(value = Mode.class, names = {"THREAD", "PROCESS"})
    void roundRobinAndItsFallbackShareEqually(Mode mode) throws Exception {
        for (Class<? extends Recipe> recipe : List.of(WhoAnswers.class, FallsBack.class)) {
            try (Probe p = Probe.create(); Running r = Running.start(Recipe.server(mode, settings(1), recipe, p))) {
                Map<String, Integer> stats = stats(r);
                assertThat(stats).as(recipe.getSimpleName()).hasSize(WORKERS);
                assertThat(stats.values()).as(recipe.getSimpleName() + " " + stats)
                        .allMatch(n -> n == REQUESTS * CLIENTS / WORKERS);
            }
        }
    }

    /**
     * {@code tests/swoole_server/dispatch_mode_3.phpt}: with dispatch_mode 3 (idle worker) and blocking callbacks
     * ({@code enable_coroutine} false), every worker answers, every packet is answered, and the slow workers answer
     * fewer than the fast ones.
     */
    @ParameterizedTest
    @EnumSource(value = Mode.class, names = {"THREAD", "PROCESS"})
    void idleWorkerDispatchFavoursTheFastWorkers(Mode mode) throws Exception {
        try (Probe p = Probe.create(); Running r = Running.start(Recipe.server(mode,
                settings(3, "enable_coroutine", false), SlowWorkers.class, p))) {
            // four clients, each waiting for its answer, while a slow worker holds one for 20 ms: the rotation of
            // the others reaches the busy worker and passes it (Swoole's test: 16 workers, many clients, 5 ms)
            Map<String, Integer> stats = new ConcurrentHashMap<>();
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                List<Future<?>> done = new ArrayList<>();
                for (int c = 0; c < 4; c++) {
                    done.add(pool.submit(() -> {
                        try (Socket s = r.connect()) {
                            for (int i = 0; i < 40; i++) {
                                s.getOutputStream().write(("hello world" + EOF).getBytes());
                                String wid = new String(Running.read(s, 1 + EOF.length())).trim();
                                stats.merge(wid, 1, Integer::sum);
                            }
                        }
                        return null;
                    }));
                }
                for (Future<?> f : done) {
                    f.get();
                }
            } finally {
                pool.shutdownNow();
            }
            assertThat(stats.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(160);
            assertThat(stats).as("every worker answered").hasSize(WORKERS);
            int slow = stats.get("1") + stats.get("2");
            int fast = stats.get("0") + stats.get("3");
            assertThat(slow).as(stats.toString()).isLessThan(fast);
        }
    }

    /** {@code dispatch_func_discard.phpt}: the function discards every packet. */
    static final class Discards implements Recipe {
        @Override
        public void build(Server s, Probe p) {
            s.set(Map.of("dispatch_func", (DispatchFunction) (x, fd, type, data) -> DispatchFunction.DISCARD_PACKET));
            s.onReceive((x, fd, rid, data) -> {
                p.add("received");
                x.send(fd, data);
            });
        }
    }

    /**
     * {@code tests/swoole_server/dispatch_func_discard.phpt}: a 64 KiB packet that dispatch_func discards (-1) is
     * never answered: the client's recv times out.
     */
    @ParameterizedTest
    @EnumSource(value = Mode.class, names = {"THREAD", "PROCESS"})
    void aDiscardedPacketIsNeverAnswered(Mode mode) throws Exception {
        try (Probe p = Probe.create(); Running r = Running.start(Recipe.server(mode, Map.of("worker_num", 2,
                "open_eof_check", true, "package_eof", EOF), Discards.class, p)); Socket c = r.connect()) {
            c.setSoTimeout(300);
            c.getOutputStream().write(("A".repeat(65534) + EOF).getBytes());
            assertThat(Running.closedByPeer(c)).as("no answer, no close").isFalse();
            assertThat(p.events()).doesNotContain("received");
        }
    }

    /**
     * {@code tests/swoole_server/dispatch_mode_7.phpt} uses SWOOLE_DISPATCH_STREAM (7), which Swoole 5 removed from
     * its documentation; jswoole rejects 6 and 7 by name (README "Settings", {@code dispatch_mode}).
     */
    @ParameterizedTest
    @EnumSource(value = Mode.class, names = {"THREAD", "PROCESS"})
    void dispatchModeSevenIsRefusedByName(Mode mode) {
        Server s = new Server("127.0.0.1", 0, mode);
        assertThatThrownBy(() -> s.set(Map.of("dispatch_mode", 7))).hasMessageContaining("dispatch_mode");
    }

    /**
     * {@code dispatch_func.phpt}'s server: a UDP port whose dispatch_func sends a datagram to worker
     * {@code fd % worker_num}, {@code fd} being the client's IPv4 address as Swoole computes it; the packet
     * callback checks that it runs in that worker and echoes the datagram with the worker id and the type seen.
     */
    static final class UdpByAddress implements Recipe {
        @Override
        public void build(Server s, Probe p) {
            s.set(Map.of("dispatch_func", (DispatchFunction) (x, fd, type, data) ->
                    type == DispatchFunction.TYPE_PACKET ? Integer.remainderUnsigned(fd, 4) : 0));
            s.onPacket((x, data, client) -> {
                byte[] ip = InetAddress.ofLiteral(client.address()).getAddress();
                // PHP's unpack('L', pack('N', ip2long($address))): the address bytes read little-endian
                int fd = (ip[0] & 0xff) | (ip[1] & 0xff) << 8 | (ip[2] & 0xff) << 16 | (ip[3] & 0xff) << 24;
                String answer = (Integer.remainderUnsigned(fd, 4) == x.getWorkerId() ? "same" : "other")
                        + " " + x.getWorkerId() + " " + new String(data);
                x.sendto(client.address(), client.port(), answer.getBytes());
            });
        }
    }

    /**
     * {@code tests/swoole_server/dispatch_func.phpt}: with dispatch_func on a UDP server, every datagram reaches the
     * worker the function chose from the client's address (127.0.0.1: 0x0100007f, worker 3 of 4).
     */
    @ParameterizedTest
    @EnumSource(value = Mode.class, names = {"THREAD", "PROCESS"})
    void dispatchFuncChoosesTheWorkerOfEachDatagram(Mode mode) throws Exception {
        try (Probe p = Probe.create(); Running r = Running.start(Recipe.server(mode, "127.0.0.1", SockType.UDP,
                Map.of("worker_num", 4), UdpByAddress.class, p)); DatagramSocket u = new DatagramSocket()) {
            u.setSoTimeout(10_000);
            for (int i = 0; i < 8; i++) {
                byte[] msg = ("datagram " + i).getBytes();
                u.send(new DatagramPacket(msg, msg.length, InetAddress.getLoopbackAddress(), r.port()));
                DatagramPacket in = new DatagramPacket(new byte[100], 100);
                u.receive(in);
                assertThat(new String(in.getData(), 0, in.getLength())).isEqualTo("same 3 datagram " + i);
            }
        }
    }
}
