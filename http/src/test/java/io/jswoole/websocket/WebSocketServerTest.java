package io.jswoole.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import io.jswoole.http.HttpRecipe;
import io.jswoole.server.Mode;
import io.jswoole.server.Probe;
import io.jswoole.server.Recipe;
import io.jswoole.server.Running;
import io.jswoole.server.Server;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.zip.Deflater;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** WebSocket events, push and the protocol violations, with the JDK's client and raw sockets. */
class WebSocketServerTest {
    /** Echoes and pushes; the events go to the probe, which the test reads in every mode. */
    static class Chat implements HttpRecipe.WebSocket {
        @Override
        public void build(Server server, Probe probe) {
            WebSocketServer s = (WebSocketServer) server;
            s.onOpen((srv, req) -> probe.add("open " + req.path()));
            s.onMessage((srv, f) -> {
                probe.add("message " + f.text());
                srv.push(f.fd(), "echo: " + f.text());
                int fd = f.fd();
                Thread.ofPlatform().start(() -> srv.push(fd, "pushed from a thread"));
            });
            s.onClose((srv, fd, r) -> probe.add("close"));
            s.onRequest((req, res) -> res.end("plain http " + req.path()));
        }
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void openMessagePushCloseAndPlainRequestsOnTheSamePort(Mode mode) throws Exception {
        try (Probe probe = Probe.create();
                Running s = Running.start(Recipe.server(mode, Map.of("worker_num", 2), Chat.class, probe))) {
            assertThat(Running.curl(s.url("/any"))).isEqualTo("plain http /any");
            LinkedBlockingQueue<String> got = new LinkedBlockingQueue<>();
            java.net.http.WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder()
                    .buildAsync(URI.create("ws://127.0.0.1:" + s.port() + "/chat"), listener(got))
                    .get(5, TimeUnit.SECONDS);
            ws.sendText("part1-", false).get(5, TimeUnit.SECONDS);
            ws.sendText("part2", true).get(5, TimeUnit.SECONDS);
            List<String> two = List.of(got.poll(5, TimeUnit.SECONDS), got.poll(5, TimeUnit.SECONDS));
            assertThat(two).containsExactlyInAnyOrder("echo: part1-part2", "pushed from a thread");
            ws.sendClose(1000, "bye").get(5, TimeUnit.SECONDS);
            assertThat(Running.eventually(() -> probe.count("close") == 2)).isTrue();
            assertThat(probe.events()).containsSubsequence("open /chat", "message part1-part2", "close");
        }
    }

    /** The server API across modes, seen from a real client (in PROCESS mode, answered by worker JVMs). */
    @ParameterizedTest
    @EnumSource(Mode.class)
    void pushStatusPingAndDisconnectInEveryMode(Mode mode) throws Exception {
        try (Running s = Running.start(WsApp.create(mode))) {
            assertThat(Running.curl(s.url("/x"))).isEqualTo("plain http /x");
            LinkedBlockingQueue<String> got = new LinkedBlockingQueue<>();
            CompletableFuture<String> closed = new CompletableFuture<>();
            CompletableFuture<String> pinged = new CompletableFuture<>();
            java.net.http.WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder()
                    .buildAsync(URI.create("ws://127.0.0.1:" + s.port() + "/"), new java.net.http.WebSocket.Listener() {
                        private final java.net.http.WebSocket.Listener text = listener(got);

                        @Override
                        public CompletionStage<?> onText(java.net.http.WebSocket w, CharSequence data, boolean last) {
                            return text.onText(w, data, last);
                        }

                        @Override
                        public CompletionStage<?> onPing(java.net.http.WebSocket w, java.nio.ByteBuffer message) {
                            pinged.complete(StandardCharsets.UTF_8.decode(message).toString());
                            w.request(1);
                            return null;
                        }

                        @Override
                        public CompletionStage<?> onClose(java.net.http.WebSocket w, int code, String reason) {
                            closed.complete(code + " " + reason);
                            return null;
                        }
                    }).get(5, TimeUnit.SECONDS);
            assertThat(got.poll(5, TimeUnit.SECONDS)).startsWith("welcome ");
            ws.sendText("hi", true).get(5, TimeUnit.SECONDS);
            assertThat(List.of(got.poll(5, TimeUnit.SECONDS), got.poll(5, TimeUnit.SECONDS)))
                    .containsExactlyInAnyOrder("echo: hi", "pushed from a thread");
            ws.sendText("status", true).get(5, TimeUnit.SECONDS);
            assertThat(got.poll(5, TimeUnit.SECONDS)).isEqualTo("status " + WebSocket.STATUS_ACTIVE + " true false");
            ws.sendText("ping", true).get(5, TimeUnit.SECONDS);
            assertThat(pinged.get(5, TimeUnit.SECONDS)).isEqualTo("p");
            ws.sendText("bye", true).get(5, TimeUnit.SECONDS);
            assertThat(closed.get(5, TimeUnit.SECONDS)).isEqualTo("4000 bye");
        }
    }

