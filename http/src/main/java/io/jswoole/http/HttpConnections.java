package io.jswoole.http;

import io.jswoole.server.spi.ProtocolSupport;
import java.util.List;

/**
 * The HTTP state of connections that handlers reach: detached responses and WebSocket status. Where the connections
 * live (BASE, THREAD, the PROCESS master) it is {@link #local}; in a worker JVM it is {@link #remote}, each call a
 * question to the master, whose protocol answers it with {@link #local} ({@link HttpRemote#answer}). Chosen once,
 * when the server starts.
 */
interface HttpConnections {
    /** Leaves response {@code pending.seq()} of {@code fd} for a later {@link #create}; false when fd is gone. */
    boolean detach(int fd, HttpConn.Pending pending);

    /** The oldest detached response of {@code fd}, or an unordered one when none is; null when fd is gone. */
    HttpConn.Pending create(int fd);

    /** Swoole's WebSocket status of {@code fd}: 0 when it is not an open HTTP connection of the server. */
    int wsStatus(int fd);

    /** The close event of {@code fd} runs: whether it had been an established WebSocket (then forgotten). */
    boolean wsClosed(int fd);

    /** Whether a frame for {@code fd} may be pushed from here (a worker JVM leaves the check to the master). */
    boolean mayPush(int fd);

    /** An answer of {@link #create} for an fd with nothing detached: written at once, out of order. */
    HttpConn.Pending UNORDERED = new HttpConn.Pending(Out.UNORDERED, true, false, false, "", false);

    static HttpConnections local(HttpProtocol protocol) {
        return new HttpConnections() {
            @Override
            public boolean detach(int fd, HttpConn.Pending pending) {
                HttpConn c = protocol.conn(fd);
                if (c == null) {
                    return false;
                }
                HttpConn.Flight f = c.inFlight().get(pending.seq());
                if (f != null) {
                    f.detached = true; // a worker JVM's request: answered by whoever creates it, not lost with it
                }
                c.detach(pending);
                return true;
            }

            @Override
            public HttpConn.Pending create(int fd) {
                HttpConn c = protocol.conn(fd);
                if (c == null || !c.channel.isActive()) {
                    return null;
                }
                HttpConn.Pending p = c.takeDetached();
                return p == null ? UNORDERED : p;
            }

            @Override
            public int wsStatus(int fd) {
                HttpConn c = protocol.conn(fd);
                return c == null || !c.channel.isActive() ? 0 : c.wsStatus;
            }

            @Override
            public boolean wsClosed(int fd) {
                return protocol.upgrades() != null && protocol.upgrades().forget(fd);
            }

            @Override
            public boolean mayPush(int fd) {
                return wsStatus(fd) == HttpConn.WS_ACTIVE;
            }
        };
    }

    static HttpConnections remote(HttpServer server) {
        return new HttpConnections() {
            @Override
            public boolean detach(int fd, HttpConn.Pending p) {
                return Boolean.TRUE.equals(ProtocolSupport.call(server, fd, List.of(HttpRemote.DETACH, fd, p.seq(),
                        p.keepAlive(), p.head(), p.http10(), p.acceptEncoding(), p.http2())));
            }

            @Override
            public HttpConn.Pending create(int fd) {
                if (!(ProtocolSupport.call(server, fd, List.of(HttpRemote.CREATE, fd)) instanceof List<?> p)) {
                    return null;
                }
                return new HttpConn.Pending((Long) p.get(0), (Boolean) p.get(1), (Boolean) p.get(2),
                        (Boolean) p.get(3), (String) p.get(4), (Boolean) p.get(5));
            }

            @Override
            public int wsStatus(int fd) {
                return ProtocolSupport.call(server, fd, List.of(HttpRemote.WS_STATUS, fd)) instanceof Integer s ? s : 0;
            }

            @Override
            public boolean wsClosed(int fd) {
                return Boolean.TRUE.equals(ProtocolSupport.call(server, fd, List.of(HttpRemote.WS_CLOSED, fd)));
            }

            @Override
            public boolean mayPush(int fd) {
                return true; // the master checks: a question per push would cost a round trip (README)
            }
        };
    }
}
