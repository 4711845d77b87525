package io.jswoole.examples;

import io.jswoole.server.Port;
import io.jswoole.server.Server;
import io.jswoole.server.SockType;

/**
 * {@code multi-port}, the seeds' example: a TCP port that answers {@code "Swoole: " + data}, and a UDP admin port
 * at port+1 that answers {@code "welcome admin"}.
 */
public final class MultiPort {
    private MultiPort() {
    }

    public static Server create(ExampleOptions o) {
        Server server = new Server(o.host(), o.port(), o.mode());
        server.set(o.settings());
        server.onReceive((srv, fd, reactorId, data) -> {
            byte[] prefix = "Swoole: ".getBytes();
            byte[] out = new byte[prefix.length + data.length];
            System.arraycopy(prefix, 0, out, 0, prefix.length);
            System.arraycopy(data, 0, out, prefix.length, data.length);
            srv.send(fd, out);
        });
        Port admin = server.addListener(o.host(), o.port() == 0 ? 0 : o.port() + 1, SockType.UDP);
        admin.onPacket((srv, data, client) -> srv.sendto(client.address(), client.port(), "welcome admin".getBytes(),
                client.serverSocket()));
        return server;
    }
}