    private static java.net.http.WebSocket.Listener listener(LinkedBlockingQueue<String> got) {
        return new java.net.http.WebSocket.Listener() {
            private final StringBuilder sb = new StringBuilder();

            @Override
            public CompletionStage<?> onText(java.net.http.WebSocket ws, CharSequence data, boolean last) {
                sb.append(data);
                if (last) {
                    got.add(sb.toString());
                    sb.setLength(0);
                }
                ws.request(1);
                return CompletableFuture.completedFuture(null);
            }
        };
    }

    /** {@link Chat} with a handshake of its own that adds a header. */
    static final class CustomHandshake extends Chat {
        @Override
        public void build(Server server, Probe probe) {
            super.build(server, probe);
            ((WebSocketServer) server).onHandShake((req, res) -> {
                res.status(101);
                res.header("Upgrade", "websocket");
                res.header("Connection", "Upgrade");
                res.header("Sec-WebSocket-Accept", WsEngine.accept(req.header().get("sec-websocket-key")));
                res.header("X-Custom", "yes");
                res.end();
            });
        }
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void handshakeErrorsAndCustomHandshake(Mode mode) throws Exception {
        try (Probe probe = Probe.create();
                Running sv = Running.start(Recipe.server(mode, Map.of("worker_num", 1), Chat.class, probe))) {
            String v8 = sv.exchangeUntilClose("GET / HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\n"
                    + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                    + "Sec-WebSocket-Version: 8\r\n\r\n");
            assertThat(v8).startsWith("HTTP/1.1 426").containsIgnoringCase("Sec-WebSocket-Version: 13");
            assertThat(sv.exchangeUntilClose("GET / HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\n"
                    + "Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\n\r\n")).startsWith("HTTP/1.1 400");
        }
        try (Probe probe = Probe.create();
                Running sv = Running.start(Recipe.server(mode, Map.of("worker_num", 1), CustomHandshake.class,
                        probe));
                Socket c = sv.connect()) {
            assertThat(handshake(c, "")).contains("X-Custom: yes");
            c.getOutputStream().write(frame(0x81, "hi".getBytes(), true));
            assertThat(new String(readFrame(c.getInputStream()).payload)).isEqualTo("echo: hi");
            assertThat(probe.events()).doesNotContain("open /");
        }
    }

