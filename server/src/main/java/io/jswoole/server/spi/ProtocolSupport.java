package io.jswoole.server.spi;

import io.jswoole.server.Port;
import io.jswoole.server.Server;

/**
 * What jswoole's protocol modules (HTTP, WebSocket, Redis) need from the engine beyond the public API. Not for
 * applications. The engine installs its side ({@link Bridge}) when {@link Server} is initialised, as the JDK's
 * shared secrets do: a protocol module reaches the engine through this class and never through its internals.
 */
public final class ProtocolSupport {
    /** The engine's side of each operation below. */
    public interface Bridge {
        void use(Port port, PortProtocol protocol);

        PortProtocol protocol(Port port);

        boolean write(Server server, int fd, Object message);

        Runnable hold(Server server);

        Runnable holdStop(Server server);

        boolean workerJvm(Server server);

        boolean inWorkerProcess(Server server);

        Object call(Server server, int fd, Object question);

        Port port(Server server, int fd);
    }

    private static volatile Bridge bridge;

    private ProtocolSupport() {
    }

    /** Called once, by the engine's {@link Server} class; a second call fails. */
    public static void install(Bridge engine) {
        synchronized (ProtocolSupport.class) {
            if (bridge != null) {
                throw new IllegalStateException("the engine's bridge is installed already");
            }
            bridge = engine;
        }
    }

    /** Makes {@code protocol} handle the connections of {@code port} (before {@link Server#start()}). */
    public static void use(Port port, PortProtocol protocol) {
        bridge.use(port, protocol);
    }

    /** The protocol of {@code port}, or null when its connections get receive events. */
    public static PortProtocol protocol(Port port) {
        return bridge.protocol(port);
    }

    /**
     * Queues {@code message} (a ByteBuf or any object the port's encoders understand; ownership passes) for
     * connection {@code fd}, behind what was sent before, flushed with the batch. False (and the message released)
     * when the connection is gone. In a worker JVM of PROCESS mode the message goes through the master (the
     * protocol's {@code Remote} writes it); true once it is on its way.
     */
    public static boolean write(Server server, int fd, Object message) {
        return bridge.write(server, fd, message);
    }

    /**
     * Keeps the calling worker busy until the returned action runs (once), as if an event were still in flight: for
     * work an event leaves behind, such as a request queued until a slot of {@code worker_max_concurrency} frees.
     * The worker is not stopped, reloaded or recycled before it runs.
     */
    public static Runnable hold(Server server) {
        return bridge.hold(server);
    }

    /**
     * During the graceful stop: keeps the server from closing its connections (at most until {@code max_wait_time}
     * ends) until the returned action runs (once), for a connection given a moment to receive a request already
     * on its way. A no-op outside the JVM that owns the sockets.
     */
    public static Runnable holdStop(Server server) {
        return bridge.holdStop(server);
    }

    /**
     * Whether {@code server}, when it starts, runs as a worker JVM of PROCESS mode (its connections then live in the
     * master); known before {@code start()}, for protocols that choose their implementation once.
     */
    public static boolean workerJvm(Server server) {
        return bridge.workerJvm(server);
    }

    /** Whether this JVM is a worker JVM of PROCESS mode (connections live in the master). */
    public static boolean inWorkerProcess(Server server) {
        return bridge.inWorkerProcess(server);
    }

    /**
     * In a worker JVM: asks the master's protocol of connection {@code fd}'s port ({@code Remote.answer}) and waits
     * for its answer (a {@code Values} type: null, Boolean, Integer, Long, Double, String, byte[], List, Map),
     * parking only the calling coroutine; null when the master does not answer within 10 s. In the master or one JVM
     * it answers at once.
     */
    public static Object call(Server server, int fd, Object question) {
        return bridge.call(server, fd, question);
    }

    /** The port a connection came in on, or null when the fd does not exist. */
    public static Port port(Server server, int fd) {
        return bridge.port(server, fd);
    }
}
