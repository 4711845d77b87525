package io.jswoole.server.parity;

import static io.jswoole.server.Running.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import io.jswoole.server.Mode;
import io.jswoole.server.Probe;
import io.jswoole.server.Recipe;
import io.jswoole.server.Running;
import io.jswoole.server.Server;
import io.jswoole.server.SockType;
import java.net.Socket;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Swoole's heartbeat and idle tests: {@code tests/swoole_server/heartbeat*.phpt}, {@code max_idle_time_*.phpt}. */
class IdleParityTest {
    @TempDir
    Path tmp;

    /** Records connect and close times; "hb true"/"hb false" answer heartbeat()'s list; "big" sends 4 MiB. */
    static final class Times implements Recipe {
        @Override
        public void build(Server s, Probe p) {
            s.onConnect((x, fd, rid) -> p.add("connect " + System.currentTimeMillis()));
            s.onReceive((x, fd, rid, data) -> {
                String cmd = new String(data).trim();
                if (cmd.startsWith("hb")) {
                    x.send(fd, x.heartbeat(cmd.endsWith("true")) + "\n");
                } else if (cmd.equals("big")) {
                    p.add("receive " + System.currentTimeMillis());
                    x.send(fd, "A".repeat(4 * 1024 * 1024));
                }
            });
            s.onClose((x, fd, rid) -> p.add("close " + System.currentTimeMillis()));
        }
    }

    static long time(Probe p, String event) {
        return p.events().stream().filter(e -> e.startsWith(event + " ")).mapToLong(e -> Long.parseLong(e
                .substring(event.length() + 1))).findFirst().orElse(-1);
    }

    /**
     * {@code tests/swoole_server/heartbeat_with_base.phpt}: heartbeat_check_interval 1, heartbeat_idle_time 2: a
     * silent client's recv returns "" more than a second after connecting ({@code heartbeat.phpt},
     * {@code heartbeat_true.phpt}: heartbeat(false) and heartbeat(true) answer, and a fresh connection is not
     * idle). Heartbeat is the reactor's, so it runs in every mode.
     */
    @ParameterizedTest
    @EnumSource(Mode.class)
    void heartbeatClosesASilentClient(Mode mode) throws Exception {
        try (Probe p = Probe.create(); Running r = Running.start(Recipe.server(mode, Map.of("worker_num", 1,
                "heartbeat_check_interval", 1, "heartbeat_idle_time", 2), Times.class, p))) {
            try (Socket c = r.connect()) {
                java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(
                        c.getInputStream()));
                c.getOutputStream().write("hb false\n".getBytes());
                assertThat(in.readLine()).as("nothing idle yet").isEqualTo("[]");
                c.getOutputStream().write("hb true\n".getBytes());
                assertThat(in.readLine()).isEqualTo("[]");
            }
            try (Socket c = r.connect()) {
                c.setSoTimeout(5000);
                long t0 = System.nanoTime();
                assertThat(c.getInputStream().read()).as("recv returns \"\"").isEqualTo(-1);
                assertThat((System.nanoTime() - t0) / 1e9).as("closed after more than 1 s").isGreaterThan(1.0);
            }
        }
    }

    /**
     * {@code tests/swoole_server/max_idle_time_2.phpt}: on a Unix stream socket with max_idle_time 1 (BASE), a
     * client that sends nothing is closed at least a second after its connect; {@code max_idle_time_1.phpt}: one
     * that asked for 4 MiB and reads none of it is closed too (idle means nothing received from it), at least a
     * second after its request, and the bytes that reached it can still be read (at least 8 KiB).
     */
    @ParameterizedTest
    @EnumSource(Mode.class)
    void maxIdleTimeClosesSilentUnixClients(Mode mode) throws Exception {
        Path sock = tmp.resolve("server.sock");
        try (Probe p = Probe.create(); Running r = Running.start(Recipe.server(mode, sock.toString(),
                SockType.UNIX_STREAM, Map.of("worker_num", 1, "max_idle_time", 1,
                        "kernel_socket_send_buffer_size", 65536), Times.class, p))) {
            try (SocketChannel c = SocketChannel.open(UnixDomainSocketAddress.of(sock))) {
                assertThat(eventually(() -> time(p, "connect") > 0)).isTrue();
                Thread.sleep(1200);
                assertThat(eventually(() -> time(p, "close") > 0)).isTrue();
                assertThat(time(p, "close") - time(p, "connect")).isGreaterThanOrEqualTo(1000);
                assertThat(c.read(ByteBuffer.allocate(16))).as("recv is empty").isEqualTo(-1);
            }
        }
        try (Probe p = Probe.create(); Running r = Running.start(Recipe.server(mode, sock.toString(),
                SockType.UNIX_STREAM, Map.of("worker_num", 1, "max_idle_time", 1,
                        "kernel_socket_send_buffer_size", 65536, "socket_buffer_size", 8 * 1024 * 1024),
                Times.class, p))) {
            try (SocketChannel c = SocketChannel.open(UnixDomainSocketAddress.of(sock))) {
                c.setOption(java.net.StandardSocketOptions.SO_RCVBUF, 65536);
                c.write(ByteBuffer.wrap("big".getBytes()));
                Thread.sleep(1200);
                assertThat(eventually(() -> time(p, "close") > 0)).isTrue();
                assertThat(time(p, "close") - time(p, "receive")).isGreaterThanOrEqualTo(1000);
                long got = 0;
                ByteBuffer b = ByteBuffer.allocate(65536);
                try {
                    int n;
                    while ((n = c.read(b.clear())) > 0) {
                        got += n;
                    }
                } catch (java.io.IOException reset) {
                    // an abortive idle close (README "Deviations": heartbeat and idle closes drop queued output)
                }
                assertThat(got).isGreaterThanOrEqualTo(8192);
            }
        }
    }
}
