package io.jswoole.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Map;

import io.jswoole.server.Mode;
import io.jswoole.server.Server;
import org.junit.jupiter.api.Test;

/** Failures land in their class, and sent = ok + failed holds through them. */
class ErrorClassesTest {
    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort(); // nothing listens once it is closed
        }
    }

    @Test
    void aPortWithNothingListeningIsRefusedAndEndsTheRun() throws Exception {
        int port = freePort();
        Load.Output o = Load.command("-s", "tcp://127.0.0.1:" + port, "-c", "3", "-d", "5s", "-q");
        assertThat(o.code()).isEqualTo(1);
        assertThat(o.out()).contains("connect errs  refused 3").contains("requests      0 sent = 0 ok + 0 failed");
        assertThat(o.err().strip()).isEqualTo("jswoole: no server answers at tcp://127.0.0.1:" + port
                + " (refused 3); start one first, e.g. ./jswoole run tcp-echo");
    }

    @Test
    void aUdpPortWithNothingListeningIsRefused() throws Exception {
        int port;
        try (java.net.DatagramSocket s = new java.net.DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Result r = Load.run("-f", "udp", "-s", "udp://127.0.0.1:" + port, "-c", "1", "-n", "5");
        assertThat(r.total().errors).containsExactly(Map.entry(Errors.REFUSED, 5L)); // ICMP port unreachable
        assertThat(r.total().sent).isEqualTo(5).isEqualTo(r.total().failed);
    }

    @Test
    void aServerThatResetsEveryConnection() throws Exception {
        Server resets = new Server("127.0.0.1", 0, Mode.BASE);
        resets.set(Servers.oneWorker(Map.of()));
        resets.onReceive((srv, fd, reactor, data) -> srv.close(fd, true));
        try (Servers s = Servers.start(resets)) {
            Result r = Load.run("-s", s.tcp(), "-c", "2", "-n", "20");
            assertThat(r.total().sent).isEqualTo(20).isEqualTo(r.total().failed);
            assertThat(r.total().errors).containsOnlyKeys(Errors.RESET);
            assertThat(r.everConnected()).isEqualTo(2);
        }
    }

    @Test
    void aServerThatClosesWithoutAnswering() throws Exception {
        Server closes = new Server("127.0.0.1", 0, Mode.BASE);
        closes.set(Servers.oneWorker(Map.of()));
        closes.onReceive((srv, fd, reactor, data) -> srv.close(fd));
        try (Servers s = Servers.start(closes)) {
            Result r = Load.run("-s", s.tcp(), "-c", "1", "-n", "10");
            assertThat(r.total().errors).containsExactly(Map.entry(Errors.CLOSED, 10L));
        }
    }

    @Test
    void aServerThatNeverAnswersTimesOut() throws Exception {
        Server silent = new Server("127.0.0.1", 0, Mode.BASE);
        silent.set(Servers.oneWorker(Map.of()));
        silent.onReceive((srv, fd, reactor, data) -> { });
        try (Servers s = Servers.start(silent)) {
            Result r = Load.run("-s", s.tcp(), "-c", "2", "-n", "4", "-P", "2", "--timeout", "200ms");
            assertThat(r.total().errors).containsExactly(Map.entry(Errors.TIMEOUT, 4L));
            assertThat(r.total().sent).isEqualTo(4).isEqualTo(r.total().failed);
        }
    }

    @Test
    void bytesThatAreNotTheProtocolAreAProtocolError() throws Exception {
        Server garbage = new Server("127.0.0.1", 0, Mode.BASE);
        garbage.set(Servers.oneWorker(Map.of()));
        garbage.onReceive((srv, fd, reactor, data) -> srv.send(fd, "?garbage\r\n"));
        try (Servers s = Servers.start(garbage)) {
            Result r = Load.run("-f", "redis", "-s", s.tcp(), "-c", "1", "-n", "3");
            assertThat(r.total().errors).containsExactly(Map.entry(Unit.PROTOCOL_ERROR, 3L));
        }
    }
}
