package io.jswoole.http;

import io.jswoole.server.Port;
import io.jswoole.server.Server;
import io.jswoole.server.spi.PortProtocol;
import io.netty.channel.Channel;
import io.netty.util.AttributeKey;
import java.util.List;

/**
 * The HTTP protocol as one port serves it: HTTP/2 on or off there. A port's own {@code open_http2_protocol}
 * ({@code port.set(Map.of("open_http2_protocol", false))}) wins, else the server's, as a Swoole port inherits the
 * server's protocol settings; ALPN offers {@code h2, http/1.1} or {@code http/1.1} to match, so an HTTP/1.1-only
 * TLS port and an h2 port can share one server. Every HTTP port has one of these around the server's one
 * {@link HttpProtocol}; they are equal to each other, so the engine's once-per-protocol work (answering a dead
 * worker's requests) runs once.
 */
final class H2Port implements PortProtocol {
    /** Set on the channels of a port where HTTP/2 is off: {@link H2Switch#wanted} refuses {@code Upgrade: h2c}. */
    static final AttributeKey<Boolean> OFF = AttributeKey.valueOf("jswoole.http2.off");
    private static final List<String> H2 = List.of("h2", "http/1.1");
    private static final List<String> H1 = List.of("http/1.1");

    final HttpProtocol http;
    /** The port's own {@code open_http2_protocol}, or null: the server's. */
    private volatile Boolean own;

    H2Port(HttpProtocol http) {
        this.http = http;
    }

    void own(boolean on) {
        own = on;
    }

    /** True when the port sets {@code open_http2_protocol} true itself. */
    boolean ownOn() {
        return Boolean.TRUE.equals(own);
    }

    /** Whether this port speaks HTTP/2 (once the server has started). */
    boolean h2() {
        Boolean o = own;
        HttpConfig c = http.config();
        return o != null ? o : c != null && c.http2().serverOn();
    }

    @Override
    public void initChannel(Channel channel, Port port) {
        http.initChannel(channel, port);
        if (!h2()) { // the server's HTTP/2 (or another port's) put the switch in: this port speaks HTTP/1.1 only
            channel.attr(OFF).set(Boolean.TRUE);
            if (channel.pipeline().get(H2Switch.NAME) != null) {
                channel.pipeline().remove(H2Switch.NAME);
            }
        }
    }

    @Override
    public void onMessage(Server server, int fd, int reactorId, Object message) {
        http.onMessage(server, fd, reactorId, message);
    }

    @Override
    public void drain(Channel channel) {
        http.drain(channel);
    }

    /** Swoole's ALPN for HTTP ports, per port: h2 when HTTP/2 is on there, then http/1.1. */
    @Override
    public List<String> alpn() {
        return h2() ? H2 : H1;
    }

    @Override
    public Remote remote() {
        return http.remote();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof H2Port p && p.http == http;
    }

    @Override
    public int hashCode() {
        return System.identityHashCode(http);
    }
}
