package io.jswoole.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import io.jswoole.http.HttpRecipe;
import io.jswoole.server.Mode;
import io.jswoole.server.Probe;
import io.jswoole.server.Recipe;
import io.jswoole.server.Running;
import io.jswoole.server.Server;
import io.jswoole.timer.Timer;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Swoole's {@code tests/swoole_websocket_server/*.phpt} about frames, on jswoole's {@link WebSocketServer}: ping and
 * pong, fragmentation, message sizes, concurrency, compression and malformed input, with raw-socket clients
 * ({@link WsPeer}) in every mode. Each method's Javadoc names the {@code .phpt} files it ports.
 */
class WebSocketFramesParityTest {
    static final int OPCODE_TEXT = io.jswoole.websocket.WebSocket.OPCODE_TEXT;
    static final int OPCODE_BINARY = io.jswoole.websocket.WebSocket.OPCODE_BINARY;
    static final int OPCODE_PING = io.jswoole.websocket.WebSocket.OPCODE_PING;
    static final int OPCODE_PONG = io.jswoole.websocket.WebSocket.OPCODE_PONG;
    static final int FIN = io.jswoole.websocket.WebSocket.FLAG_FIN;
    static final int COMPRESS = io.jswoole.websocket.WebSocket.FLAG_COMPRESS;

    /** The servers of the ping .phpt files: pings and pongs delivered go to the probe and are answered. */
    static final class Pings implements HttpRecipe.WebSocket {
        @Override
        public void build(Server server, Probe probe) {
            ((WebSocketServer) server).onMessage((srv, f) -> {
                int fd = f.fd();
                if (f.opcode() == OPCODE_PING) {
                    probe.add("ping " + f.text());
                    srv.push(fd, new Frame(fd, "pong".getBytes(StandardCharsets.UTF_8), OPCODE_PONG, FIN, true));
                    return;
                }
                if (f.opcode() == OPCODE_PONG) {
                    probe.add("pong " + f.text());
                    return;
                }
                switch (f.text()) {
                    case "ping me" -> {
                        srv.ping(fd, "Hello World".getBytes(StandardCharsets.UTF_8));
                        srv.ping(fd);
                    }
                    case "loop" -> {
                        AtomicInteger n = new AtomicInteger();
                        Timer.tick(100, id -> {
                            if (n.incrementAndGet() > 5) {
                                Timer.clear(id);
                                srv.push(fd, new CloseFrame(fd, 1000, ""));
                            } else if (n.get() % 2 == 0) {
                                srv.push(fd, new Frame(fd, "ping".getBytes(StandardCharsets.UTF_8), OPCODE_PING,
                                        FIN, true));
                            } else {
                                srv.push(fd, "ping".getBytes(StandardCharsets.UTF_8), OPCODE_PING);
                            }
                        });
                    }
                    case "big" -> {
                        try {
                            srv.push(fd, new byte[126], OPCODE_PING);
                            srv.push(fd, "ping accepted");
                        } catch (IllegalArgumentException e) {
                            srv.push(fd, "ping refused");
                        }
                        try {
                            srv.disconnect(fd, 1000, "B".repeat(124));
                        } catch (IllegalArgumentException e) {
                            srv.push(fd, "reason refused");
                        }
                    }
                    default -> probe.add("message " + f.text());
                }
            });
        }
    }

    /**
     * {@code ping.phpt}: {@code ping($fd, 'Hello World')} then {@code ping($fd)} reach the client as two pings.
     * {@code pingpong.phpt}: a client's pings are answered with pongs and never reach {@code message}.
     * {@code pingloop.phpt}: pings pushed from a timer (as a Frame or as data with the opcode), answered by the
     * client, whose pongs stay unseen, then a pushed CloseFrame. {@code pingpong_open_ping_pong_frame.phpt} and
     * {@code pingloop_open_ping_pong_frame.phpt}: with {@code open_websocket_ping_frame}/{@code _pong_frame} the
     * pings and pongs reach {@code message} (the application answers the pings itself).
     * {@code control_frame_contract.phpt}: a 126-byte ping and a 124-byte close reason are refused (Swoole: a
     * warning and an empty string; jswoole: IllegalArgumentException, as for other API misuse).
     */
    @ParameterizedTest
    @EnumSource(Mode.class)
    void pingsAndPongsAsSwoole(Mode mode) throws Exception {
        try (Probe p = Probe.create(); Running r = Running.start(Recipe.server(mode, Map.of("worker_num", 1),
                Pings.class, p))) {
            try (WsPeer ws = WsPeer.open(r.port())) {
                ws.text("ping me");
                assertControl(ws.read(), OPCODE_PING, "Hello World");
                assertControl(ws.read(), OPCODE_PING, "");
                for (int i = 0; i < 100; i++) {
                    ws.send(0x89, new byte[0]);
                    assertControl(ws.read(), OPCODE_PONG, "");
                }
                ws.text("big");
                assertThat(ws.readText()).isEqualTo("ping refused");
                assertThat(ws.readText()).isEqualTo("reason refused");
                pingLoop(ws);
            }
            assertThat(p.events()).isEmpty();
        }
        try (Probe p = Probe.create(); Running r = Running.start(Recipe.server(mode, Map.of("worker_num", 1,
                "open_websocket_ping_frame", true, "open_websocket_pong_frame", true), Pings.class, p));
                WsPeer ws = WsPeer.open(r.port())) {
            for (int i = 0; i < 20; i++) {
                ws.send(0x89, "ping".getBytes(StandardCharsets.UTF_8));
                assertControl(ws.read(), OPCODE_PONG, "pong");
            }
            pingLoop(ws);
            assertThat(Running.eventually(() -> p.count("pong pong") == 5)).isTrue();
            assertThat(p.count("ping ping")).isEqualTo(20);
        }
    }

