package io.jswoole.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import io.jswoole.examples.ExampleOptions;
import io.jswoole.examples.HttpHello;
import io.jswoole.examples.TcpEcho;
import io.jswoole.examples.UdpEcho;
import io.jswoole.server.Mode;
import io.jswoole.websocket.WebSocketServer;
import org.junit.jupiter.api.Test;

/** Each built-in unit against a jswoole server in this JVM, with every reply verified. */
class UnitsTest {
    private static ExampleOptions echo(Map<String, Object> settings) {
        return new ExampleOptions("127.0.0.1", 0, Mode.BASE, Servers.oneWorker(settings));
    }

    /** Every request sent was answered, and correctly. */

    @Test
    void longTcpPipelinedOverTwoThreads() throws Exception {
        try (Servers s = Servers.start(TcpEcho.create(echo(Map.of())))) {
            Result r = Load.run("-f", "long_tcp", "-s", s.tcp(), "-c", "4", "-t", "2", "-n", "4001", "-P", "8",
                    "--verify");
            Load.allGood(r, 4001);
            assertThat(r.total().connect.getTotalCount()).isEqualTo(4);
            assertThat(r.total().firstByte.getTotalCount()).isEqualTo(4);
            assertThat(r.cpu().loops()).hasSize(2);
        }
    }

    @Test
    void shortTcpOpensOneConnectionPerRequest() throws Exception {
        try (Servers s = Servers.start(TcpEcho.create(echo(Map.of())))) {
            Result r = Load.run("-f", "short_tcp", "-s", s.tcp(), "-c", "4", "-n", "200", "--verify");
            Load.allGood(r, 200);
            assertThat(r.total().connect.getTotalCount()).isEqualTo(200);
            assertThat(r.total().connectErrors).isEmpty();
        }
    }

    @Test
    void udp() throws Exception {
        try (Servers s = Servers.start(UdpEcho.create(echo(Map.of())))) {
            Result r = Load.run("-f", "udp", "-s", "udp://127.0.0.1:" + s.port(), "-c", "4", "-n", "2000",
                    "--verify", "-l", "512");
            Load.allGood(r, 2000);
        }
    }

    @Test
    void eofWithTheServersDelimiter() throws Exception {
        Map<String, Object> framing = Map.of("open_eof_split", true, "package_eof", "\r\n");
        try (Servers s = Servers.start(TcpEcho.create(echo(framing)))) {
            Result r = Load.run("-f", "eof", "-s", s.tcp(), "--set", "package_eof=\\r\\n", "-c", "2", "-n", "2000",
                    "-P", "16", "--verify");
            Load.allGood(r, 2000);
        }
    }

    @Test
    void lengthWithAShortFieldAfterAMagic() throws Exception {
        Map<String, Object> framing = Map.of("open_length_check", true, "package_length_type", "n",
                "package_length_offset", 2, "package_body_offset", 0);
        try (Servers s = Servers.start(TcpEcho.create(echo(framing)))) {
            Result r = Load.run("-f", "length", "-s", s.tcp(), "--set", "package_length_type=n", "--set",
                    "package_length_offset=2", "--set", "package_body_offset=0", "-l", "300", "-c", "2", "-n",
                    "2000", "-P", "16", "--verify");
            Load.allGood(r, 2000);
        }
    }

    @Test
    void lengthWithSwoolesDefaults() throws Exception {
        try (Servers s = Servers.start(TcpEcho.create(echo(Map.of("open_length_check", true))))) {
            Result r = Load.run("-f", "length", "-s", s.tcp(), "-c", "2", "-n", "1000", "-P", "4", "--verify");
            Load.allGood(r, 1000);
        }
    }

    @Test
    void httpKeepAlivePipelined() throws Exception {
        try (Servers s = Servers.start(HttpHello.create("127.0.0.1", 0, Mode.BASE, Servers.oneWorker(Map.of())))) {
            Result r = Load.run("-f", "http", "-s", s.tcp(), "-c", "4", "-n", "2000", "-P", "8", "--verify");
            Load.allGood(r, 2000);
            assertThat(r.total().connect.getTotalCount()).as("keep-alive: one connection each").isEqualTo(4);
        }
    }

    @Test
    void httpPostEchoesTheBodyAndCountsNon2xxByStatus() throws Exception {
        try (Servers s = Servers.start(HttpHello.create("127.0.0.1", 0, Mode.BASE, Servers.oneWorker(Map.of())))) {
            Result r = Load.run("-f", "http", "-s", s.tcp(), "--method", "POST", "--path", "/echo", "-l", "1000",
                    "-c", "2", "-n", "500", "-P", "2", "--verify");
            Load.allGood(r, 500);
            Result missing = Load.run("-f", "http", "-s", s.tcp(), "--path", "/nothing-here", "-c", "2", "-n",
                    "100");
            assertThat(missing.total().errors).containsExactly(Map.entry("status 404", 100L));
            assertThat(missing.total().sent).isEqualTo(100).isEqualTo(missing.total().failed);
        }
    }

    @Test
    void websocketEcho() throws Exception {
        WebSocketServer ws = new WebSocketServer("127.0.0.1", 0, Mode.BASE);
        ws.set(Servers.oneWorker(Map.of()));
        ws.onMessage((srv, f) -> srv.push(f.fd(), f.data(), f.opcode()));
        try (Servers s = Servers.start(ws)) {
            Result r = Load.run("-f", "websocket", "-s", s.tcp(), "--path", "/echo", "-c", "4", "-n", "1000", "-P",
                    "4", "--verify", "-l", "200");
            Load.allGood(r, 1000);
            Result binary = Load.run("-f", "websocket", "-s", s.tcp(), "--set", "opcode=binary", "-c", "1", "-n",
                    "5", "-l", "70000", "--verify"); // a 64-bit length
            Load.allGood(binary, 5);
        }
    }

    @Test
    void websocketCloseCodesAreAnErrorClass() throws Exception {
        WebSocketServer ws = new WebSocketServer("127.0.0.1", 0, Mode.BASE);
        ws.set(Servers.oneWorker(Map.of()));
        ws.onMessage((srv, f) -> srv.disconnect(f.fd(), 4000, "go away"));
        try (Servers s = Servers.start(ws)) {
            Result r = Load.run("-f", "websocket", "-s", s.tcp(), "-c", "1", "-n", "5");
            assertThat(r.total().errors).containsExactly(Map.entry("websocket close 4000", 5L));
            assertThat(r.total().sent).isEqualTo(5).isEqualTo(r.total().failed);
        }
    }

    @Test
    void unixSocket() throws Exception {
        java.nio.file.Path sock = java.nio.file.Files.createTempDirectory("bench").resolve("echo.sock");
        io.jswoole.server.Server echo = new io.jswoole.server.Server(sock.toString(), 0, Mode.BASE,
                io.jswoole.server.SockType.UNIX_STREAM);
        echo.set(Servers.oneWorker(Map.of()));
        echo.onReceive((srv, fd, reactor, data) -> srv.send(fd, data));
        try (Servers s = Servers.start(echo)) {
            Result r = Load.run("-s", "unix:" + sock, "-c", "2", "-n", "1000", "--verify");
            Load.allGood(r, 1000);
        }
    }
}
