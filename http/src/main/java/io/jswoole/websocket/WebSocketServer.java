package io.jswoole.websocket;

import io.jswoole.ErrorCode;
import io.jswoole.LastError;
import io.jswoole.http.HttpServer;
import io.jswoole.http.Request;
import io.jswoole.http.Response;
import io.jswoole.log.Log;
import io.jswoole.server.Callbacks;
import io.jswoole.server.GlobalFd;
import io.jswoole.server.Mode;
import io.jswoole.server.spi.ProtocolSupport;
import io.jswoole.server.Server;
import io.jswoole.server.SockType;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;

/**
 * Swoole's {@code WebSocket\Server}: an {@link HttpServer} on which a GET with {@code Upgrade: websocket} (on any
 * path) becomes a WebSocket, while other requests stay ordinary HTTP requests ({@code request} event; 400 without
 * one). Events: {@code handShake} (replaces the built-in handshake; {@code open} then does not fire),
 * {@code open}, {@code message} (whole messages, fragments reassembled up to {@code package_max_length}),
 * {@code close} and {@code disconnect} (a connection that closes without having been a WebSocket).
 * <pre>{@code
 * var ws = new WebSocketServer("127.0.0.1", 9502);
 * ws.onOpen((srv, req) -> System.out.println("open " + req.fd()));
 * ws.onMessage((srv, frame) -> srv.push(frame.fd(), "echo: " + frame.text()));
 * ws.start();
 * }</pre>
 * {@link #push} works from any worker or thread; Netty's codecs refuse protocol violations with close codes 1002,
 * 1007 and 1009.
 */
public class WebSocketServer extends HttpServer {
    /** {@code open}: {@code (server, request)} after the built-in handshake. */
    @FunctionalInterface
    public interface OnOpen {
        void handle(WebSocketServer server, Request request);
    }

    /** {@code message}: {@code (server, frame)}. */
    @FunctionalInterface
    public interface OnMessage {
        void handle(WebSocketServer server, Frame frame);
    }

    /** {@code handShake}: answer with status 101 and the headers to accept; anything else refuses. */
    @FunctionalInterface
    public interface OnHandShake {
        void handle(Request request, Response response);
    }

    /**
     * {@code beforeHandShakeResponse}: {@code (server, request, response)} just before the built-in handshake
     * sends its 101 (headers and cookies set here go out with it; a custom {@code handShake} replaces it).
     */
    @FunctionalInterface
    public interface OnBeforeHandShakeResponse {
        void handle(WebSocketServer server, Request request, Response response);
    }

    /** {@code disconnect}: {@code (server, fd)} for a connection that closed without being a WebSocket. */
    @FunctionalInterface
    public interface OnDisconnect {
        void handle(WebSocketServer server, int fd);
    }

    private final WsEngine engine;
    private volatile OnOpen onOpen;
    private volatile OnMessage onMessage;
    private volatile OnHandShake onHandShake;
    private volatile OnDisconnect onDisconnect;
    private volatile OnBeforeHandShakeResponse onBeforeHandShakeResponse;
    private volatile Callbacks.OnConnection userClose;

    public WebSocketServer(String host, int port) {
        this(host, port, Mode.BASE);
    }

    public WebSocketServer(String host, int port, Mode mode) {
        this(host, port, mode, SockType.TCP, 0);
    }

    /** A WebSocket server on a stream socket; {@code flags} {@link SockType#SSL} makes it {@code wss://}. */
    public WebSocketServer(String host, int port, Mode mode, SockType sockType, int flags) {
        this(host, port, mode, sockType, flags, new WsEngine());
    }

    private WebSocketServer(String host, int port, Mode mode, SockType sockType, int flags, WsEngine engine) {
        super(host, port, mode, sockType, flags, engine);
        this.engine = engine;
        engine.attach(this);
        super.onClose(this::closed);
    }

    @Override
    public WebSocketServer set(Map<String, ?> values) {
        super.set(values);
        return this;
    }

    public WebSocketServer onOpen(OnOpen cb) {
        onOpen = Objects.requireNonNull(cb);
        return this;
    }

    public WebSocketServer onMessage(OnMessage cb) {
        onMessage = Objects.requireNonNull(cb);
        return this;
    }

    public WebSocketServer onHandShake(OnHandShake cb) {
        onHandShake = Objects.requireNonNull(cb);
        return this;
    }

    public WebSocketServer onBeforeHandShakeResponse(OnBeforeHandShakeResponse cb) {
        onBeforeHandShakeResponse = Objects.requireNonNull(cb);
        return this;
    }

    public WebSocketServer onDisconnect(OnDisconnect cb) {
        onDisconnect = Objects.requireNonNull(cb);
        return this;
    }

