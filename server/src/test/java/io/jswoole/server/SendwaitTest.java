package io.jswoole.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.jswoole.ErrorCode;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** {@code sendwait} (issue 20): Swoole's blocking send, in an event worker of BASE mode only. */
class SendwaitTest {
    private static final int BIG = 16 << 20;

    @Test
    void inBaseModeTheCoroutineWaitsUntilTheBytesAreWrittenAndTheWorkerServesOthersMeanwhile() throws Exception {
        // 16 MiB to a client that does not read yet: more than loopback's socket buffers hold, so the send waits for
        // the reader. Meanwhile the same worker (one BASE worker) answers a second connection: only the calling
        // coroutine waits (Swoole blocks the whole worker). After it, nothing is queued for the connection.
        Server s = new Server("127.0.0.1", 0, Mode.BASE);
        s.set(Map.of("worker_num", 1, "socket_buffer_size", 64 << 20));
        byte[] big = new byte[BIG];
        Arrays.fill(big, (byte) 'x');
        s.onReceive((srv, fd, rid, data) -> {
            String line = new String(data, StandardCharsets.UTF_8).trim();
            if (line.equals("ping")) {
                srv.send(fd, "pong\n");
                return;
            }
            boolean ok = srv.sendwait(fd, big);
            long queued = srv.getClientInfo(fd).map(ClientInfo::sendQueuedBytes).orElse(-1L);
            srv.send(fd, "\nok=" + ok + " queued=" + queued + "\n");
        });
        try (Running r = Running.start(s); Socket a = Running.connect(r.port()); Socket b = Running.connect(r.port())) {
            a.getOutputStream().write("go\n".getBytes());
            Thread.sleep(300); // the worker is now in sendwait, with A not reading
            b.getOutputStream().write("ping\n".getBytes());
            assertThat(new BufferedReader(new InputStreamReader(b.getInputStream())).readLine()).isEqualTo("pong");
            InputStream in = a.getInputStream();
            byte[] buf = new byte[1 << 16];
            StringBuilder tail = new StringBuilder();
            long got = 0;
            for (int n; (n = in.read(buf)) > 0; ) {
                got += n;
                tail.append(new String(buf, 0, n, StandardCharsets.ISO_8859_1));
                if (tail.length() > 200) {
                    tail.delete(0, tail.length() - 200);
                }
                if (tail.toString().endsWith("\n") && tail.indexOf("ok=") >= 0) {
                    break;
                }
            }
            assertThat(tail.toString()).endsWith("\nok=true queued=0\n");
            assertThat(got).isEqualTo(BIG + "\nok=true queued=0\n".length());
        }
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void onlyBaseModeSendsAndWaitsTheOthersRefuseAsSwooleDoes(Mode mode) throws Exception {
        // Swoole: "cannot sendwait" outside SWOOLE_BASE (and in task workers); nothing is sent
        Server s = SharedModesTest.start(mode, Map.of("worker_num", 1));
        try (Running r = Running.start(s); SharedModesTest.Client c = new SharedModesTest.Client(r.port())) {
            if (mode == Mode.BASE) {
                assertThat(c.ask("sendwait hello")).isEqualTo("hello");
                assertThat(c.in.readLine()).isEqualTo("true 0");
            } else {
                assertThat(c.ask("sendwait hello")).isEqualTo("false " + ErrorCode.OPERATION_NOT_SUPPORT.code());
            }
        }
    }
}
