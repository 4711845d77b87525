package io.jswoole.server;

import static io.jswoole.server.Running.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.net.Socket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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

    @ParameterizedTest
    @EnumSource(value = Mode.class, names = {"BASE", "THREAD"})
    void anFdIsReusedOnlyAfterItsConnectionIsGone(Mode mode) throws Exception {
        List<Integer> fds = new java.util.concurrent.CopyOnWriteArrayList<>();
        Server s = new Server("127.0.0.1", 0, mode);
        s.set(Map.of("worker_num", 1, "start_session_id", Connection.MAX_FD - 1));
        s.onConnect((x, fd, rid) -> fds.add(fd));
        s.onReceive((x, fd, rid, data) -> x.send(fd, data));
        try (Running r = Running.start(s)) {
            Socket first = r.connect();
            try (Socket second = r.connect(); Socket third = r.connect()) {
                assertThat(Running.exchange(third, "x")).isEqualTo("x");
                // THREAD mode accepts on two reactors: the fds are these three, in either order, and the connect
                // events of the first two may still be on their way
                assertThat(eventually(() -> fds.size() == 3)).isTrue();
                assertThat(fds).containsExactlyInAnyOrder(Connection.MAX_FD - 1, Connection.MAX_FD, 1);
            }
            assertThat(eventually(() -> s.connections().size() == 1)).isTrue();
            try (Socket fourth = r.connect()) {
                assertThat(Running.exchange(fourth, "y")).isEqualTo("y");
                assertThat(eventually(() -> fds.size() == 4)).isTrue();
                assertThat(fds.get(3)).as("next fd after the wrap, skipping the live ones").isEqualTo(2);
            }
            first.close();
        }
    }

    @ParameterizedTest
    @EnumSource(value = Mode.class, names = {"BASE", "THREAD"})
    void twoConcurrentSendersOfOneMebibyteNeverInterleave(Mode mode) throws Exception {
        int size = 1 << 20;
        int perSender = 8;
        Server s = new Server("127.0.0.1", 0, mode);
        // two workers receive the two triggers; 16 MiB may be queued at once, above the 8 MiB default cap
        s.set(Map.of("worker_num", 2, "dispatch_mode", 1, "socket_buffer_size", "32M"));
        s.onReceive((x, fd, rid, data) -> {
            for (byte marker : data) {
                byte[] block = new byte[size];
                Arrays.fill(block, marker);
                // a platform thread per marker: the two senders run truly in parallel, outside the workers
                Thread.ofPlatform().start(() -> {
                    for (int i = 0; i < perSender; i++) {
                        x.send(fd, block);
                    }
                });
            }
        });
        try (Running r = Running.start(s); Socket c = r.connect()) {
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

    @ParameterizedTest
    @EnumSource(value = Mode.class, names = {"BASE", "THREAD"})
    void bindAttachesAUidOnce(Mode mode) throws Exception {
        AtomicInteger results = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(1);
        Server s = new Server("127.0.0.1", 0, mode);
        s.set(Map.of("worker_num", 1));
        s.onReceive((x, fd, rid, data) -> {
            results.set((x.bind(fd, 42) ? 1 : 0) + (x.bind(fd, 43) ? 10 : 0));
            assertThat(x.getClientInfo(fd).orElseThrow().uid()).isEqualTo(42);
            done.countDown();
        });
        try (Running r = Running.start(s); Socket c = r.connect()) {
            c.getOutputStream().write(1);
            assertThat(done.await(5, TimeUnit.SECONDS)).isTrue();
            assertThat(results.get()).as("first bind succeeds, the second fails").isEqualTo(1);
        }
    }

    @ParameterizedTest
    @EnumSource(value = Mode.class, names = {"BASE", "THREAD"})
    void aHalfClosingPeerGetsItsAnswerThenTheClose(Mode mode) throws Exception {
        AtomicInteger closeReactor = new AtomicInteger(-99);
        Server s = new Server("127.0.0.1", 0, mode);
        s.set(Map.of("worker_num", 1));
        s.onReceive((x, fd, rid, data) -> {
            io.jswoole.coroutine.Coroutine.sleep(0.05);
            x.send(fd, data);
        });
        s.onClose((x, fd, rid) -> closeReactor.set(rid));
        try (Running r = Running.start(s); Socket c = r.connect()) {
            c.getOutputStream().write("bye".getBytes());
            c.shutdownOutput();
            assertThat(new String(c.getInputStream().readAllBytes())).isEqualTo("bye");
            assertThat(eventually(() -> closeReactor.get() >= 0)).as("a close by the peer").isTrue();
        }
    }

    @Test
    void closeWithResetSendsAnRst() throws Exception {
        Server s = new Server("127.0.0.1", 0);
        s.set(Map.of("worker_num", 1));
        s.onReceive((x, fd, rid, data) -> x.close(fd, true));
        try (Running r = Running.start(s); Socket c = r.connect()) {
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
