package io.jswoole.server;

import io.jswoole.ErrorCode;
import io.jswoole.SwooleException;
import io.jswoole.protocol.frame.FrameSpec;
import io.jswoole.server.config.PortConfig;
import io.jswoole.server.spi.PortProtocol;
import io.jswoole.server.tls.Tls;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A listening port ({@code Server\Port}): its address and type, its own settings, and its own callbacks. A
 * callback not set on the port falls back to the server's. Port 0 is the server's main port; {@link Server#set}
 * forwards port settings to it.
 * <pre>{@code
 * Port admin = server.addListener("127.0.0.1", 9502, SockType.UDP);
 * admin.onPacket((srv, data, client) -> srv.sendto(client.address(), client.port(), "welcome admin".getBytes()));
 * }</pre>
 */
public final class Port {
    final Server server;
    final int index;
    final String host;
    final SockType type;
    /** Made with {@link SockType#SSL}: the port speaks TLS. */
    final boolean ssl;
    volatile int port;
    final Map<String, Object> settings = new LinkedHashMap<>();
    /** This port's framing (none by default: each read is one receive). */
    FrameSpec frame = FrameSpec.none();
    Callbacks.OnConnection onConnect;
    Callbacks.OnReceive onReceive;
    Callbacks.OnConnection onClose;
    Callbacks.OnPacket onPacket;
    Callbacks.OnBuffer onBufferFull;
    Callbacks.OnBuffer onBufferEmpty;
    /** The settings as the engine uses them, resolved at start; null before. */
    volatile PortConfig config;
    /** The TLS of an SSL port, made at start in the JVM that owns the sockets; null otherwise. */
    volatile Tls tls;
    /** The protocol that handles this port's connections (HTTP...), or null for receive events. */
    volatile PortProtocol protocol;

    Port(Server server, int index, String host, int port, SockType type, boolean ssl) {
        this.server = server;
        this.index = index;
        this.host = host;
        this.port = port;
        this.type = type;
        this.ssl = ssl;
    }

    /**
     * Port settings (for example {@code backlog}, {@code open_tcp_nodelay}); a server-wide key is rejected.
     *
     * @throws IllegalArgumentException naming the key
     * @throws IllegalStateException after {@link Server#start}
     */
    public Port set(Map<String, ?> values) {
        server.checkNotStarted("Port.set");
        Map<String, Object> v = Settings.validate(server.portSettings(this, values));
        for (String k : v.keySet()) {
            if (Settings.key(k).scope() != Settings.Scope.PORT) {
                throw new IllegalArgumentException("setting '" + k + "' is a server setting; set it on the Server");
            }
        }
        apply(v);
        return this;
    }

    /** Merges validated port settings; the framing keys must make a valid {@link FrameSpec} together. */
    void apply(Map<String, Object> v) {
        Map<String, Object> merged = new LinkedHashMap<>(settings);
        merged.putAll(v);
        frame = FrameSpec.from(merged);
        settings.clear();
        settings.putAll(merged);
    }

    /**
     * A new port of {@code server} at position {@code index}, its arguments checked.
     *
     * @throws IllegalArgumentException for a flag other than SSL, or SSL on a datagram socket
     */
    static Port of(Server server, int index, String host, int port, SockType type, int flags) {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(type, "sockType");
        if (!type.isUnix() && (port < 0 || port > 65535)) {
            throw new SwooleException(ErrorCode.SERVER_INVALID_LISTEN_PORT, "invalid port " + port);
        }
        if ((flags & ~SockType.SSL) != 0) {
            throw new IllegalArgumentException("unknown socket flags " + (flags & ~SockType.SSL)
                    + " (SockType.SSL is the one flag)");
        }
        boolean ssl = flags == SockType.SSL;
        if (ssl && !type.isStream()) {
            throw new IllegalArgumentException("SockType.SSL on " + type + ": jswoole has no DTLS; TLS needs a "
                    + "stream socket (TCP, TCP6, UNIX_STREAM)");
        }
        return new Port(server, index, host, type.isUnix() ? 0 : port, type, ssl);
    }

    /** This port's position among the server's ports: 0 for the one the server was made with. */
    public int index() {
        return index;
    }

    /** This port's own settings. */
    public Map<String, Object> setting() {
        return Collections.unmodifiableMap(settings);
    }

    public Port onConnect(Callbacks.OnConnection cb) {
        onConnect = Objects.requireNonNull(cb);
        return this;
    }

    public Port onReceive(Callbacks.OnReceive cb) {
        onReceive = Objects.requireNonNull(cb);
        return this;
    }

    public Port onClose(Callbacks.OnConnection cb) {
        onClose = Objects.requireNonNull(cb);
        return this;
    }

    /** {@code bufferFull}: a connection's queued output passed {@code buffer_high_watermark}. */
    public Port onBufferFull(Callbacks.OnBuffer cb) {
        onBufferFull = Objects.requireNonNull(cb);
        return this;
    }

    /** {@code bufferEmpty}: after a bufferFull, the queued output fell to {@code buffer_low_watermark}. */
    public Port onBufferEmpty(Callbacks.OnBuffer cb) {
        onBufferEmpty = Objects.requireNonNull(cb);
        return this;
    }

    public Port onPacket(Callbacks.OnPacket cb) {
        onPacket = Objects.requireNonNull(cb);
        return this;
    }

    /** The host (or Unix socket path) this port listens on. */
    public String host() {
        return host;
    }

    /** The port number; after start, the real one even when 0 was asked for. 0 for Unix sockets. */
    public int port() {
        return port;
    }

    public SockType type() {
        return type;
    }

    /** Whether this port was made with {@link SockType#SSL} (it speaks TLS). */
    public boolean isSsl() {
        return ssl;
    }

    /** Swoole's {@code server_socket} of packets from this port: an id unique within the server. */
    /** The server this port belongs to. */
    public Server server() {
        return server;
    }

    /** The protocol that serves this port's connections (HTTP, WebSocket, Redis...), or null for receive events. */
    public PortProtocol protocol() {
        return protocol;
    }

    public int sock() {
        return index;
    }

    public Callbacks.OnConnection connectCallback() {
        return onConnect != null ? onConnect : server.handlers.onConnect;
    }

    public Callbacks.OnReceive receiveCallback() {
        return onReceive != null ? onReceive : server.handlers.onReceive;
    }

    public Callbacks.OnConnection closeCallback() {
        return onClose != null ? onClose : server.handlers.onClose;
    }

    public Callbacks.OnBuffer bufferFullCallback() {
        return onBufferFull != null ? onBufferFull : server.handlers.onBufferFull;
    }

    public Callbacks.OnBuffer bufferEmptyCallback() {
        return onBufferEmpty != null ? onBufferEmpty : server.handlers.onBufferEmpty;
    }


    public Callbacks.OnPacket packetCallback() {
        return onPacket != null ? onPacket : server.handlers.onPacket;
    }

    public <T> T setting(String key, T fallback) {
        @SuppressWarnings("unchecked")
        T v = (T) settings.get(key);
        return v != null ? v : fallback;
    }

    /** The first of {@code ports} with a protocol, or null. */
    static Port firstWithProtocol(List<Port> ports) {
        for (Port p : ports) {
            if (p.protocol != null) {
                return p;
            }
        }
        return null;
    }

    /** Before start: every port is ready ({@link #checkReady}). */
    static void checkReady(List<Port> ports, Mode mode) {
        for (Port p : ports) {
            p.checkReady(mode);
        }
    }

    /**
     * Before start: this port has what its type needs (a receive callback or a protocol for a stream, a packet
     * callback for datagrams) and, in PROCESS mode, a protocol that can cross to the worker JVMs.
     */
    void checkReady(Mode mode) {
        if (type.isStream() && protocol == null && receiveCallback() == null) {
            throw new IllegalStateException("port " + host + ":" + port + " (" + type
                    + ") needs a receive callback (onReceive)");
        }
        if (!type.isStream() && packetCallback() == null) {
            throw new IllegalStateException("port " + host + ":" + port + " (" + type
                    + ") needs a packet callback (onPacket)");
        }
        if (mode == Mode.PROCESS && protocol != null && protocol.remote() == null) {
            throw new IllegalStateException("port " + host + ":" + port + ": its protocol ("
                    + protocol.getClass().getSimpleName() + ") does not run in PROCESS mode");
        }
    }
}
