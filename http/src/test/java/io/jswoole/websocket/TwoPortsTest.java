package io.jswoole.websocket;

import static io.jswoole.server.Running.curl;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jswoole.http.HttpServer;
import io.jswoole.server.Running;
import io.jswoole.server.Mode;
import io.jswoole.server.SockType;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** A WebSocket port and an HTTP-only port on one server, in every mode (PROCESS mode included). */
class TwoPortsTest {
    @ParameterizedTest
    @EnumSource(Mode.class)
    void aWebSocketPortAndAnHttpPortServeOneApplication(Mode mode) throws Exception {
        WebSocketServer server = TwoPortsApp.create(mode);
        try (Running s = Running.start(server)) {
            int httpPort = server.ports().get(1).port();
            assertThat(httpPort).isPositive().isNotEqualTo(s.port());
            assertThat(curl(s.url("/a"))).isEqualTo("plain http /a");
            assertThat(curl("http://127.0.0.1:" + httpPort + "/b")).isEqualTo("plain http /b");
            // the WebSocket port upgrades
            try (Socket ws = s.connect()) {
                WebSocketServerTest.handshake(ws, "");
            }
            // the HTTP port answers an upgrade request as an ordinary request
            try (Socket c = new Socket("127.0.0.1", httpPort)) {
                c.setSoTimeout(5000);
                c.getOutputStream().write(("GET /ws HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\n"
                        + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                        + "Sec-WebSocket-Version: 13\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                assertThat(readResponse(c.getInputStream())).startsWith("HTTP/1.1 200").endsWith("plain http /ws");
            }
        }
    }

    @Test
    void portKeysThatCannotApplyAreRefusedByName() {
        HttpServer http = new HttpServer("127.0.0.1", 0);
        assertThatThrownBy(() -> http.listen("127.0.0.1", 0, SockType.TCP)
                .set(Map.of("open_websocket_protocol", true))).hasMessageContaining("needs a WebSocketServer");
        assertThatThrownBy(() -> http.listen("127.0.0.1", 0, SockType.UDP).set(Map.of("open_http_protocol", true)))
                .hasMessageContaining("'open_http_protocol' needs a TCP or Unix stream port");
        assertThatThrownBy(() -> http.ports().get(0).set(Map.of("open_http_protocol", false)))
                .hasMessageContaining("always true on the server's own port");
    }

    private static String readResponse(InputStream in) throws Exception {
        StringBuilder sb = new StringBuilder();
        int length = -1;
        while (true) {
            int b = in.read();
            if (b < 0) {
                return sb.toString();
            }
            sb.append((char) b);
            if (sb.toString().endsWith("\r\n\r\n")) {
                String head = sb.toString().toLowerCase(java.util.Locale.ROOT);
                int i = head.indexOf("content-length:");
                length = Integer.parseInt(head.substring(i + 15, head.indexOf('\r', i)).trim());
                break;
            }
        }
        sb.append(new String(in.readNBytes(length), StandardCharsets.UTF_8));
        return sb.toString();
    }
}
