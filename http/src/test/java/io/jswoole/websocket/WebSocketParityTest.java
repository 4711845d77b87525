package io.jswoole.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import io.jswoole.http.HttpRecipe;
import io.jswoole.server.Mode;
import io.jswoole.server.Probe;
import io.jswoole.server.Recipe;
import io.jswoole.server.Running;
import io.jswoole.server.Server;
import io.jswoole.server.SockType;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Swoole's {@code tests/swoole_websocket_server/*.phpt} on jswoole's {@link WebSocketServer}: the events and their
 * order, the handshake, {@code disconnect}, close frames and connection status, with raw-socket clients
 * ({@link WsPeer}) and curl, in every mode. The frames themselves are {@link WebSocketFramesParityTest}'s.
 */
class WebSocketParityTest {
    /** The server of {@code onDisconnct.phpt}: every event goes to the probe, no request callback. */
    static final class Events implements HttpRecipe.WebSocket {
        @Override
        public void build(Server server, Probe probe) {
            WebSocketServer s = (WebSocketServer) server;
            s.onConnect((srv, fd, rid) -> probe.add("connect " + fd));
            s.onDisconnect((srv, fd) -> probe.add("disconnect " + fd));
            s.onOpen((srv, req) -> probe.add("open " + req.fd()));
            s.onClose((srv, fd, rid) -> probe.add("close " + fd));
            s.onMessage((srv, f) -> probe.add("message " + f.text()));
        }
    }

    /**
     * {@code tests/swoole_websocket_server/onDisconnct.phpt}: a plain GET to a WebSocketServer without a request
     * callback gets a 400 and fires {@code disconnect} (not {@code close}); a WebSocket fires connect, open, then
     * close.
     */
    @ParameterizedTest
    @EnumSource(Mode.class)
    void aPlainRequestDisconnectsAndAWebSocketCloses(Mode mode) throws Exception {
        try (Probe p = Probe.create(); Running r = Running.start(Recipe.server(mode, Map.of("worker_num", 1),
                Events.class, p))) {
            String plain = Running.curl("-i", r.url("/"));
            assertThat(plain).startsWith("HTTP/1.1 400");
            assertThat(Running.eventually(() -> p.count("disconnect 1") == 1)).isTrue();
            try (WsPeer ws = WsPeer.open(r.port(), "/websocket", "")) {
                ws.text("hello world");
                assertThat(Running.eventually(() -> p.count("message hello world") == 1)).isTrue();
            }
            assertThat(Running.eventually(() -> p.count("close 2") == 1)).isTrue();
            assertThat(p.events()).containsExactly("connect 1", "disconnect 1", "connect 2", "open 2",
                    "message hello world", "close 2");
        }
    }

    /** {@code disconnect}, close frames (delivered or not) and the pushed close frame. */
    static final class Closer implements HttpRecipe.WebSocket {
        @Override
        public void build(Server server, Probe probe) {
            WebSocketServer s = (WebSocketServer) server;
            s.onMessage((srv, f) -> {
                if (f instanceof CloseFrame c) {
                    probe.add("close frame " + c.code() + " " + c.reason());
                    return;
                }
                switch (f.text()) {
                    case "shutdown" -> srv.disconnect(f.fd(), 4000, "shutdown received");
                    case "code" -> srv.disconnect(f.fd(), 4001);
                    case "aaa" -> probe.add("push close " + srv.push(f.fd(), new CloseFrame(f.fd(),
                            io.jswoole.websocket.WebSocket.CLOSE_NORMAL, "hahahhah")));
                    default -> probe.add("message " + f.text());
                }
            });
        }
    }