    /** The {@code close} event, for WebSockets and plain HTTP connections alike (unless {@code disconnect} is set). */
    @Override
    public WebSocketServer onClose(Callbacks.OnConnection cb) {
        userClose = Objects.requireNonNull(cb);
        return this;
    }

    /**
     * {@link HttpServer#on} plus {@code open}, {@code message}, {@code handShake}, {@code beforeHandShakeResponse}
     * and {@code disconnect} (names are case-insensitive, as in Swoole).
     */
    @Override
    public WebSocketServer on(String event, Object cb) {
        try {
            switch (event.toLowerCase(java.util.Locale.ROOT)) {
                case "open" -> onOpen((OnOpen) cb);
                case "message" -> onMessage((OnMessage) cb);
                case "handshake" -> onHandShake((OnHandShake) cb);
                case "beforehandshakeresponse" -> onBeforeHandShakeResponse((OnBeforeHandShakeResponse) cb);
                case "disconnect" -> onDisconnect((OnDisconnect) cb);
                default -> super.on(event, cb);
            }
        } catch (ClassCastException e) {
            throw new IllegalArgumentException("the callback of '" + event + "' has the wrong shape: "
                    + cb.getClass().getName(), e);
        }
        return this;
    }

    /**
     * Starts serving (see {@link HttpServer#start()}).
     *
     * @throws IllegalStateException without a {@code message} callback
     */
    @Override
    public boolean start() {
        if (onMessage == null) {
            throw new IllegalStateException("a WebSocketServer needs a message callback (onMessage)");
        }
        engine.configure(WsConfig.from(setting()));
        return super.start();
    }

    @Override
    protected boolean requiresRequestHandler() {
        return false;
    }

    /** Sends a whole text message. */
    public boolean push(int fd, String data) {
        return push(fd, data.getBytes(StandardCharsets.UTF_8), WebSocket.OPCODE_TEXT, WebSocket.FLAG_FIN);
    }

    public boolean push(int fd, byte[] data, int opcode) {
        return push(fd, data, opcode, WebSocket.FLAG_FIN);
    }

    /**
     * Sends {@code frame} as Swoole's {@code push($fd, $frame)} does: its data, opcode and finish (a
     * {@link CloseFrame} as its code and reason); compressed when the connection negotiated permessage-deflate.
     */
    public boolean push(int fd, Frame frame) {
        int flags = (frame.flags() & (WebSocket.FLAG_RSV2 | WebSocket.FLAG_RSV3))
                | (frame.finish() ? WebSocket.FLAG_FIN : 0);
        if (frame instanceof CloseFrame c) {
            byte[] reason = c.reason().getBytes(StandardCharsets.UTF_8);
            byte[] payload = new byte[2 + reason.length];
            payload[0] = (byte) (c.code() >> 8);
            payload[1] = (byte) c.code();
            System.arraycopy(reason, 0, payload, 2, reason.length);
            return push(fd, payload, WebSocket.OPCODE_CLOSE, WebSocket.FLAG_FIN);
        }
        return push(fd, frame.data(), frame.opcode(), flags);
    }

    /**
     * Sends a frame to an established WebSocket, from any worker or thread: without {@link WebSocket#FLAG_FIN} it
     * starts (or continues, with {@link WebSocket#OPCODE_CONTINUATION}) a fragmented message. False (and
     * {@code LastError}) when {@code fd} is not an established WebSocket.
     */
    public boolean push(int fd, byte[] data, int opcode, int flags) {
        if (opcode == WebSocket.OPCODE_CLOSE && data.length > 0 && (data.length == 1
                || !WsFrameDecoder.validCloseCode(((data[0] & 0xff) << 8) | (data[1] & 0xff)))) {
            // what the peer would answer with 1002: 1005, 1006 and 1015 are never sent (RFC 6455 7.4)
            throw new IllegalArgumentException("a close frame's payload is empty or starts with a code of "
                    + "1000-1003, 1007-1014 or 3000-4999");
        }
        if (opcode >= WebSocket.OPCODE_CLOSE && data.length > 125) {
            // RFC 6455 5.5 (Swoole: "websocket control frame payload must not exceed 125 bytes"): refused here,
            // before the frame is queued, rather than failing later in the encoder
            throw new IllegalArgumentException("a control frame carries at most 125 bytes, got " + data.length);
        }
        if (!mayPush(fd)) {
            return LastError.fail(ErrorCode.SESSION_NOT_EXIST);
        }
        boolean fin = (flags & WebSocket.FLAG_FIN) != 0;
        int rsv = (flags & (WebSocket.FLAG_RSV2 | WebSocket.FLAG_RSV3)) >> 2;
        var buf = WsFrameHandler.wrap(data);
        WebSocketFrame f = switch (opcode) {
            case WebSocket.OPCODE_TEXT -> new TextWebSocketFrame(fin, rsv, buf);
            case WebSocket.OPCODE_BINARY -> new BinaryWebSocketFrame(fin, rsv, buf);
            case WebSocket.OPCODE_CONTINUATION -> new ContinuationWebSocketFrame(fin, rsv, buf);
            case WebSocket.OPCODE_PING -> new PingWebSocketFrame(buf);
            case WebSocket.OPCODE_PONG -> new PongWebSocketFrame(buf);
            case WebSocket.OPCODE_CLOSE -> new CloseWebSocketFrame(true, 0, buf);
            default -> {
                buf.release();
                throw new IllegalArgumentException("unknown opcode " + opcode);
            }
        };
        return ProtocolSupport.write(this, fd, f);
    }

