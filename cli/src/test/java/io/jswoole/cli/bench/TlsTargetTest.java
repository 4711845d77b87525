package io.jswoole.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;

import io.jswoole.examples.ExampleOptions;
import io.jswoole.examples.Http2Hello;
import io.jswoole.http.HttpServer;
import io.jswoole.server.Mode;
import io.jswoole.server.Server;
import io.jswoole.server.SockType;
import io.jswoole.websocket.WebSocketServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code -s tls://host:port}: the units over TLS against jswoole's own TLS ports (h2 chosen by ALPN for
 * {@code http2}, http/1.1 for {@code http}, raw echo for {@code long_tcp}), and the failures a user meets first
 * counted as such: a plain-TCP server, and a TLS server that does not offer h2.
 */
class TlsTargetTest {
    @TempDir
    Path dir;

    private Map<String, Object> tls() {
        Path[] pem = Http2Hello.selfSigned(dir);
        return Servers.oneWorker(Map.of("ssl_cert_file", pem[0].toString(), "ssl_key_file", pem[1].toString()));
    }

    private static void allGood(Result r, long requests) {
        Load.allGood(r, requests);
        assertThat(r.total().connect.getTotalCount()).as("a connect time per connection, handshake included")
                .isPositive();
    }

    @Test
    void http2AndHttpOverTlsOnJswoole() throws Exception {
        HttpServer server = Http2Hello.create(new ExampleOptions("127.0.0.1", 0, Mode.BASE, tls()));
        try (Servers s = Servers.start(server)) {
            String target = "tls://127.0.0.1:" + s.port();
            Result h2 = Load.run("-f", "http2", "-s", target, "--method", "POST", "--path", "/echo", "-l", "3000",
                    "-c", "2", "-n", "2000", "-m", "16", "--verify");
            allGood(h2, 2000);
            assertThat(h2.total().connect.getTotalCount()).as("one connection per client").isEqualTo(2);
            assertThat(h2.total().bytesSent).as("frames on the wire, the bodies included").isGreaterThan(2000L * 3000);
            Result h1 = Load.run("-f", "http", "-s", target, "--method", "POST", "--path", "/echo", "-l", "500",
                    "-c", "2", "-n", "1000", "-P", "4", "--verify");
            allGood(h1, 1000);
            Load.Output out = Load.command("-f", "http2", "-s", target, "-c", "1", "-n", "10");
            assertThat(out.code()).isZero();
            assertThat(out.err() + out.out()).contains("(TLS, ").contains("the certificate not verified");
        }
    }

    @Test
    void longTcpOverTlsEchoes() throws Exception {
        Server echo = new Server("127.0.0.1", 0, Mode.BASE, SockType.TCP, SockType.SSL);
        echo.set(tls());
        echo.onReceive((srv, fd, reactorId, data) -> srv.send(fd, data));
        try (Servers s = Servers.start(echo)) {
            Result r = Load.run("-f", "long_tcp", "-s", "tls://127.0.0.1:" + s.port(), "-c", "4", "-n", "4000",
                    "-P", "8", "-l", "100", "--verify");
            allGood(r, 4000);
        }
    }

    @Test
    void websocketOverTlsEchoes() throws Exception {
        WebSocketServer wss = new WebSocketServer("127.0.0.1", 0, Mode.BASE, SockType.TCP, SockType.SSL);
        wss.set(tls());
        wss.onMessage((srv, f) -> srv.push(f.fd(), f.data(), f.opcode()));
        try (Servers s = Servers.start(wss)) {
            Result r = Load.run("-f", "websocket", "-s", "tls://127.0.0.1:" + s.port(), "--path", "/", "-c", "4",
                    "-n", "2000", "-l", "200", "--verify");
            allGood(r, 2000);
        }
    }

    @Test
    void aPlainServerIsAFailedHandshakeNotAnAnswer() throws Exception {
        Server plain = new Server("127.0.0.1", 0, Mode.BASE);
        plain.set(Servers.oneWorker(Map.of()));
        plain.onReceive((srv, fd, reactorId, data) -> srv.send(fd, data)); // echoes the ClientHello back
        try (Servers s = Servers.start(plain)) {
            Load.Output out = Load.command("-f", "long_tcp", "-s", "tls://127.0.0.1:" + s.port(), "-c", "2", "-n",
                    "10", "--timeout", "1s");
            assertThat(out.code()).as("nothing answers over TLS: " + out.err()).isEqualTo(1);
            assertThat(out.out() + out.err()).contains(Tls.HANDSHAKE_FAILED);
        }
    }

    @Test
    void http2ToATlsPortWithoutH2IsAProtocolError() throws Exception {
        HttpServer h1 = new HttpServer("127.0.0.1", 0, Mode.BASE, SockType.TCP, SockType.SSL);
        h1.set(tls());
        h1.onRequest((req, res) -> res.end("only HTTP/1.1 here"));
        try (Servers s = Servers.start(h1)) {
            Load.Output out = Load.command("-f", "http2", "-s", "tls://127.0.0.1:" + s.port(), "-c", "1", "-n", "10",
                    "--timeout", "1s");
            assertThat(out.code()).as(out.err()).isEqualTo(1);
            assertThat(out.out() + out.err()).containsAnyOf(Unit.PROTOCOL_ERROR, Tls.HANDSHAKE_FAILED);
            Result ok = Load.run("-f", "http", "-s", "tls://127.0.0.1:" + s.port(), "-c", "1", "-n", "100");
            allGood(ok, 100);
        }
    }
}
