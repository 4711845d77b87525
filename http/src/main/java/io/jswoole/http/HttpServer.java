package io.jswoole.http;

import io.jswoole.server.Mode;
import io.jswoole.server.Port;
import io.jswoole.server.spi.ProtocolSupport;
import io.jswoole.server.Server;
import io.jswoole.server.SockType;
import java.io.IOException;
import java.nio.file.Files;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Swoole's {@code Http\Server}: a {@link Server} whose main port speaks HTTP/1.1 (Netty's codecs) and whose
 * {@code request} event gets a {@link Request} and a {@link Response}, in a worker, as a coroutine.
 * <pre>{@code
 * var http = new HttpServer("127.0.0.1", 9501);
 * http.set(Map.of("worker_num", 2, "http_compression", true));
 * http.onRequest((req, res) -> {
 *     res.header("Content-Type", "text/plain");
 *     res.end("Hello, " + req.get().getOrDefault("name", "World") + "!");
 * });
 * http.start();
 * }</pre>
 * Keep-alive, pipelining (responses in request order), {@code Expect: 100-continue}, compression, uploads to
 * disk and a static handler are built in; so are the limits a public server needs (see {@link HttpSettings} and
 * docs/http.md). The other server events ({@code close}, {@code workerStart}...) and methods ({@code close(fd)},
 * {@code exists}, {@code getClientInfo}, {@code stats}) work as on any {@link Server}.
 */
public class HttpServer extends Server {
    /** The {@code Server} header of responses that do not set one. */
    public static final String SERVER_NAME = "jswoole-http-server";

    private final HttpProtocol protocol;
    private final Map<String, Object> httpSettings = new LinkedHashMap<>();
    /** Each HTTP port's view of the protocol (its own open_http2_protocol), by port index. */
    private final Map<Integer, H2Port> h2Ports = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile RequestHandler onRequest;

    /** An HTTP server in BASE mode on {@code host:port} (0 picks a free port). */
    public HttpServer(String host, int port) {
        this(host, port, Mode.BASE);
    }

    public HttpServer(String host, int port, Mode mode) {
        this(host, port, mode, SockType.TCP, 0, null);
    }

    /**
     * An HTTP server on a stream socket; {@code flags} {@link SockType#SSL} makes it HTTPS, with the port's
     * {@code ssl_*} settings ({@code SWOOLE_SOCK_TCP | SWOOLE_SSL}).
     */
    public HttpServer(String host, int port, Mode mode, SockType sockType, int flags) {
        this(host, port, mode, sockType, flags, null);
    }

    /**
     * For {@code WebSocketServer}: a server whose upgrade requests go to {@code upgrades} (null: none, an
     * {@code Upgrade} header is then ignored and the request is an ordinary one).
     */
    protected HttpServer(String host, int port, Mode mode, SockType sockType, int flags, UpgradeHandler upgrades) {
        super(host, port, mode, requireStream(sockType), flags);
        protocol = new HttpProtocol(this, upgrades);
        ProtocolSupport.use(ports().get(0), h2Port(ports().get(0)));
    }

    private H2Port h2Port(Port port) {
        return h2Ports.computeIfAbsent(port.index(), i -> new H2Port(protocol));
    }

    private static SockType requireStream(SockType type) {
        if (!type.isStream()) {
            throw new IllegalArgumentException("HTTP needs a stream socket, not " + type);
        }
        return type;
    }

