package io.jswoole.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * A raw-socket WebSocket client for the parity tests, as Swoole's own tests use {@code Co\Http\Client} and
 * {@code Samtleben\WebsocketClient}: it sends the frames the test builds (masked, any flags) and reads what the
 * server sends, frame by frame, so fragmentation, RSV1 and control frames stay visible.
 */
final class WsPeer implements AutoCloseable {
    final Socket socket;
    final String head;

    private WsPeer(Socket socket, String head) {
        this.socket = socket;
        this.head = head;
    }

    /** Connects to {@code port} and sends a version-13 handshake for {@code path} with {@code extraHeaders}. */
    static WsPeer open(int port, String path, String extraHeaders) throws IOException {
        Socket s = new Socket("127.0.0.1", port);
        s.setSoTimeout(10_000);
        s.setTcpNoDelay(true);
        s.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Key: x3JJHMbDL1EzLkh9GBhXDw==\r\n"
                + "Sec-WebSocket-Version: 13\r\n" + extraHeaders + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
        WsPeer p = new WsPeer(s, readHead(s.getInputStream()));
        assertThat(p.head).as("handshake").startsWith("HTTP/1.1 101 Switching Protocols")
                .contains("HSmrc0sMlYUkAGmm5OPpG2HaGWk=");
        return p;
    }

    static WsPeer open(int port) throws IOException {
        return open(port, "/", "");
    }

    static String readHead(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        while (!sb.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            sb.append((char) b);
        }
        return sb.toString();
    }

    void send(byte[] bytes) throws IOException {
        socket.getOutputStream().write(bytes);
        socket.getOutputStream().flush();
    }

    /** A masked frame: {@code b0} is FIN, RSV and opcode. */
    void send(int b0, byte[] payload) throws IOException {
        send(WebSocketServerTest.frame(b0, payload, true));
    }

    void text(String s) throws IOException {
        send(0x81, s.getBytes(StandardCharsets.UTF_8));
    }

    /** A close frame with {@code code} and {@code reason}. */
    void close(int code, String reason) throws IOException {
        byte[] r = reason.getBytes(StandardCharsets.UTF_8);
        byte[] p = new byte[2 + r.length];
        p[0] = (byte) (code >> 8);
        p[1] = (byte) code;
        System.arraycopy(r, 0, p, 2, r.length);
        send(0x88, p);
    }

    WebSocketServerTest.Raw read() throws IOException {
        return WebSocketServerTest.readFrame(socket.getInputStream());
    }

    /** The next frame, which must be a text frame: its text. */
    String readText() throws IOException {
        WebSocketServerTest.Raw f = read();
        assertThat(f.opcode()).as("a text frame").isEqualTo(WebSocket.OPCODE_TEXT);
        return new String(f.payload(), StandardCharsets.UTF_8);
    }

    /** Reads frames until a close frame: {@code <code> <reason>} ("none" for an empty close). */
    String readClose() throws IOException {
        while (true) {
            WebSocketServerTest.Raw f = read();
            if (f.opcode() == WebSocket.OPCODE_CLOSE) {
                byte[] p = f.payload();
                return p.length == 0 ? "none" : (((p[0] & 0xff) << 8) | (p[1] & 0xff)) + " "
                        + new String(p, 2, p.length - 2, StandardCharsets.UTF_8);
            }
        }
    }

    /** Whether the server closes the socket (EOF or reset) within the read timeout. */
    boolean closedByServer() {
        try {
            return socket.getInputStream().read() < 0;
        } catch (java.net.SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    @Override
    public void close() throws IOException {
        context.end();
        socket.close();
    }

    /** The server's compression context (it keeps it from message to message: no context takeover asked). */
    private final Inflater context = new Inflater(true);

    /** A message of this connection inflated with the connection's context. */
    byte[] inflateMessage(byte[] data) throws DataFormatException {
        return inflate(context, data);
    }

    /** A whole permessage-deflate message inflated (RFC 7692 7.2.2: the 4 bytes 00 00 ff ff appended). */
    static byte[] inflate(byte[] data) throws DataFormatException {
        Inflater inf = new Inflater(true);
        try {
            return inflate(inf, data);
        } finally {
            inf.end();
        }
    }

    private static byte[] inflate(Inflater inf, byte[] data) throws DataFormatException {
        byte[] in = Arrays.copyOf(data, data.length + 4);
        in[data.length + 2] = (byte) 0xff;
        in[data.length + 3] = (byte) 0xff;
        inf.setInput(in);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[65536];
        int n;
        while ((n = inf.inflate(buf)) > 0) {
            out.write(buf, 0, n);
        }
        return out.toByteArray();
    }
}
