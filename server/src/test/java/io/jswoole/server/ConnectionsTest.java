package io.jswoole.server;

import static io.jswoole.server.Running.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import io.jswoole.server.reactor.Connection;
import io.jswoole.server.reactor.ConnectionTable;
import java.io.InputStream;
import java.net.Socket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** fd allocation, reuse and wrap; atomic sends. */
class ConnectionsTest {
    @Test
    void fdsWrapBelowTwoToThe24AndSkipLiveOnes() {
        ConnectionTable t = new ConnectionTable(Connection.MAX_FD - 1, 10);
        int a = t.allocate();
        int b = t.allocate();
        int c = t.allocate();
        assertThat(List.of(a, b, c)).containsExactly(Connection.MAX_FD - 1, Connection.MAX_FD, 1);
        t.free(b);
        assertThat(t.allocate()).as("fds keep counting up after a free").isEqualTo(2);
        // a table whose fds wrap at 4, to see a freed fd come back after the wrap
        ConnectionTable u = new ConnectionTable(1, 3, 4);
        assertThat(u.allocate()).isEqualTo(1);
        assertThat(u.allocate()).isEqualTo(2);
        assertThat(u.allocate()).isEqualTo(3);
        assertThat(u.allocate()).as("max_conn reached").isEqualTo(-1);
        u.free(2);
        assertThat(u.allocate()).isEqualTo(4);
        u.free(1);
        assertThat(u.allocate()).as("after the wrap, the freed fd 1 is handed out again").isEqualTo(1);
        u.free(3);
        assertThat(u.allocate()).as("live fds 4 and 1 are skipped").isEqualTo(2);
    }

    /** Echo; every connect event reports its fd. */
    static final class Fds implements Recipe {
        @Override
        public void build(Server s, Probe probe) {
            s.onConnect((x, fd, rid) -> probe.add(Integer.toString(fd)));
            s.onReceive((x, fd, rid, data) -> x.send(fd, data));
        }
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void anFdIsReusedOnlyAfterItsConnectionIsGone(Mode mode) throws Exception {
        try (Probe probe = Probe.create(); Running r = Running.start(Recipe.server(mode,
                Map.of("worker_num", 1, "start_session_id", Connection.MAX_FD - 2), Fds.class, probe))) {
            Server s = r.server;
            java.util.function.Supplier<List<Integer>> fds = () -> probe.events().stream().map(Integer::valueOf)
                    .toList();
            Socket first = r.connect();
            try (Socket second = r.connect(); Socket third = r.connect()) {
                assertThat(Running.exchange(third, "x")).isEqualTo("x");
                // THREAD mode accepts on two reactors: the fds are these three, in either order, and the connect
                // events of the first two may still be on their way
                assertThat(eventually(() -> fds.get().size() == 3)).isTrue();
                assertThat(fds.get()).containsExactlyInAnyOrder(Connection.MAX_FD - 1, Connection.MAX_FD, 1);
            }
            assertThat(eventually(() -> s.connections().size() == 1)).isTrue();
            try (Socket fourth = r.connect()) {
                assertThat(Running.exchange(fourth, "y")).isEqualTo("y");
                assertThat(eventually(() -> fds.get().size() == 4)).isTrue();
                assertThat(fds.get().get(3)).as("next fd after the wrap, skipping the live ones").isEqualTo(2);
            }
            first.close();
        }
    }

    private static final int SIZE = 1 << 20, PER_SENDER = 8;

