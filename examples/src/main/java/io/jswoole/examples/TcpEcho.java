package io.jswoole.examples;

import io.jswoole.server.Server;

/** {@code tcp-echo}: replies to each receive with exactly the bytes received. */
public final class TcpEcho {
    private TcpEcho() {
    }

    public static Server create(ExampleOptions o) {
        Server server = new Server(o.host(), o.port(), o.mode());
        server.set(o.settings());
        server.onReceive((srv, fd, reactorId, data) -> srv.send(fd, data));
        return server;
    }
}