    /**
     * Applies settings: the HTTP keys (see {@link HttpSettings}) are validated here, the rest by
     * {@link Server#set}.
     *
     * @throws IllegalArgumentException naming the key, for an unknown key, a wrong type or value, or an HTTP key
     *                                  that jswoole does not support yet (HTTP/2, url_rewrite_rules)
     */
    @Override
    public HttpServer set(Map<String, ?> values) {
        Map<String, Object> http = new LinkedHashMap<>();
        Map<String, Object> rest = new LinkedHashMap<>();
        for (Map.Entry<String, ?> e : values.entrySet()) {
            if (HttpSettings.handles(e.getKey())) {
                http.put(e.getKey(), e.getValue());
            } else {
                rest.put(e.getKey(), e.getValue());
            }
        }
        Map<String, Object> valid = HttpSettings.validate(http, protocol.websocket());
        Map<String, Object> merged = new LinkedHashMap<>(httpSettings);
        merged.putAll(valid);
        HttpConfig.from(merged, Map.of());
        super.set(rest);
        httpSettings.putAll(valid);
        return this;
    }

    /**
     * A port of this server speaks HTTP with {@code open_http_protocol: true} (Swoole's way to serve HTTP on a port
     * from {@link #listen}), and on a {@code WebSocketServer} WebSocket too unless {@code open_websocket_protocol}
     * is false; the server's own port always does. Every HTTP port shares the server's callbacks and HTTP settings,
     * except {@code open_http2_protocol}, which a port may set for itself (an HTTP/1.1-only port beside an h2 one;
     * true alone makes a port speak HTTP, as {@code open_websocket_protocol} does).
     *
     * @throws IllegalArgumentException for a port that cannot speak HTTP (UDP), WebSocket keys on an
     *                                  {@code HttpServer}, or turning HTTP off on the server's own port
     */
    @Override
    protected Map<String, ?> portSettings(Port port, Map<String, ?> values) {
        if (!values.containsKey("open_http_protocol") && !values.containsKey("open_websocket_protocol")
                && !values.containsKey("open_http2_protocol")) {
            return values;
        }
        Map<String, Object> rest = new LinkedHashMap<>(values);
        Object http = rest.remove("open_http_protocol");
        Object ws = rest.remove("open_websocket_protocol");
        Object h2 = rest.remove("open_http2_protocol");
        boolean on = http != null ? bool("open_http_protocol", http) : port.index() == 0 || protocolOn(port);
        if (h2 != null) { // this port's HTTP/2 (and ALPN), whatever the server's; true alone makes it speak HTTP
            boolean h2On = bool("open_http2_protocol", h2);
            on |= h2On && http == null;
            h2Port(port).own(h2On);
        }
        if (ws != null) {
            if (!protocol.websocket()) {
                throw new IllegalArgumentException("setting 'open_websocket_protocol' needs a WebSocketServer");
            }
            boolean wsOn = bool("open_websocket_protocol", ws);
            on |= wsOn && http == null; // open_websocket_protocol alone makes the port speak HTTP, as in Swoole
            protocol.websocketOn(port, wsOn);
        }
        if (!on && port.index() == 0) {
            throw new IllegalArgumentException("setting 'open_http_protocol' is always true on the server's own port");
        }
        if (on && !port.type().isStream()) {
            throw new IllegalArgumentException("setting 'open_http_protocol' needs a TCP or Unix stream port, not "
                    + port.type());
        }
        ProtocolSupport.use(port, on ? h2Port(port) : null);
        return rest;
    }

    /**
     * A stream port from {@link #listen} that was given neither a protocol nor a receive callback inherits the
     * server's HTTP (and WebSocket) protocol, as Swoole's listen ports inherit the main port's protocol until
     * {@code set()} gives them their own ({@code swoole_websocket_server/listener.phpt}). A port with a receive
     * callback stays a raw stream.
     */
    private void inheritProtocol() {
        for (Port p : ports()) {
            if (p.index() > 0 && p.type().isStream() && ProtocolSupport.protocol(p) == null
                    && p.receiveCallback() == null) {
                ProtocolSupport.use(p, protocol);
            }
        }
    }

    private boolean protocolOn(Port port) {
        return ProtocolSupport.protocol(port) instanceof H2Port p && p.http == protocol;
    }

    private static boolean bool(String key, Object v) {
        if (v instanceof Boolean b) {
            return b;
        }
        throw new IllegalArgumentException("setting '" + key + "' takes a boolean, got " + v);
    }

