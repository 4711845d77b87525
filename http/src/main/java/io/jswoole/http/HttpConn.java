package io.jswoole.http;

import io.jswoole.server.spi.PortProtocol;
import io.netty.channel.Channel;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * What the HTTP layer keeps per connection, shared by its pipeline handlers (event loop) and the workers that
 * answer its requests. Fields without {@code volatile} belong to the event loop.
 */
final class HttpConn {
    /** WebSocket status, as Swoole numbers it. */
    static final int WS_CONNECTION = 1, WS_HANDSHAKE = 2, WS_ACTIVE = 3, WS_CLOSING = 4;

    final Channel channel;
    final HttpProtocol protocol;
    /** Upgrades to WebSocket are served on this connection's port ({@code open_websocket_protocol}). */
    final boolean websocket;
    final String remoteIp;
    final int remotePort;
    final int localPort;
    /** The server's fd of this connection, known once its first message reached a worker. */
    volatile int fd = -1;
    volatile int wsStatus = WS_CONNECTION;
    /** The server is shutting down: responses close the connection (set on the event loop by the guard). */
    volatile boolean draining;
    /**
     * Requests whose responses were detached and not answered yet (Response.create takes the oldest); created by
     * the first detach. This and the two maps below are made on first use: most connections never need them, and
     * an idle connection should cost nothing it does not use (issue 22).
     */
    private volatile ConcurrentLinkedQueue<Pending> detached;
    /** HTTP/1.1 request durations for the admin listener's histograms; null when metrics are off. */
    Timing timing;
    /** The histogram of this connection's HTTP/2 streams; null when metrics are off. */
    io.jswoole.server.spi.RequestTimes.Series h2Times;
    /** The guard of this connection (inbound limits, dispatch), set when the pipeline is built. */
    HttpGuard guard;
    /** PROCESS mode, in the master: requests handed to worker JVMs and not answered yet, by sequence number. */
    private volatile Map<Long, Flight> inFlight;
    /** PROCESS mode, in the master: streamed bodies being relayed to worker JVMs, by sequence number. */
    private volatile Map<Long, BodyRelay> relays;

    Map<Long, Flight> inFlight() {
        var m = inFlight;
        if (m == null) {
            synchronized (this) {
                m = inFlight;
                if (m == null) {
                    inFlight = m = new ConcurrentHashMap<>();
                }
            }
        }
        return m;
    }

    Map<Long, BodyRelay> relays() {
        var m = relays;
        if (m == null) {
            synchronized (this) {
                m = relays;
                if (m == null) {
                    relays = m = new ConcurrentHashMap<>();
                }
            }
        }
        return m;
    }

    void detach(Pending pending) {
        var q = detached;
        if (q == null) {
            synchronized (this) {
                q = detached;
                if (q == null) {
                    detached = q = new ConcurrentLinkedQueue<>();
                }
            }
        }
        q.add(pending);
    }

    /** The oldest detached request not answered yet, or null. */
    Pending takeDetached() {
        var q = detached;
        return q == null ? null : q.poll();
    }

    /** A request in a worker JVM: where it went, whether its answer began, whether it was detached. */
    static final class Flight {
        final PortProtocol.Delivery delivery;
        final Map<String, UploadedFile> files;
        final boolean keepAlive;
        volatile boolean started, detached;

        Flight(PortProtocol.Delivery delivery, Map<String, UploadedFile> files, boolean keepAlive) {
            this.delivery = delivery;
            this.files = files;
            this.keepAlive = keepAlive;
        }
    }

    /** What a detached response needs to be answered later from another coroutine or worker. */
    record Pending(long seq, boolean keepAlive, boolean head, boolean http10, String acceptEncoding,
                   boolean http2) {
    }

    HttpConn(Channel channel, HttpProtocol protocol, boolean websocket) {
        this.channel = channel;
        this.protocol = protocol;
        this.websocket = websocket;
        String ip = "";
        int port = 0;
        if (channel.remoteAddress() instanceof InetSocketAddress a) {
            ip = a.getAddress().getHostAddress();
            port = a.getPort();
        }
        remoteIp = ip;
        remotePort = port;
        localPort = channel.localAddress() instanceof InetSocketAddress l ? l.getPort() : 0;
    }
}
