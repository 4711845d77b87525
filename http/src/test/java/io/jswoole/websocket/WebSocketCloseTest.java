package io.jswoole.websocket;

import static io.jswoole.websocket.WebSocketServerTest.frame;
import static io.jswoole.websocket.WebSocketServerTest.handshake;
import static io.jswoole.websocket.WebSocketServerTest.readFrame;
import static org.assertj.core.api.Assertions.assertThat;

import io.jswoole.server.Running;
import io.jswoole.server.Mode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The close handshake of RFC 6455 (5.5.1, 7.4) on raw sockets: a client's close frame is answered with its code
 * and reason, an empty one with an empty one (1005 never goes on the wire), a code an endpoint may not send or a
 * 1-byte payload with 1002 and a reason that is not UTF-8 with 1007; the application's close frame
 * ({@code open_websocket_close_frame}) carries the code and reason the client sent (1005 for none).
 */
class WebSocketCloseTest {
    /** The codes a close frame may carry: RFC 6455 7.4.1 and the IANA registry (1012-1014), then 3000-4999. */
    private static final int[] VALID = {1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014,
            3000, 3999, 4000, 4999};
    /** Codes that may not be on the wire: below 1000, 1004-1006 and 1015 (reserved), 1016-2999, 5000 and up. */
    private static final int[] INVALID = {0, 1, 999, 1004, 1005, 1006, 1015, 1016, 1100, 2000, 2999, 5000, 5001,
            32767, 32768, 65535};

    /** In every mode: in PROCESS mode the application's close frame crosses to a worker JVM. */
    @ParameterizedTest
    @EnumSource(Mode.class)
    void aCloseFrameIsEchoedWithItsCodeAndReason(Mode mode, @TempDir Path dir) throws Exception {
        try (Running s = Running.start(WsApp.create(mode, dir))) {
            List<String> seen = new ArrayList<>();
            List<String> wanted = new ArrayList<>();
            for (int code : VALID) {
                String reason = "reason " + code;
                Closed c = close(s, payload(code, reason.getBytes(StandardCharsets.UTF_8)));
                assertThat(c.reply).as("the echo of %d", code).isEqualTo(payload(code, reason.getBytes(StandardCharsets.UTF_8)));
                seen.add(c.seen(dir));
                wanted.add(code + " " + reason);
            }
            String utf8 = "ça va ✓ \uD83D\uDE00";
            byte[] longest = "x".repeat(123).getBytes(StandardCharsets.UTF_8);
            for (byte[] p : List.of(payload(1000, new byte[0]), payload(4001, utf8.getBytes(StandardCharsets.UTF_8)),
                    payload(1001, longest))) {
                Closed c = close(s, p);
                assertThat(c.reply).as("the echo of a %d-byte payload", p.length).isEqualTo(p);
                seen.add(c.seen(dir));
            }
            wanted.addAll(List.of("1000 ", "4001 " + utf8, "1001 " + "x".repeat(123)));
            Closed empty = close(s, new byte[0]);
            assertThat(empty.reply).as("an empty close frame is answered with an empty one").isEmpty();
            seen.add(empty.seen(dir));
            wanted.add(WebSocket.CLOSE_STATUS_ERROR + " ");
            assertThat(seen).as("what the application's close frames carried").isEqualTo(wanted);
        }
    }

    /** The application cannot put on the wire a close frame the peer would have to refuse. */
    @Test
    void pushOfAnInvalidCloseFrameIsRefusedBeforeItIsSent() {
        WebSocketServer s = WsApp.create(Mode.BASE);
        for (byte[] bad : new byte[][] {{0x03}, {0x03, (byte) 0xed}, {0x03, (byte) 0xee, 'x'}, {0x13, (byte) 0x88}}) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> s.push(1, bad, WebSocket.OPCODE_CLOSE))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1000-1003");
        }
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void invalidCloseFramesAreProtocolErrors(Mode mode, @TempDir Path dir) throws Exception {
        try (Running s = Running.start(WsApp.create(mode, dir))) {
            for (int code : INVALID) {
                assertThat(close(s, payload(code, "r".getBytes(StandardCharsets.UTF_8))).reply).as("close code %d", code)
                        .isEqualTo(payload(WebSocket.CLOSE_PROTOCOL_ERROR, new byte[0]));
                assertThat(close(s, payload(code, new byte[0])).reply).as("close code %d alone", code)
                        .isEqualTo(payload(WebSocket.CLOSE_PROTOCOL_ERROR, new byte[0]));
            }
            assertThat(close(s, new byte[] {0x03}).reply).as("a 1-byte close payload")
                    .isEqualTo(payload(WebSocket.CLOSE_PROTOCOL_ERROR, new byte[0]));
            for (byte[] bad : List.of(new byte[] {(byte) 0xC3, 0x28}, new byte[] {(byte) 0xE2, (byte) 0x82},
                    new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, new byte[] {(byte) 0xFF})) {
                assertThat(close(s, payload(1000, bad)).reply).as("a reason that is not UTF-8")
                        .isEqualTo(payload(WebSocket.CLOSE_MESSAGE_ERROR, new byte[0]));
            }
        }
    }

    /** The server's answer to a close frame and the fd it was sent on. */
    private record Closed(int fd, byte[] reply) {
        /** What the application's close frame for this fd carried, as {@code <code> <reason>}. */
        String seen(Path dir) throws Exception {
            Path f = dir.resolve(String.valueOf(fd));
            assertThat(Running.eventually(() -> Files.exists(f))).as("a close frame reached the application").isTrue();
            return Files.readString(f, StandardCharsets.UTF_8);
        }
    }

    /**
     * On a new WebSocket: waits for the welcome, sends a close frame with {@code payload} and returns the payload
     * of the server's close frame, after checking the server then closes the connection.
     */
    private static Closed close(Running s, byte[] payload) throws IOException {
        try (Socket c = s.connect()) {
            handshake(c, "");
            String welcome = new String(readFrame(c.getInputStream()).payload(), StandardCharsets.UTF_8);
            assertThat(welcome).startsWith("welcome ");
            c.getOutputStream().write(frame(0x88, payload, true));
            WebSocketServerTest.Raw r = readFrame(c.getInputStream());
            assertThat(r.opcode()).as("the server's answer is a close frame").isEqualTo(WebSocket.OPCODE_CLOSE);
            assertThat(c.getInputStream().read()).as("then the server closes the connection").isEqualTo(-1);
            return new Closed(Integer.parseInt(welcome.substring(8)), r.payload());
        }
    }

    /** A close frame's payload: the code in two bytes, then the reason. */
    private static byte[] payload(int code, byte[] reason) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(code >> 8);
        out.write(code & 0xff);
        out.writeBytes(reason);
        return out.toByteArray();
    }
}