    /** Each byte received starts a sender of PER_SENDER blocks of SIZE bytes of that byte, on a thread of its own. */
    static final class ParallelSenders implements Recipe {
        @Override
        public void build(Server s, Probe probe) {
            s.onReceive((x, fd, rid, data) -> {
                for (byte marker : data) {
                    byte[] block = new byte[SIZE];
                    Arrays.fill(block, marker);
                    // a platform thread per marker: the two senders run truly in parallel, outside the workers
                    Thread.ofPlatform().start(() -> {
                        for (int i = 0; i < PER_SENDER; i++) {
                            x.send(fd, block);
                        }
                    });
                }
            });
        }
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void twoConcurrentSendersOfOneMebibyteNeverInterleave(Mode mode) throws Exception {
        int size = SIZE;
        int perSender = PER_SENDER;
        // 16 MiB may be queued at once, above the 8 MiB default cap
        try (Probe probe = Probe.create(); Running r = Running.start(Recipe.server(mode, Map.of("worker_num", 2,
                "dispatch_mode", 1, "socket_buffer_size", "32M"), ParallelSenders.class, probe));
                Socket c = r.connect()) {
            c.setSoTimeout(20_000);
            c.getOutputStream().write(new byte[] {'A', 'B'});
            InputStream in = c.getInputStream();
            int[] counts = new int[256];
            for (int i = 0; i < 2 * perSender; i++) {
                byte[] block = in.readNBytes(size);
                assertThat(block).hasSize(size);
                byte m = block[0];
                for (int j = 1; j < size; j++) {
                    if (block[j] != m) {
                        throw new AssertionError("block " + i + " is mixed at byte " + j);
                    }
                }
                counts[m]++;
            }
            assertThat(counts['A']).isEqualTo(perSender);
            assertThat(counts['B']).isEqualTo(perSender);
        }
    }

    /** Binds uid 42, then 43, and reports both answers and the uid the connection has. */
    static final class Binds implements Recipe {
        @Override
        public void build(Server s, Probe probe) {
            s.onReceive((x, fd, rid, data) -> {
                boolean first = x.bind(fd, 42);
                boolean second = x.bind(fd, 43);
                probe.add(first + " " + second + " " + x.getClientInfo(fd).orElseThrow().uid());
            });
        }
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void bindAttachesAUidOnce(Mode mode) throws Exception {
        try (Probe probe = Probe.create(); Running r = Running.start(Recipe.server(mode, Map.of("worker_num", 1),
                Binds.class, probe)); Socket c = r.connect()) {
            c.getOutputStream().write(1);
            assertThat(eventually(() -> !probe.events().isEmpty())).isTrue();
            assertThat(probe.events()).as("the first bind succeeds, the second fails, the uid stays 42")
                    .containsExactly("true false 42");
            int fd = Running.fdOf(r.server, c);
            assertThat(r.server.getClientInfo(fd).orElseThrow().uid()).as("as the server sees it").isEqualTo(42);
        }
    }

    /** A slow echo; the close event reports its reactor id. */
    static final class SlowEcho implements Recipe {
        @Override
        public void build(Server s, Probe probe) {
            s.onReceive((x, fd, rid, data) -> {
                io.jswoole.coroutine.Coroutine.sleep(0.05);
                x.send(fd, data);
            });
            s.onClose((x, fd, rid) -> probe.add("close " + rid));
        }
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void aHalfClosingPeerGetsItsAnswerThenTheClose(Mode mode) throws Exception {
        try (Probe probe = Probe.create(); Running r = Running.start(Recipe.server(mode, Map.of("worker_num", 1),
                SlowEcho.class, probe)); Socket c = r.connect()) {
            c.getOutputStream().write("bye".getBytes());
            c.shutdownOutput();
            assertThat(new String(c.getInputStream().readAllBytes())).isEqualTo("bye");
            assertThat(eventually(() -> !probe.events().isEmpty())).isTrue();
            assertThat(probe.events().get(0)).as("a close by the peer: a reactor id, not -1").matches("close \\d+");
        }
    }

    /** Resets the connection on its first bytes. */
    static final class Resets implements Recipe {
        @Override
        public void build(Server s, Probe probe) {
            s.onReceive((x, fd, rid, data) -> x.close(fd, true));
        }
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void closeWithResetSendsAnRst(Mode mode) throws Exception {
        try (Probe probe = Probe.create(); Running r = Running.start(Recipe.server(mode, Map.of("worker_num", 1),
                Resets.class, probe)); Socket c = r.connect()) {
            c.getOutputStream().write(1);
            List<Class<?>> outcome = new ArrayList<>();
            try {
                int n = c.getInputStream().read();
                outcome.add(n < 0 ? Integer.class : Byte.class);
            } catch (java.net.SocketException e) {
                outcome.add(e.getClass());
            }
            assertThat(outcome).containsExactly(java.net.SocketException.class);
        }
    }
}