    /**
     * {@code disconnect.phpt}: {@code disconnect($fd, 4000, 'shutdown received')} reaches the client as that close
     * frame. {@code disconnect_with_code.phpt}: {@code disconnect($fd, 4001)}, an empty reason.
     * {@code close_frame_flag.phpt}: with {@code open_websocket_close_frame} off a client's close frame never
     * reaches {@code message} (it is answered with its own code and reason). {@code send_close_frame.phpt}: a
     * close frame the server pushes does not close the connection: the next message still arrives.
     */
    @ParameterizedTest
    @EnumSource(Mode.class)
    void disconnectAndCloseFramesAsSwoole(Mode mode) throws Exception {
        try (Probe p = Probe.create(); Running r = Running.start(Recipe.server(mode, Map.of("worker_num", 1,
                "open_websocket_close_frame", false), Closer.class, p))) {
            try (WsPeer ws = WsPeer.open(r.port())) {
                ws.text("shutdown");
                assertThat(ws.readClose()).isEqualTo("4000 shutdown received");
                assertThat(ws.closedByServer()).isTrue();
            }
            try (WsPeer ws = WsPeer.open(r.port())) {
                ws.text("code");
                assertThat(ws.readClose()).isEqualTo("4001 ");
            }
            try (WsPeer ws = WsPeer.open(r.port())) {
                ws.close(1000, "client bye");
                assertThat(ws.readClose()).isEqualTo("1000 client bye");
                assertThat(ws.closedByServer()).isTrue();
            }
            try (WsPeer ws = WsPeer.open(r.port())) {
                ws.text("aaa");
                assertThat(ws.readClose()).isEqualTo("1000 hahahhah");
                ws.text("lalalala");
                assertThat(Running.eventually(() -> p.count("message lalalala") == 1)).isTrue();
            }
            assertThat(p.events()).containsExactly("push close true", "message lalalala");
        }
    }

    /** Echoes a delivered close frame by {@code push($fd, $frame)} or {@code disconnect} (close_frame_full). */
    static final class CloseEcho implements HttpRecipe.WebSocket {
        @Override
        public void build(Server server, Probe probe) {
            ((WebSocketServer) server).onMessage((srv, f) -> {
                if (f instanceof CloseFrame c) {
                    probe.add("close frame " + c.code());
                    if (c.code() % 2 == 0) {
                        srv.push(c.fd(), c);
                    } else {
                        srv.disconnect(c.fd(), c.code(), c.reason());
                    }
                }
            });
        }
    }

    /**
     * {@code close_frame_full.phpt}: a client's close frame comes back with its code and reason, then the
     * connection closes. Swoole echoes any code (the .phpt draws 0-5000); jswoole answers a code RFC 6455 7.4 does
     * not let an endpoint send (below 1000, 1004-1006, 1015-2999, 5000 and up; 32768 read unsigned, as in
     * {@code unpack_close_code_unsigned.phpt}) with 1002 (a deviation, docs/parity.md).
     */
    @ParameterizedTest
    @EnumSource(Mode.class)
    void aCloseFrameComesBackWithItsCodeAndReason(Mode mode) throws Exception {
        for (boolean delivered : new boolean[] {false, true}) {
            try (Probe p = Probe.create(); Running r = Running.start(Recipe.server(mode, Map.of("worker_num", 1,
                    "open_websocket_close_frame", delivered), CloseEcho.class, p))) {
                for (int code : new int[] {1000, 1001, 1003, 1011, 3000, 3001, 4000, 4999}) {
                    try (WsPeer ws = WsPeer.open(r.port())) {
                        String reason = md5(String.valueOf(code));
                        ws.close(code, reason);
                        assertThat(ws.readClose()).as(delivered + " " + code).isEqualTo(code + " " + reason);
                        assertThat(ws.closedByServer()).isTrue();
                    }
                }
                for (int code : new int[] {0, 999, 1004, 1005, 1006, 1015, 2999, 5000, 32768}) {
                    try (WsPeer ws = WsPeer.open(r.port())) {
                        ws.close(code, "x");
                        assertThat(ws.readClose()).as(delivered + " " + code).startsWith("1002 ");
                    }
                }
                if (delivered) {
                    assertThat(Running.eventually(() -> p.count("close frame 4999") == 1)).isTrue();
                    assertThat(p.events()).hasSize(8).doesNotContain("close frame 1005");
                } else {
                    assertThat(p.events()).isEmpty();
                }
            }
        }
    }

    /** The server of {@code exists_and_isEstablished.phpt}, {@code query.phpt} and {@code empty_message.phpt}. */
    static final class Status implements HttpRecipe.WebSocket {
        @Override
        public void build(Server server, Probe probe) {
            WebSocketServer s = (WebSocketServer) server;
            s.onRequest((req, res) -> res.end(String.valueOf(req.fd())));
            s.onOpen((srv, req) -> srv.push(req.fd(), new TreeMap<>(req.get()).toString()));
            s.onMessage((srv, f) -> {
                if (f.data().length == 0) {
                    srv.push(f.fd(), "empty " + f.opcode());
                    return;
                }
                int fd = Integer.parseInt(f.text());
                srv.push(f.fd(), srv.isEstablished(fd) ? "websocket" : srv.exists(fd) ? "http" : "null");
            });
        }
    }