    /**
     * Upgrade and Connection are comma-separated token lists (case-insensitive, optional whitespace, possibly over
     * several header lines): the handshake succeeds when they list "websocket" and "upgrade". In every mode (in
     * PROCESS mode a worker JVM answers the handshake). Ports {@code tests/swoole_websocket_server/header_token.phpt}
     * (its three forms are the first three here).
     */
    @ParameterizedTest
    @EnumSource(Mode.class)
    void upgradeAndConnectionAreTokenLists(Mode mode) throws Exception {
        try (Running sv = Running.start(WsApp.create(mode))) {
            for (String h : List.of("Upgrade: websocket, abc\r\nConnection: Upgrade, abc\r\n",
                    "Upgrade: abc, websocket\r\nConnection: abc, Upgrade\r\n",
                    "Upgrade: abc, websocket, def\r\nConnection: abc, Upgrade, def\r\n",
                    "Upgrade: WebSocket\r\nConnection: keep-alive,upgrade\r\n",
                    "Upgrade: abc ,\twebsocket/13 ,WEBSOCKET\t\r\nConnection:\tUPGRADE , keep-alive\r\n",
                    "Upgrade: h2c\r\nUpgrade: websocket\r\nConnection: keep-alive\r\nConnection: Upgrade\r\n")) {
                try (Socket c = sv.connect()) {
                    assertThat(head(c, h)).as(h).startsWith("HTTP/1.1 101")
                            .contains("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
                    assertThat(new String(readFrame(c.getInputStream()).payload)).as(h).startsWith("welcome ");
                    c.getOutputStream().write(frame(0x81, "hi".getBytes(), true));
                    assertThat(new String(readFrame(c.getInputStream()).payload)).as(h).isEqualTo("echo: hi");
                }
            }
            for (String h : List.of("Upgrade: websocketx, web socket\r\nConnection: Upgrade\r\n",
                    "Upgrade: abc, websocket\r\nConnection: Upgrades, keep-alive\r\n",
                    "Upgrade: h2c\r\nConnection: Upgrade\r\n")) {
                try (Socket c = sv.connect()) {
                    assertThat(head(c, h)).as(h).startsWith("HTTP/1.1 200");
                }
            }
        }
    }

    /** Sends a handshake GET /ws with the Upgrade and Connection lines {@code headers}; returns the response head. */
    private static String head(Socket c, String headers) throws IOException {
        c.getOutputStream().write(("GET /ws HTTP/1.1\r\nHost: a\r\n" + headers
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1));
        InputStream in = c.getInputStream();
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

    @ParameterizedTest
    @EnumSource(Mode.class)
    void violationsCloseWithTheRightCode(Mode mode) throws Exception {
        try (Probe probe = Probe.create(); Running sv = Running.start(Recipe.server(mode, Map.of("worker_num", 1,
                "package_max_length", 65536, "websocket_compression", true), Chat.class, probe))) {
            assertThat(closeCodeAfter(sv, frame(0x81, "x".getBytes(), false))).as("unmasked").isEqualTo(1002);
            assertThat(closeCodeAfter(sv, frame(0x83, "x".getBytes(), true))).as("reserved opcode").isEqualTo(1002);
            assertThat(closeCodeAfter(sv, frame(0x80, "x".getBytes(), true))).as("continuation first")
                    .isEqualTo(1002);
            assertThat(closeCodeAfter(sv, frame(0x81, new byte[] {(byte) 0xC3, 0x28}, true))).as("bad UTF-8")
                    .isEqualTo(1007);
            assertThat(closeCodeAfter(sv, frame(0x82, new byte[70_000], true))).as("frame too big").isEqualTo(1009);
            byte[] twoParts = concat(frame(0x02, new byte[40_000], true), frame(0x80, new byte[40_000], true));
            assertThat(closeCodeAfter(sv, twoParts)).as("message too big").isEqualTo(1009);
            // websocket_compression is on, but this connection did not ask for permessage-deflate: RSV1 means
            // nothing on it (before, the frame was taken as a message)
            assertThat(closeCodeAfter(sv, frame(0xC1, deflate("x".getBytes()), true))).as("RSV1 not negotiated")
                    .isEqualTo(1002);
            byte[] bomb = deflate(new byte[10 << 20]);
            assertThat(bomb.length).isLessThan(65536);
            assertThat(closeCodeAfter(sv, frame(0xC2, bomb, true), "permessage-deflate")).as("deflate bomb")
                    .isEqualTo(1009);
            try (Socket c = sv.connect()) {
                assertThat(handshake(c, "permessage-deflate")).containsIgnoringCase("permessage-deflate");
                c.getOutputStream().write(frame(0xC1, deflate("squeezed".getBytes()), true));
                Raw reply = readFrame(c.getInputStream());
                assertThat(reply.rsv1).as("the reply is compressed too").isTrue();
                assertThat(new String(inflate(reply.payload))).isEqualTo("echo: squeezed");
            }
        }
    }

    private static int closeCodeAfter(Running sv, byte[] frames) throws IOException {
        return closeCodeAfter(sv, frames, "");
    }

    private static int closeCodeAfter(Running sv, byte[] frames, String extensions) throws IOException {
        try (Socket c = sv.connect()) {
            handshake(c, extensions);
            c.getOutputStream().write(frames);
            while (true) {
                Raw f = readFrame(c.getInputStream());
                if (f.opcode == 8) {
                    return ((f.payload[0] & 0xff) << 8) | (f.payload[1] & 0xff);
                }
            }
        }
    }

    static String handshake(Socket c, String extensions) throws IOException {
        c.getOutputStream().write(("GET /ws HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
                + (extensions.isEmpty() ? "" : "Sec-WebSocket-Extensions: " + extensions + "\r\n") + "\r\n")
                .getBytes(StandardCharsets.ISO_8859_1));
        InputStream in = c.getInputStream();
        StringBuilder sb = new StringBuilder();
        while (!sb.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            sb.append((char) b);
        }
        assertThat(sb.toString()).startsWith("HTTP/1.1 101").contains("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
        return sb.toString();
    }

    /** A client frame: {@code b0} is FIN/RSV/opcode; masked unless {@code masked} is false. */
    static byte[] frame(int b0, byte[] payload, boolean masked) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(b0);
        int m = masked ? 0x80 : 0;
        if (payload.length < 126) {
            out.write(m | payload.length);
        } else if (payload.length < 65536) {
            out.write(m | 126);
            out.write(payload.length >> 8);
            out.write(payload.length & 0xff);
        } else {
            out.write(m | 127);
            for (int i = 7; i >= 0; i--) {
                out.write((int) ((long) payload.length >> (8 * i)) & 0xff);
            }
        }
        byte[] key = {1, 2, 3, 4};
        if (masked) {
            out.writeBytes(key);
        }
        for (int i = 0; i < payload.length; i++) {
            out.write(masked ? payload[i] ^ key[i % 4] : payload[i]);
        }
        return out.toByteArray();
    }

    record Raw(int opcode, boolean rsv1, byte[] payload) {
    }

    static Raw readFrame(InputStream in) throws IOException {
        DataInputStream d = new DataInputStream(in);
        int b0 = d.readUnsignedByte();
        int b1 = d.readUnsignedByte();
        long len = b1 & 0x7f;
        if (len == 126) {
            len = d.readUnsignedShort();
        } else if (len == 127) {
            len = d.readLong();
        }
        byte[] p = new byte[(int) len];
        d.readFully(p);
        return new Raw(b0 & 0x0f, (b0 & 0x40) != 0, p);
    }

    /** permessage-deflate of one message: raw deflate without the final empty block's 4 bytes. */
    static byte[] deflate(byte[] data) {
        Deflater d = new Deflater(Deflater.BEST_COMPRESSION, true);
        d.setInput(data);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[65536];
        int n;
        while ((n = d.deflate(buf, 0, buf.length, Deflater.SYNC_FLUSH)) > 0) {
            out.write(buf, 0, n);
        }
        d.end();
        byte[] all = out.toByteArray();
        return java.util.Arrays.copyOf(all, all.length - 4);
    }

    static byte[] inflate(byte[] data) throws java.util.zip.DataFormatException {
        java.util.zip.Inflater inf = new java.util.zip.Inflater(true);
        inf.setInput(concat(data, new byte[] {0, 0, (byte) 0xff, (byte) 0xff}));
        byte[] out = new byte[4096];
        int n = inf.inflate(out);
        inf.end();
        return java.util.Arrays.copyOf(out, n);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] r = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
