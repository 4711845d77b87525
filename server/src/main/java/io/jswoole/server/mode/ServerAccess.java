package io.jswoole.server.mode;

import io.jswoole.server.Port;
import io.jswoole.server.Server;
import io.jswoole.server.config.PortConfig;
import io.jswoole.server.config.ServerConfig;
import io.jswoole.server.process.WorkerEntry;
import io.jswoole.server.tls.Tls;
import io.jswoole.server.worker.EventHandlers;
import io.jswoole.server.worker.EventRunner;

/**
 * The engine's one way into the state the API objects keep for it ({@link Server}'s runtime, callbacks and settings
 * of this start; {@link Port}'s resolved settings, TLS and bound number), so that none of it is public API. The API
 * package installs its side ({@link Bridge}) when {@code Server} is initialised, as the JDK's shared secrets do.
 * Internal: for the engine's own packages only.
 */
public final class ServerAccess {
    /** The API package's side of each accessor below. */
    public interface Bridge {
        ModeRuntime runtime(Server server);

        EventHandlers handlers(Server server);

        EventRunner events(Server server);

        ServerConfig config(Server server);

        WorkerEntry entry(Server server);

        java.util.List<io.jswoole.server.spi.ServerProcess> processes(Server server);

        boolean stopInBackground(Server server);

        void resolve(Port port, int heartbeatCheckInterval);

        PortConfig config(Port port);

        Tls tls(Port port);

        void tls(Port port, Tls tls);

        void bound(Port port, int number);
    }

    private static volatile Bridge bridge;

    private ServerAccess() {
    }

    /** Called once, by {@link Server}'s initialisation; a second call fails. */
    public static void install(Bridge b) {
        synchronized (ServerAccess.class) {
            if (bridge != null) {
                throw new IllegalStateException("the engine's access is installed already");
            }
            bridge = b;
        }
    }

    /** What {@code server} is in this JVM ({@link ModeRuntime#NOT_STARTED} before {@code start()}). */
    public static ModeRuntime runtime(Server server) {
        return bridge.runtime(server);
    }

    /** The application's server, worker, task and pipe callbacks. */
    public static EventHandlers handlers(Server server) {
        return bridge.handlers(server);
    }

    /** How one event's callback runs in a worker. */
    public static EventRunner events(Server server) {
        return bridge.events(server);
    }

    /** The settings of this start (null before it). */
    public static ServerConfig config(Server server) {
        return bridge.config(server);
    }

    /** What the worker JVMs (or a daemonized master) run. */
    public static WorkerEntry entry(Server server) {
        return bridge.entry(server);
    }

    /** The user processes added with {@code addProcess}, in id order. */
    public static java.util.List<io.jswoole.server.spi.ServerProcess> processes(Server server) {
        return bridge.processes(server);
    }

    /** {@code shutdown()} in this JVM, on a thread of its own: false when not running or already stopping. */
    public static boolean stopInBackground(Server server) {
        return bridge.stopInBackground(server);
    }

    /** Resolves {@code port}'s settings for this start (heartbeat, buffers, watermarks), checking them. */
    public static void resolve(Port port, int heartbeatCheckInterval) {
        bridge.resolve(port, heartbeatCheckInterval);
    }

    /** {@code port}'s settings as resolved at start. */
    public static PortConfig config(Port port) {
        return bridge.config(port);
    }

    /** The TLS of an SSL port, in the JVM that owns the sockets; null otherwise. */
    public static Tls tls(Port port) {
        return bridge.tls(port);
    }

    public static void tls(Port port, Tls tls) {
        bridge.tls(port, tls);
    }

    /** {@code port} is bound to {@code number} (port 0 asked for any). */
    public static void bound(Port port, int number) {
        bridge.bound(port, number);
    }
}
