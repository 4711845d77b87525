package io.jswoole.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.jswoole.ErrorCode;
import io.jswoole.server.SharedModesTest.Client;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** A graceful close loses nothing queued before it; a reset drops it at once; a second close answers false. */
class GracefulCloseTest {
    static final int MIB = 1 << 20;

    /** A client whose small receive buffer keeps most of the output queued in the server. */
    static Socket slowReader(int port) throws IOException {
        Socket s = new Socket();
        s.setReceiveBufferSize(8 * 1024);
        s.setSoTimeout(10_000);
        s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        return s;
    }

    /** Reads until EOF; the number of bytes that matched {@link CommandApp#pattern} position by position. */
    static long readAll(Socket s) throws IOException {
        InputStream in = s.getInputStream();
        byte[] buf = new byte[64 * 1024];
        long at = 0;
        for (int n; (n = in.read(buf)) > 0; ) {
            for (int i = 0; i < n; i++, at++) {
                assertThat(buf[i]).as("byte %d", at).isEqualTo((byte) (at % 251));
            }
        }
        return at;
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void aCloseAfterTenMebibytesWaitsForAReaderThatStartsTwoSecondsLater(Mode mode) throws Exception {
        Server s = SharedModesTest.start(mode, Map.of("worker_num", 1, "socket_buffer_size", 16 * MIB),
                "worker_num=1", "socket_buffer_size=" + 16 * MIB);
        try (Running r = Running.start(s); Socket c = slowReader(r.port())) {
            c.getOutputStream().write(("big " + 10 * MIB + "\n").getBytes());
            Thread.sleep(2000);
            assertThat(readAll(c)).isEqualTo(10L * MIB);
        }
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void aResetCutsAGracefulCloseShortAndASecondCloseAnswersFalse(Mode mode) throws Exception {
        Server s = SharedModesTest.start(mode, Map.of("worker_num", 1), "worker_num=1");
        try (Running r = Running.start(s); Client a = new Client(r.port()); Socket b = slowReader(r.port());
                Client c = new Client(r.port())) {
            var bIn = new java.io.BufferedReader(new java.io.InputStreamReader(b.getInputStream()));
            b.getOutputStream().write("fd\n".getBytes());
            String bFd = bIn.readLine();
            b.getOutputStream().write(("big " + 4 * MIB + "\n").getBytes());
            // b reads nothing: its graceful close waits; a reset ends it now, dropping what is queued
            Thread.sleep(300);
            // a closed fd may already be gone (THREAD mode frees it on the reactor when no close callback is set, and
            // nothing queued delays the close): 1004 while it is still in the table, 1005 once it is freed
            String closed = "false:(" + ErrorCode.SESSION_CLOSED.code() + "|" + ErrorCode.SESSION_NOT_EXIST.code() + ")";
            assertThat(a.ask("closes " + bFd + " reset,graceful,reset")).matches("true " + closed + " " + closed);
            long got = 0;
            try {
                got = readAll(b);
            } catch (IOException reset) {
                // an RST: what is queued is gone, as asked
            }
            assertThat(got).isLessThan(4L * MIB);

            String cFd = c.ask("fd");
            assertThat(a.ask("closes " + cFd + " graceful,graceful")).matches("true " + closed);
            assertThat(Running.closedByPeer(c.socket)).isTrue();
        }
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void aShutdownLetsAReceiveInProgressAnswerBeforeTheConnectionCloses(Mode mode) throws Exception {
        Server s = SharedModesTest.start(mode, Map.of("worker_num", 1), "worker_num=1");
        Running r = Running.start(s);
        try (Client c = new Client(r.port())) {
            c.socket.setSoTimeout(10_000);
            c.out.write("sleep 1500\n".getBytes());
            c.out.flush();
            Thread.sleep(300);
            s.shutdown();
            assertThat(c.in.readLine()).isEqualTo("slept");
            assertThat(c.in.readLine()).as("then EOF").isNull();
        } finally {
            r.close();
        }
    }
}
