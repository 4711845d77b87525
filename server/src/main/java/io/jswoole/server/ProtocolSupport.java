package io.jswoole.server;

import io.jswoole.server.spi.PortProtocol;

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

    /** The protocol of {@code port}, or null when its connections get receive events. */
    public static PortProtocol protocol(Port port) {
        return port.protocol;
    }

    /**
     * Queues {@code message} (a ByteBuf or any object the port's encoders understand; ownership passes) for
     * connection {@code fd}, behind what was sent before, flushed with the batch. False (and the message released)
     * when the connection is gone. In a worker JVM of PROCESS mode the message goes through the master (the
     * protocol's {@code Remote} writes it); true once it is on its way.
     */
    public static boolean write(Server server, int fd, Object message) {
        return server.runtime().connections().write(fd, message);
    }

    /**
     * Keeps the calling worker busy until the returned action runs (once), as if an event were still in flight: for
     * work an event leaves behind, such as a request queued until a slot of {@code worker_max_concurrency} frees.
     * The worker is not stopped, reloaded or recycled before it runs.
     */
    public static Runnable hold(Server server) {
        return server.holdWorker();
    }

    /**
     * Whether {@code server}, when it starts, runs as a worker JVM of PROCESS mode (its connections then live in the
     * master); known before {@code start()}, for protocols that choose their implementation once.
     */
    public static boolean workerJvm(Server server) {
        return server.mode() == Mode.PROCESS && ProcessWorker.inWorkerProcess();
    }

    /** Whether this JVM is a worker JVM of PROCESS mode (connections live in the master). */
    public static boolean inWorkerProcess(Server server) {
        return server.runtime() instanceof ProcessWorker;
    }

    /**
     * In a worker JVM: asks the master's protocol of connection {@code fd}'s port ({@code Remote.answer}) and waits
     * for its answer (a {@code Values} type: null, Boolean, Integer, Long, Double, String, byte[], List, Map),
     * parking only the calling coroutine; null when the master does not answer within 10 s. In the master or one JVM
     * it answers at once.
     */
    public static Object call(Server server, int fd, Object question) {
        if (server.runtime() instanceof ProcessWorker remote) {
            return remote.call(Ipc.CALL_PROTOCOL, java.util.List.of(remote.portOf(fd).index, question));
        }
        Port port = port(server, fd);
        return (port != null && port.protocol != null ? port : Port.firstWithProtocol(server.ports())).protocol
                .remote().answer(question);
    }

    /** The port a connection came in on, or null when the fd does not exist. */
    public static Port port(Server server, int fd) {
        Connection c = server.runtime().connection(fd);
        return c == null ? null : c.port;
    }
}