    /** Asks for the timer's pings: five, each answered with a pong, then the pushed close frame. */
    private static void pingLoop(WsPeer ws) throws Exception {
        ws.text("loop");
        for (int i = 0; i < 5; i++) {
            assertControl(ws.read(), OPCODE_PING, "ping");
            ws.send(0x8A, "pong".getBytes(StandardCharsets.UTF_8));
        }
        assertThat(ws.readClose()).isEqualTo("1000 ");
    }

    private static void assertControl(WebSocketServerTest.Raw f, int opcode, String payload) {
        assertThat(f.opcode()).isEqualTo(opcode);
        assertThat(new String(f.payload(), StandardCharsets.UTF_8)).isEqualTo(payload);
    }

    /**
     * The echo servers: {@code describe:...} is answered with the frame's opcode, flags, finish, length and MD5;
     * {@code greet:X} with Hello and How are you; {@code len:X} with the length; {@code md5:X} with the MD5;
     * anything else is pushed back as the Frame itself ({@code push($fd, $frame)}).
     */
    static final class Echo implements HttpRecipe.WebSocket {
        @Override
        public void build(Server server, Probe probe) {
            ((WebSocketServer) server).onMessage((srv, f) -> {
                int fd = f.fd();
                String head = new String(f.data(), 0, Math.min(9, f.data().length), StandardCharsets.ISO_8859_1);
                if (head.startsWith("describe:")) {
                    srv.push(fd, "opcode=" + f.opcode() + " flags=" + f.flags() + " finish=" + f.finish()
                            + " length=" + f.data().length + " md5=" + WebSocketParityTest.md5(f.data()));
                } else if (head.startsWith("greet:")) {
                    srv.push(fd, "Hello " + f.text().substring(6) + "!");
                    srv.push(fd, "How are you, " + f.text().substring(6) + "?");
                } else if (head.startsWith("len:")) {
                    srv.push(fd, String.valueOf(f.data().length - 4));
                } else if (head.startsWith("md5:")) {
                    srv.push(fd, WebSocketParityTest.md5(java.util.Arrays.copyOfRange(f.data(), 4,
                            f.data().length)));
                } else {
                    srv.push(fd, f);
                }
            });
        }
    }