    /**
     * {@code exists_and_isEstablished.phpt}: for the fd of a plain HTTP connection {@code isEstablished} is false
     * and {@code exists} true; for a WebSocket (upgraded on the keep-alive connection of an earlier GET) both are
     * true; for a closed or unknown fd both are false. {@code query.phpt}: the open event's request has the query
     * string's {@code get}. {@code empty_message.phpt}: an empty message arrives as an empty text frame.
     */
    @ParameterizedTest
    @EnumSource(Mode.class)
    void existsIsEstablishedQueryAndEmptyMessages(Mode mode) throws Exception {
        try (Probe p = Probe.create(); Running r = Running.start(Recipe.server(mode, Map.of("worker_num", 2),
                Status.class, p));
                Socket http = r.connect(); Socket upgraded = r.connect()) {
            int httpFd = Integer.parseInt(get(http));
            int wsFd = Integer.parseInt(get(upgraded));
            upgraded.getOutputStream().write(("GET /?x=1 HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\n"
                    + "Connection: Upgrade\r\nSec-WebSocket-Key: x3JJHMbDL1EzLkh9GBhXDw==\r\n"
                    + "Sec-WebSocket-Version: 13\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            assertThat(WsPeer.readHead(upgraded.getInputStream())).startsWith("HTTP/1.1 101");
            assertThat(new String(WebSocketServerTest.readFrame(upgraded.getInputStream()).payload(),
                    StandardCharsets.UTF_8)).isEqualTo("{x=1}");
            int closedFd;
            try (Socket gone = r.connect()) {
                closedFd = Integer.parseInt(get(gone));
            }
            try (WsPeer ws = WsPeer.open(r.port(), "/?test=a&b=hello", "")) {
                assertThat(ws.readText()).isEqualTo("{b=hello, test=a}");
                assertThat(Running.eventually(() -> !r.server.exists(closedFd))).isTrue();
                for (var c : List.of(Map.entry(httpFd, "http"), Map.entry(wsFd, "websocket"),
                        Map.entry(closedFd, "null"), Map.entry(-1, "null"), Map.entry(99_999, "null"))) {
                    ws.text(String.valueOf(c.getKey()));
                    assertThat(ws.readText()).as("fd " + c.getKey()).isEqualTo(c.getValue());
                }
                ws.text("");
                assertThat(ws.readText()).isEqualTo("empty " + io.jswoole.websocket.WebSocket.OPCODE_TEXT);
            }
        }
    }

    /** Sends a keep-alive GET / on {@code s}; returns the body. */
    private static String get(Socket s) throws Exception {
        s.getOutputStream().write("GET / HTTP/1.1\r\nHost: a\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        InputStream in = s.getInputStream();
        String head = WsPeer.readHead(in).toLowerCase(java.util.Locale.ROOT);
        int i = head.indexOf("content-length:");
        int n = Integer.parseInt(head.substring(i + 15, head.indexOf('\r', i)).trim());
        return new String(in.readNBytes(n), StandardCharsets.UTF_8);
    }

    /** A custom handshake ({@code set_cookie_on_handshake.phpt}, {@code websocket_compress_on_handshake.phpt}). */
    static final class Handshakes implements HttpRecipe.WebSocket {
        @Override
        public void build(Server server, Probe probe) {
            WebSocketServer s = (WebSocketServer) server;
            s.on("HANDSHAKE", (WebSocketServer.OnHandShake) (req, res) -> {
                String key = req.header().get("sec-websocket-key");
                if (key == null || !key.matches("[+/0-9A-Za-z]{21}[AQgw]==")) {
                    res.end();
                    return;
                }
                res.header("Upgrade", "websocket");
                res.header("Connection", "Upgrade");
                res.header("Sec-WebSocket-Accept", WsEngine.accept(key));
                res.header("Sec-WebSocket-Version", "13");
                res.header("Set-Cookie", "foo=bar");
                res.header("X-asdf", "asdf");
                res.cookie("abc", "def");
                res.status(101);
                res.end();
            });
            s.onMessage((srv, f) -> srv.push(f.fd(), "hello world"));
        }
    }

    /** The built-in handshake with a {@code beforeHandShakeResponse} callback. */
    static final class BeforeResponse implements HttpRecipe.WebSocket {
        @Override
        public void build(Server server, Probe probe) {
            WebSocketServer s = (WebSocketServer) server;
            s.on("beforeHandShakeResponse", (WebSocketServer.OnBeforeHandShakeResponse) (srv, req, res) ->
                    res.cookie("abc", "def"));
            s.onOpen((srv, req) -> probe.add("open"));
            s.onMessage((srv, f) -> srv.push(f.fd(), "hello world"));
        }
    }

    /**
     * {@code set_cookie_on_handshake.phpt}: a custom handshake's Set-Cookie header and cookie() both go out with
     * the 101, in that order, with its own headers (names formatted as Swoole's {@code header()} does). {@code websocket_compress_on_handshake.phpt}: with
     * {@code websocket_compression} on, a custom handshake still negotiates permessage-deflate.
     * {@code set_cookie_on_before_handshake_response.phpt}: a cookie set in {@code beforeHandShakeResponse} goes
     * out with the built-in 101 (an API gap closed: the callback is new). {@code dynamic_property.phpt}'s case-
     * insensitive event names ({@code on("HANDSHAKE")}, {@code on("beforeHandShakeResponse")}).
     */
    @ParameterizedTest
    @EnumSource(Mode.class)
    void handshakeCookiesHeadersAndCompression(Mode mode) throws Exception {
        try (Probe p = Probe.create(); Running r = Running.start(Recipe.server(mode, Map.of("worker_num", 1,
                "websocket_compression", true), Handshakes.class, p))) {
            try (WsPeer ws = WsPeer.open(r.port())) {
                assertThat(ws.head).containsIgnoringCase("x-asdf: asdf").doesNotContainIgnoringCase("sec-websocket-extensions");
                assertThat(ws.head.indexOf("Set-Cookie: foo=bar")).isPositive()
                        .isLessThan(ws.head.indexOf("Set-Cookie: abc=def"));
                ws.text("hi");
                assertThat(ws.readText()).isEqualTo("hello world");
            }
            try (WsPeer ws = WsPeer.open(r.port(), "/", "Sec-WebSocket-Extensions: permessage-deflate; "
                    + "client_max_window_bits\r\n")) {
                assertThat(ws.head).containsIgnoringCase("sec-websocket-extensions: permessage-deflate");
                ws.text("hi");
                WebSocketServerTest.Raw reply = ws.read();
                assertThat(reply.rsv1()).isTrue();
                assertThat(new String(WsPeer.inflate(reply.payload()), StandardCharsets.UTF_8))
                        .isEqualTo("hello world");
            }
            assertThat(r.server.port()).isPositive();
        }
        try (Probe p = Probe.create(); Running r = Running.start(Recipe.server(mode, Map.of("worker_num", 1),
                BeforeResponse.class, p)); WsPeer ws = WsPeer.open(r.port())) {
            assertThat(ws.head).contains("Set-Cookie: abc=def");
            ws.text("hi");
            assertThat(ws.readText()).isEqualTo("hello world");
            assertThat(p.events()).containsExactly("open");
        }
    }

    /** The server of {@code listener.phpt}: a second port, without settings of its own. */
    static final class Listener implements HttpRecipe.WebSocket {
        @Override
        public void build(Server server, Probe probe) {
            WebSocketServer s = (WebSocketServer) server;
            s.listen("127.0.0.1", 0, SockType.TCP);
            s.onOpen((srv, req) -> { });
            s.onMessage((srv, f) -> srv.push(f.fd(), "Swoole: " + f.text()));
            s.onClose((srv, fd, rid) -> { });
        }
    }

    /**
     * {@code listener.phpt}: a port added by {@code listen()}, without settings or a receive callback, speaks
     * WebSocket like the main one (a bug fixed: it refused to start without an onReceive).
     */
    @ParameterizedTest
    @EnumSource(Mode.class)
    void anAddedPortSpeaksWebSocket(Mode mode) throws Exception {
        try (Probe p = Probe.create(); Running r = Running.start(Recipe.server(mode, Map.of("worker_num", 1),
                Listener.class, p))) {
            int second = r.server.ports().get(1).port();
            assertThat(second).isPositive().isNotEqualTo(r.port());
            try (WsPeer ws = WsPeer.open(second)) {
                for (int i = 0; i < 100; i++) {
                    ws.text("hello");
                    assertThat(ws.readText()).isEqualTo("Swoole: hello");
                }
            }
        }
    }

    static String md5(String s) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("MD5")
                    .digest(s.getBytes(StandardCharsets.ISO_8859_1)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String md5(byte[] b) {
        return md5(new String(b, StandardCharsets.ISO_8859_1));
    }
}
