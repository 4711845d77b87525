package io.jswoole.server.spi;

import io.jswoole.server.Port;
import io.jswoole.server.Server;
import io.netty.channel.Channel;
import java.io.IOException;

/**
 * A protocol that takes over the connections of a stream port: HTTP, WebSocket, Redis. For jswoole's protocol
 * modules, not for applications (which use {@code HttpServer} and friends).
 * <p>The server still owns the connections: fds, {@code max_conn}, the event gate, dispatch to workers, close.
 * The protocol adds its codecs to each new connection's pipeline; every message those codecs produce is handed
 * to a worker (as {@code receive} data would be) and passed to {@link #onMessage} there, in a coroutine. Replies
 * go back through {@link ProtocolSupport#write}.
 * <p>In PROCESS mode the codecs run in the master and {@link #onMessage} in a worker JVM: the protocol's
 * {@link Remote} carries messages and replies across. A protocol without one runs in BASE and THREAD mode only.
 */
public interface PortProtocol {
    /** Adds the protocol's handlers to a new connection's pipeline; the server's handler is added after them. */
    void initChannel(Channel channel, Port port);

    /**
     * Handles one decoded message in the worker the connection was dispatched to (a coroutine of it). A
     * reference-counted message is released by the server when this returns; retain it to keep it longer.
     */
    void onMessage(Server server, int fd, int reactorId, Object message);

    /**
     * The server is shutting down (on the connection's event loop): take no new request from {@code channel}, let
     * the ones in flight be answered, and say goodbye as the protocol does (HTTP: {@code Connection: close};
     * WebSocket: a 1001 close frame). The server closes the connection once its workers have finished what
     * they were given, after the output queued by then.
     */
    default void drain(Channel channel) {
        channel.config().setAutoRead(false);
    }

    /**
     * The ALPN protocols a TLS port with this protocol offers, in preference order (HTTP: {@code http/1.1});
     * empty: no ALPN, as Swoole does for non-HTTP ports.
     */
    default java.util.List<String> alpn() {
        return java.util.List.of();
    }

    /** How this protocol crosses to worker JVMs (PROCESS mode); null when it runs in one JVM only. */
    default Remote remote() {
        return null;
    }

    /**
     * The PROCESS-mode half of a protocol: its messages travel master to worker JVM, its replies worker JVM to
     * master, each inside one IPC frame. Reads happen on the IPC reader thread (copy what you keep).
     */
    interface Remote {
        /**
         * Master: writes {@code message} (decoded on the master) for the worker JVM that {@code delivery} names.
         * The server releases the message afterwards. Keep {@code delivery} to learn, when that worker dies,
         * whether the message had reached it ({@link #workerLost}).
         */
        void writeMessage(int fd, Object message, Delivery delivery, FrameOutput out) throws IOException;

        /** Worker JVM: the message {@link #writeMessage} wrote, for {@link PortProtocol#onMessage}. */
        Object readMessage(int fd, FrameInput in) throws IOException;

        /** Worker JVM: writes a reply (what {@code ProtocolSupport.write} got); the server releases it afterwards. */
        void writeReply(int fd, Object reply, FrameOutput out) throws IOException;

        /**
         * Master: the reply {@link #writeReply} wrote, to be queued on connection {@code fd}; null to drop it.
         */
        Object readReply(int fd, FrameInput in) throws IOException;

        /** Master: answers a worker JVM's question ({@code ProtocolSupport.call}), off the IPC reader thread. */
        Object answer(Object question);

        /**
         * Master: worker {@code workerId}'s JVM died. Messages delivered to it whose {@link Delivery#reached} is
         * true were lost with it (those that had not reached it go to its replacement): answer them, for example
         * with a 503. Called once per death, after the last frame the dead JVM wrote has been read.
         */
        void workerLost(int workerId);
    }

    /** One message on its way to a worker JVM. */
    interface Delivery {
        /** The worker it was dispatched to. */
        int workerId();

        /** Whether the message was written whole to that worker's current JVM (it may have read it). */
        boolean reached();
    }
}
