package io.jswoole.server.spi;

import io.jswoole.server.Port;
import io.jswoole.server.Server;
import io.netty.channel.Channel;

/**
 * A protocol that takes over the connections of a stream port: HTTP, WebSocket, Redis. For jswoole's protocol
 * modules, not for applications (which use {@code HttpServer} and friends).
 * <p>The server still owns the connections: fds, {@code max_conn}, the event gate, dispatch to workers, close.
 * The protocol adds its codecs to each new connection's pipeline; every message those codecs produce is handed
 * to a worker (as {@code receive} data would be) and passed to {@link #onMessage} there, in a coroutine. Replies
 * go back through {@link io.jswoole.server.ProtocolSupport#write}.
 */
public interface PortProtocol {
    /** Adds the protocol's handlers to a new connection's pipeline; the server's handler is added after them. */
    void initChannel(Channel channel, Port port);

    /**
     * Handles one decoded message in the worker the connection was dispatched to (a coroutine of it). A
     * reference-counted message is released by the server when this returns; retain it to keep it longer.
     */
    void onMessage(Server server, int fd, int reactorId, Object message);
}