    /**
     * {@code fin.phpt}: a message sent in many fragments (a text frame without FIN, continuations, the last with
     * FIN) arrives as one message, pushed back whole. {@code fin2.phpt}: that message's finish is true.
     * {@code bug_1.phpt}: a 64-128 KiB frame whose first 4 bytes come alone arrives whole (the .phpt's server has
     * {@code open_http2_protocol} on). {@code malformed_data.phpt}: a frame header claiming a fragmented ping of
     * 2^64-1 bytes closes the connection (Swoole resets it and logs "malformed data"; jswoole sends close 1002,
     * then closes: the protocol's answer, a deviation).
     */
    @ParameterizedTest
    @EnumSource(Mode.class)
    void fragmentsAndSplitFramesArriveWhole(Mode mode) throws Exception {
        Random rnd = new Random(17);
        try (Probe p = Probe.create(); Running r = Running.start(Recipe.server(mode, Map.of("worker_num", 1,
                "open_http2_protocol", true), Echo.class, p))) {
            try (WsPeer ws = WsPeer.open(r.port())) {
                for (String prefix : new String[] {"", "describe:"}) {
                    ByteArrayOutputStream whole = new ByteArrayOutputStream();
                    int times = 8 + rnd.nextInt(25);
                    for (int n = 0; n < times; n++) {
                        byte[] part = ((n == 0 ? prefix : "") + text(rnd, 1 + rnd.nextInt(1280)))
                                .getBytes(StandardCharsets.UTF_8);
                        whole.writeBytes(part);
                        ws.send((n == times - 1 ? 0x80 : 0) | (n == 0 ? OPCODE_TEXT : 0), part);
                    }
                    String expect = prefix.isEmpty() ? whole.toString(StandardCharsets.UTF_8)
                            : "opcode=1 flags=1 finish=true length=" + whole.size() + " md5="
                                    + WebSocketParityTest.md5(whole.toByteArray());
                    assertThat(ws.readText()).isEqualTo(expect);
                }
                byte[] small = ("md5:" + text(rnd, 1024 + rnd.nextInt(7168))).getBytes(StandardCharsets.UTF_8);
                ws.send(0x81, small);
                assertThat(ws.readText()).isEqualTo(WebSocketParityTest.md5(
                        java.util.Arrays.copyOfRange(small, 4, small.length)));
                byte[] big = ("md5:" + text(rnd, 65536 + rnd.nextInt(65536))).getBytes(StandardCharsets.UTF_8);
                byte[] frame = WebSocketServerTest.frame(0x81, big, true);
                ws.send(java.util.Arrays.copyOf(frame, 4));
                Thread.sleep(10);
                ws.send(java.util.Arrays.copyOfRange(frame, 4, frame.length));
                assertThat(ws.readText()).isEqualTo(WebSocketParityTest.md5(
                        java.util.Arrays.copyOfRange(big, 4, big.length)));
            }
            try (WsPeer ws = WsPeer.open(r.port())) {
                byte[] bytes = new byte[256];
                java.util.Arrays.fill(bytes, (byte) 255);
                bytes[0] = 25;
                ws.send(bytes);
                assertThat(ws.readClose()).startsWith("1002 ");
                assertThat(ws.closedByServer()).isTrue();
            }
        }
    }