    /** {@link #push(GlobalFd, byte[], int, int)} of a whole text message. */
    public boolean push(GlobalFd fd, String data) {
        return push(fd, data.getBytes(StandardCharsets.UTF_8), WebSocket.OPCODE_TEXT, WebSocket.FLAG_FIN);
    }

    /**
     * {@link #push(int, byte[], int, int)} to a WebSocket anywhere in the cluster ({@code cluster_redis}): this
     * node's fd takes the local path, another node's goes through Redis to the node that holds it (true once it is
     * on its way there; false when its node's heartbeat expired or Redis cannot be reached).
     */
    public boolean push(GlobalFd fd, byte[] data, int opcode, int flags) {
        var node = io.jswoole.server.spi.ClusterSupport.remote(this, fd);
        return node == null ? push(fd.fd(), data, opcode, flags) : node.push(fd, data, opcode, flags);
    }

    /** Whether {@code fd} is an established WebSocket of this server. */
    public boolean isEstablished(int fd) {
        return websocketStatus(fd) == WebSocket.STATUS_ACTIVE;
    }

    /** Swoole's {@code websocket_status} of {@code fd}: 0 when unknown, else a {@code STATUS_*} constant. */
    @Override
    public int websocketStatus(int fd) {
        return super.websocketStatus(fd);
    }

    /** Sends a close frame with {@code code} (a code RFC 6455 lets an endpoint send) and {@code reason}, then closes. */
    public boolean disconnect(int fd, int code, String reason) {
        if (!isEstablished(fd)) {
            return LastError.fail(ErrorCode.SESSION_NOT_EXIST);
        }
        if (!WsFrameDecoder.validCloseCode(code)) {
            throw new IllegalArgumentException("close code " + code + " may not be sent (RFC 6455 section 7.4)");
        }
        if (reason != null && reason.getBytes(StandardCharsets.UTF_8).length > 123) {
            throw new IllegalArgumentException("the max length of close reason is 123 bytes (RFC 6455 5.5)");
        }
        ProtocolSupport.write(this, fd, new CloseWebSocketFrame(code, reason == null ? "" : reason));
        return close(fd);
    }

    /** {@link #disconnect(int, int, String)} with an empty reason. */
    public boolean disconnect(int fd, int code) {
        return disconnect(fd, code, "");
    }

    public boolean disconnect(int fd) {
        return disconnect(fd, WebSocket.CLOSE_NORMAL, "");
    }

    /** Sends a ping with {@code data} (at most 125 bytes). */
    public boolean ping(int fd, byte[] data) {
        if (data.length > 125) {
            throw new IllegalArgumentException("a ping carries at most 125 bytes, got " + data.length);
        }
        return push(fd, data, WebSocket.OPCODE_PING, WebSocket.FLAG_FIN);
    }

    public boolean ping(int fd) {
        return ping(fd, new byte[0]);
    }

    OnHandShake handShakeCallback() {
        return onHandShake;
    }

    void fireBeforeHandshakeResponse(Request req, Response res) {
        OnBeforeHandShakeResponse cb = onBeforeHandShakeResponse;
        if (cb != null) {
            cb.handle(this, req, res);
        }
    }

    void fireOpen(Request req) {
        OnOpen cb = onOpen;
        if (cb != null) {
            cb.handle(this, req);
        }
    }

    void fireMessage(Frame f) {
        onMessage.handle(this, f);
    }

    private void closed(Server srv, int fd, int reactorId) {
        boolean wasWebSocket = websocketClosed(fd);
        OnDisconnect d = onDisconnect;
        if (!wasWebSocket && d != null) {
            d.handle(this, fd);
            return;
        }
        Callbacks.OnConnection c = userClose;
        if (c != null) {
            c.handle(srv, fd, reactorId);
        } else if (Log.enabled(Log.DEBUG)) {
            Log.debug("websocket fd " + fd + " closed");
        }
    }
}
