package io.jswoole.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import io.jswoole.http.HttpRecipe;
import io.jswoole.server.Mode;
import io.jswoole.server.Port;
import io.jswoole.server.Probe;
import io.jswoole.server.Recipe;
import io.jswoole.server.Running;
import io.jswoole.server.Server;
import io.jswoole.server.SockType;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Swoole's {@code tests/swoole_http_server/mixed_server.phpt}: one WebSocketServer with
 * {@code open_http2_protocol} speaks HTTP/1.1, HTTP/2 (h2c by prior knowledge, curl) and WebSocket on its port,
 * and a port from {@code listen()} with length framing ({@code package_length_type} n, body at offset 2) speaks
 * its own TCP protocol to the receive callback.
 */
class MixedServerParityTest {
    static final class Mixed implements HttpRecipe.WebSocket {
        @Override
        public void build(Server server, Probe probe) {
            WebSocketServer ws = (WebSocketServer) server;
            ws.onRequest((req, res) -> res.end("Hello " + req.getContent()));
            ws.onMessage((s, frame) -> s.push(frame.fd(), "Hello " + frame.text()));
            Port tcp = ws.listen("127.0.0.1", 0, SockType.TCP);
            tcp.set(Map.of("open_length_check", true, "package_length_type", "n", "package_length_offset", 0,
                    "package_body_offset", 2));
            tcp.onReceive((s, fd, reactor, data) -> s.send(fd, pack("Hello "
                    + new String(data, 2, data.length - 2, StandardCharsets.UTF_8))));
        }
    }

    /** tcp_pack: a 2-byte big-endian length, then the body. */
    static byte[] pack(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[b.length + 2];
        out[0] = (byte) (b.length >> 8);
        out[1] = (byte) b.length;
        System.arraycopy(b, 0, out, 2, b.length);
        return out;
    }

    /**
     * {@code mixed_server.phpt} (BASE there; the ports and protocols are the reactor's in every mode, so all three
     * here): the four answers Hello Swoole Http, Hello Swoole Http2, Hello Swoole Websocket, Hello Swoole Tcp.
     */
    @ParameterizedTest
    @EnumSource(Mode.class)
    void oneServerSpeaksFourProtocols(Mode mode) throws Exception {
        try (Probe p = Probe.create(); Running r = Running.start(Recipe.server(mode, Map.of("worker_num", 1,
                "open_http2_protocol", true), Mixed.class, p))) {
            assertThat(Running.curl("--data-binary", "Swoole Http", r.url("/"))).isEqualTo("Hello Swoole Http");
            assertThat(Running.curl("--http2-prior-knowledge", "--data-binary", "Swoole Http2", r.url("/")))
                    .isEqualTo("Hello Swoole Http2");
            try (WsPeer peer = WsPeer.open(r.port())) {
                peer.text("Swoole Websocket");
                assertThat(peer.readText()).isEqualTo("Hello Swoole Websocket");
            }
            int tcpPort = r.server.ports().get(1).port();
            try (Socket s = Running.connect(tcpPort)) {
                new DataOutputStream(s.getOutputStream()).write(pack("Swoole Tcp"));
                DataInputStream in = new DataInputStream(s.getInputStream());
                byte[] body = new byte[in.readUnsignedShort()];
                in.readFully(body);
                assertThat(new String(body, StandardCharsets.UTF_8)).isEqualTo("Hello Swoole Tcp");
            }
        }
    }
}