    /**
     * {@code get_small_requests.phpt} (1-100 bytes, the length answered), {@code get_large_requests.phpt} (35-40 KB
     * echoed), {@code message_size.phpt} (64 B to 400 KB echoed), {@code greeter.phpt} (two replies per message, in
     * order) and {@code recv_decode.phpt} (text and binary up to 128 KB, opcode and finish checked by the server):
     * eight clients at once, each message answered whole and in order.
     */
    @ParameterizedTest
    @EnumSource(Mode.class)
    void concurrentClientsGetEveryAnswerWhole(Mode mode) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try (Probe p = Probe.create(); Running r = Running.start(Recipe.server(mode, Map.of("worker_num", 2),
                Echo.class, p))) {
            List<Future<Integer>> clients = new ArrayList<>();
            for (int c = 0; c < 8; c++) {
                int seed = c;
                clients.add(pool.submit(() -> client(r.port(), new Random(seed))));
            }
            for (Future<Integer> f : clients) {
                assertThat(f.get(120, TimeUnit.SECONDS)).isEqualTo(10 + 10 + 3 * 4 + 10 + 10);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** One client of {@link #concurrentClientsGetEveryAnswerWhole}: the number of answers that were right. */
    private static int client(int port, Random rnd) throws Exception {
        int ok = 0;
        try (WsPeer ws = WsPeer.open(port)) {
            for (int n = 0; n < 10; n++) {
                String d = text(rnd, 1 + rnd.nextInt(100));
                ws.text("len:" + d);
                ok += ws.readText().equals(String.valueOf(d.length())) ? 1 : 0;
            }
            for (int n = 0; n < 10; n++) {
                String d = text(rnd, 35000 + rnd.nextInt(5000));
                ws.text(d);
                ok += ws.readText().equals(d) ? 1 : 0;
            }
            for (int[] range : new int[][] {{64, 200}, {25600, 70000}, {70000, 400000}}) {
                String d = text(rnd, range[0] + rnd.nextInt(range[1] - range[0]));
                for (int n = 0; n < 4; n++) {
                    ws.text(d);
                    ok += ws.readText().equals(d) ? 1 : 0;
                }
            }
            for (int n = 0; n < 10; n++) {
                String d = text(rnd, 40);
                ws.text("greet:" + d);
                ok += ws.readText().equals("Hello " + d + "!") && ws.readText().equals("How are you, " + d + "?")
                        ? 1 : 0;
            }
            for (int n = 0; n < 10; n++) {
                boolean binary = rnd.nextBoolean();
                byte[] d = new byte[1 + rnd.nextInt(128000)];
                rnd.nextBytes(d);
                byte[] data = binary ? d : Base64.getEncoder().encode(d);
                byte[] msg = new byte[9 + data.length];
                System.arraycopy("describe:".getBytes(StandardCharsets.ISO_8859_1), 0, msg, 0, 9);
                System.arraycopy(data, 0, msg, 9, data.length);
                ws.send(0x80 | (binary ? OPCODE_BINARY : OPCODE_TEXT), msg);
                ok += ws.readText().equals("opcode=" + (binary ? OPCODE_BINARY : OPCODE_TEXT) + " flags=1 finish=true"
                        + " length=" + msg.length + " md5=" + WebSocketParityTest.md5(msg)) ? 1 : 0;
            }
        }
        return ok;
    }

    /** Pushes 50 frames (text and binary, up to 128 KB, drawn from a seed the test shares) on open. */
    static final class Burst implements HttpRecipe.WebSocket {
        @Override
        public void build(Server server, Probe probe) {
            WebSocketServer s = (WebSocketServer) server;
            s.onOpen((srv, req) -> {
                for (Message m : burst()) {
                    boolean ok = m.index % 2 == 0 ? srv.push(req.fd(), m.data, m.opcode)
                            : srv.push(req.fd(), new Frame(req.fd(), m.data, m.opcode, FIN, true));
                    if (!ok) {
                        probe.add("push failed " + m.index);
                    }
                }
            });
            s.onMessage((srv, f) -> { });
        }
    }

    record Message(int index, int opcode, byte[] data) {
    }

    static List<Message> burst() {
        Random rnd = new Random(42);
        List<Message> all = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            byte[] d = new byte[1 + rnd.nextInt(128000)];
            rnd.nextBytes(d);
            boolean binary = rnd.nextBoolean();
            all.add(new Message(i, binary ? OPCODE_BINARY : OPCODE_TEXT, binary ? d : Base64.getEncoder().encode(d)));
        }
        return all;
    }

    /**
     * {@code send_encode.phpt} and {@code send_encode_async.phpt}: 50 frames pushed in the open callback (as data
     * with an opcode, or as a Frame) reach each of several clients whole, in order, with their opcode and FIN.
     */
    @ParameterizedTest
    @EnumSource(Mode.class)
    void framesPushedOnOpenArriveInOrder(Mode mode) throws Exception {
        List<Message> expected = burst();
        try (Probe p = Probe.create(); Running r = Running.start(Recipe.server(mode, Map.of("worker_num", 1,
                "send_timeout", 10), Burst.class, p))) {
            for (int c = 0; c < 3; c++) {
                try (WsPeer ws = WsPeer.open(r.port())) {
                    for (Message m : expected) {
                        WebSocketServerTest.Raw f = ws.read();
                        assertThat(f.opcode()).as("frame " + m.index).isEqualTo(m.opcode);
                        assertThat(f.payload()).as("frame " + m.index).isEqualTo(m.data);
                    }
                }
            }
            assertThat(p.events()).isEmpty();
        }
    }

    /**
     * {@code compression.phpt}: with {@code websocket_compression} on both sides, a compressed message reaches
     * {@code message} with {@code FLAG_COMPRESS} in its flags (a bug fixed: the flags said FIN only), and the
     * Frame pushed back goes out compressed with the same data.
     */
    @ParameterizedTest
    @EnumSource(Mode.class)
    void compressedMessagesCarryTheCompressFlag(Mode mode) throws Exception {
        Random rnd = new Random(7);
        try (Probe p = Probe.create(); Running r = Running.start(Recipe.server(mode, Map.of("worker_num", 1,
                "websocket_compression", true), Echo.class, p));
                WsPeer ws = WsPeer.open(r.port(), "/", "Sec-WebSocket-Extensions: permessage-deflate\r\n")) {
            assertThat(ws.head).containsIgnoringCase("permessage-deflate");
            for (int n = 0; n < 20; n++) {
                String data = "describe:" + text(rnd, 1 + rnd.nextInt(20000));
                ws.send(0xC1, WebSocketServerTest.deflate(data.getBytes(StandardCharsets.UTF_8)));
                WebSocketServerTest.Raw reply = ws.read();
                assertThat(reply.rsv1()).isTrue();
                String described = new String(ws.inflateMessage(reply.payload()), StandardCharsets.UTF_8);
                assertThat(described).startsWith("opcode=1 flags=" + (FIN | COMPRESS | 4) + " finish=true");
                String echo = text(rnd, 1 + rnd.nextInt(20000));
                ws.send(0xC1, WebSocketServerTest.deflate(echo.getBytes(StandardCharsets.UTF_8)));
                reply = ws.read();
                assertThat(reply.rsv1()).isTrue();
                assertThat(new String(ws.inflateMessage(reply.payload()), StandardCharsets.UTF_8)).isEqualTo(echo);
            }
            ws.text("describe: plain");
            assertThat(new String(ws.inflateMessage(ws.read().payload()), StandardCharsets.UTF_8))
                    .startsWith("opcode=1 flags=1 finish=true");
        }
    }

    /** {@code n} printable characters (Swoole's get_safe_random). */
    static String text(Random rnd, int n) {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        StringBuilder b = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            b.append(alphabet.charAt(rnd.nextInt(alphabet.length())));
        }
        return b.toString();
    }
}
