package io.jswoole.examples;

import io.jswoole.server.Server;
import io.jswoole.server.SockType;

/** {@code udp-echo}: sends each datagram back to its sender. */
public final class UdpEcho {
    private UdpEcho() {
    }

    public static Server create(ExampleOptions o) {
        Server server = new Server(o.host(), o.port(), o.mode(), SockType.UDP);
        server.set(o.settings());
        server.onPacket((srv, data, client) -> srv.sendto(client.address(), client.port(), data,
                client.serverSocket()));
        return server;
    }
}
