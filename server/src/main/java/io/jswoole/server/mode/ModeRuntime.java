package io.jswoole.server.mode;

import io.jswoole.server.Mode;
import io.jswoole.server.Port;
import io.jswoole.server.Server;
import io.jswoole.server.config.ServerConfig;
import io.jswoole.server.process.ProcessWorker;
import io.jswoole.server.reactor.Connection;
import io.jswoole.server.reactor.Intake;
import io.jswoole.server.reactor.ServerCounters;
import io.jswoole.server.task.TaskOps;
import io.jswoole.server.worker.EventRunner;

/**
 * What a started server is in this JVM, chosen once, by {@link #of}: the engine that owns the sockets
 * ({@link OneJvm}: BASE, THREAD, the PROCESS master) or a worker JVM of PROCESS mode ({@link ProcessWorker}).
 * {@link Server} holds one ({@link #NOT_STARTED} before {@code start()}) and delegates every connection, task and
 * worker method to it, so none of them asks which mode or JVM it is in. This is swoole-src's {@code Factory}.
 */
public interface ModeRuntime {
    /** What callbacks do to connections. */
    ConnectionOps connections();

    /** What callbacks do with task workers and pipe messages. */
    TaskOps tasks();

    /** What callbacks ask of the workers. */
    WorkerOps workers();

    /**
     * Binds, starts the workers and fires the start events; returns once serving ({@link OneJvm}). A worker JVM
     * serves the master's events until told to stop, and its JVM then exits.
     */
    void serve();

    /** Stops serving, gracefully (see {@link Server#shutdown}); called once, off any event loop. */
    void stop() throws InterruptedException;

    /** The connection {@code fd} when this JVM owns it, else null. */
    default Connection connection(int fd) {
        return null;
    }

    /** The reactor side, when this JVM owns the sockets, else null. */
    default Intake intake() {
        return null;
    }

    /** Where the admin listener listens, in a JVM that owns the sockets and has one. */
    default java.util.Optional<java.net.InetSocketAddress> adminAddress() {
        return java.util.Optional.empty();
    }

    /** What the admin listener reads of the server, in a JVM that owns the sockets. */
    default java.util.Optional<io.jswoole.server.spi.ServerProbe> probe() {
        return java.util.Optional.empty();
    }

    /**
     * Keeps the graceful stop from closing the connections (at most until {@code max_wait_time} ends) until the
     * returned action runs: a protocol's connection given a moment to receive a request already on its way. Only
     * a JVM that owns the sockets stops them; elsewhere a no-op.
     */
    default Runnable holdStop() {
        return () -> { };
    }

    /** A worker's write to user process {@code index}'s pipe: false when it cannot arrive. */
    default boolean writeToProcess(int index, byte[] data) {
        return false;
    }

    /** SIGUSR1: a rolling restart of the worker JVMs (only a PROCESS master has them). */
    default void reloadOnSignal() {
    }

    /** SIGUSR2: a rolling restart of the task worker JVMs. */
    default void reloadTaskWorkersOnSignal() {
    }

    /**
     * The one place that asks where this JVM stands: a worker JVM of PROCESS mode, a user process's JVM
     * ({@code addProcess}, any mode), or the owner of the sockets.
     */
    static ModeRuntime of(Server server, ServerConfig cfg, java.util.List<Port> ports, ServerCounters counters,
            EventRunner events, java.util.concurrent.atomic.AtomicBoolean stopping, int taskQueueLimit) {
        if (cfg.mode() == Mode.PROCESS && ProcessWorker.inWorkerProcess() || ProcessWorker.inUserProcess()) {
            return ProcessWorker.create(server, cfg);
        }
        return new OneJvm(server, cfg, ports, counters, events, stopping, taskQueueLimit);
    }

    ModeRuntime NOT_STARTED = new ModeRuntime() {
        @Override
        public ConnectionOps connections() {
            return ConnectionOps.NOT_STARTED;
        }

        @Override
        public TaskOps tasks() {
            return TaskOps.NONE;
        }

        @Override
        public WorkerOps workers() {
            return WorkerOps.NOT_STARTED;
        }

        @Override
        public void serve() {
            throw new IllegalStateException("not started");
        }

        @Override
        public void stop() {
        }
    };
}
