package io.jswoole.server;

import io.jswoole.ErrorCode;
import io.jswoole.LastError;
import io.jswoole.server.spi.PortProtocol;
import io.netty.util.ReferenceCountUtil;

/**
 * What jswoole's protocol modules (HTTP, WebSocket, Redis) need from the engine beyond the public API. Not for
 * applications.
 */
public final class ProtocolSupport {
    private ProtocolSupport() {
    }

    /** Makes {@code protocol} handle the connections of {@code port} (before {@link Server#start()}). */
    public static void use(Port port, PortProtocol protocol) {
        port.server.checkNotStarted("ProtocolSupport.use");
        port.protocol = protocol;
    }

    /**
     * Queues {@code message} (a ByteBuf or any object the port's encoders understand; ownership passes) for
     * connection {@code fd}, behind what was sent before, flushed with the batch. False (and the message released)
     * when the connection is gone.
     */
    public static boolean write(Server server, int fd, Object message) {
        Connection c = server.connection(fd);
        if (c == null || c.closed || c.closedByServer) {
            ReferenceCountUtil.release(message);
            return LastError.fail(ErrorCode.SESSION_NOT_EXIST);
        }
        return c.send(message) || LastError.fail(ErrorCode.SESSION_CLOSED);
    }

    /** The port a connection came in on, or null when the fd does not exist. */
    public static Port port(Server server, int fd) {
        Connection c = server.connection(fd);
        return c == null ? null : c.port;
    }
}