    /** Every setting applied so far, the HTTP keys included. */
    @Override
    public Map<String, Object> setting() {
        Map<String, Object> all = new LinkedHashMap<>(super.setting());
        all.putAll(httpSettings);
        return Collections.unmodifiableMap(all);
    }

    /** Sets the {@code request} callback. */
    public HttpServer onRequest(RequestHandler handler) {
        onRequest = Objects.requireNonNull(handler);
        return this;
    }

    /** {@link Server#on} plus {@code "request"} (a {@link RequestHandler}). */
    @Override
    public HttpServer on(String event, Object callback) {
        if (event.equalsIgnoreCase("request")) {
            if (!(callback instanceof RequestHandler h)) {
                throw new IllegalArgumentException("the callback of 'request' must be a RequestHandler, got "
                        + callback.getClass().getName());
            }
            return onRequest(h);
        }
        super.on(event, callback);
        return this;
    }

    /**
     * Starts serving (see {@link Server#start()}).
     *
     * @throws IllegalStateException when there is no {@code request} callback (an HttpServer needs one), or
     *                               {@code upload_tmp_dir} cannot be created
     */
    @Override
    public boolean start() {
        if (onRequest == null && requiresRequestHandler()) {
            throw new IllegalStateException("an HttpServer needs a request callback (onRequest)");
        }
        boolean h2Port = ports().stream().anyMatch(p -> protocolOn(p) && h2Port(p).ownOn());
        HttpConfig cfg = HttpConfig.from(httpSettings, super.setting(), h2Port);
        try {
            Files.createDirectories(cfg.uploadTmpDir());
        } catch (IOException e) {
            throw new IllegalStateException("upload_tmp_dir " + cfg.uploadTmpDir() + " cannot be created: " + e, e);
        }
        protocol.configure(cfg);
        protocol.inWorkerJvm(ProtocolSupport.workerJvm(this));
        inheritProtocol();
        return super.start();
    }

    /** Whether {@link #start()} insists on a request callback (a WebSocketServer answers 400 without one). */
    protected boolean requiresRequestHandler() {
        return true;
    }

    /**
     * Requests that {@code which} accepts reach the {@code request} callback at their head, with their body to be
     * read as it arrives from {@link Request#body()} (HTTP/1.1 Content-Length and chunked bodies, HTTP/2 DATA), under
     * back-pressure (see {@link RequestBody}); others are read whole first, as before. {@code which} runs on the
     * connection's event loop before the body is read: it may look at the method, path, query and headers, and
     * must not block ({@code req -> req.path().startsWith("/upload/")}, or a header test per request). A streaming
     * body is not held to {@code package_max_length} (nothing is buffered) and is not parsed as a form or
     * multipart upload; {@code http_body_timeout} bounds how long a read waits for the next byte. null turns it off.
     * <p>In PROCESS mode the master carries whole requests to the worker JVMs, so requests are not streamed there:
     * {@code start()} logs that once, and handlers read the buffered body through the same {@link Request#body()}.
     */
    public HttpServer streamBody(java.util.function.Predicate<Request> which) {
        protocol.streamBody(which);
        return this;
    }

    RequestHandler requestHandler() {
        return onRequest;
    }

    HttpProtocol protocol() {
        return protocol;
    }

    /** The close event of {@code fd} runs: whether it had been an established WebSocket (then forgotten). */
    protected boolean websocketClosed(int fd) {
        return protocol.connections().wsClosed(fd);
    }

    /** Whether a WebSocket frame for {@code fd} may be pushed from here (from a worker JVM the master checks). */
    protected boolean mayPush(int fd) {
        return protocol.connections().mayPush(fd);
    }

    /** Swoole's WebSocket status of {@code fd} (0 when it is not an HTTP connection of this server). */
    protected int websocketStatus(int fd) {
        return protocol.connections().wsStatus(fd);
    }
}
