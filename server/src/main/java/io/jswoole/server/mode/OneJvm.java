package io.jswoole.server.mode;

import io.jswoole.ErrorCode;
import io.jswoole.SwooleException;
import io.jswoole.coroutine.Scheduler;
import io.jswoole.log.Log;
import io.jswoole.server.Mode;
import io.jswoole.server.Port;
import io.jswoole.server.Server;
import io.jswoole.server.config.ServerConfig;
import io.jswoole.server.dispatch.Dispatcher;
import io.jswoole.server.os.AdminSocket;
import io.jswoole.server.os.Daemon;
import io.jswoole.server.os.Privileges;
import io.jswoole.server.os.Signals;
import io.jswoole.server.process.MasterCommands;
import io.jswoole.server.process.ProcessManager;
import io.jswoole.server.process.RemoteWorker;
import io.jswoole.server.process.UserProcesses;
import io.jswoole.server.reactor.Connection;
import io.jswoole.server.reactor.ConnectionTable;
import io.jswoole.server.reactor.IdleScanner;
import io.jswoole.server.reactor.Intake;
import io.jswoole.server.reactor.LocalConnections;
import io.jswoole.server.reactor.Reactor;
import io.jswoole.server.reactor.ServerCounters;
import io.jswoole.server.reactor.Transport;
import io.jswoole.server.task.TaskOps;
import io.jswoole.server.tls.Tls;
import io.jswoole.server.worker.EventHandlers;
import io.jswoole.server.worker.EventRunner;
import io.jswoole.server.worker.Worker;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The engine of a JVM that owns the sockets: BASE, THREAD and the master of PROCESS mode. Built once by
 * {@link Server#start}, it holds what that start made (the connection table, the event loops, the workers, the
 * task workers or the manager of worker JVMs) and knows how to serve and how to stop.
 * <ul>
 *   <li>BASE: each worker is an event loop that accepts and serves its own connections; its coroutines run on it.
 *   <li>THREAD: {@code reactor_num} event loops own the connections; each worker is a serial scheduler.
 *   <li>PROCESS master: the same reactors; each worker is a {@link RemoteWorker}, a worker JVM that the
 *       {@link ProcessManager} starts and supervises, and {@link MasterCommands} carries out what they ask.
 * </ul>
 * Construction creates no socket and no thread that serves; {@link #serve} binds and starts.
 */
public final class OneJvm implements ModeRuntime {
    private final Server server;
    private final ServerConfig cfg;
    private final List<Port> ports;
    final ConnectionTable table;
    /** The event workers, in id order. */
    final Worker[] workers;
    /** The workers and task workers: threads of this JVM, or worker JVMs (chosen once, here). */
    final WorkerPool pool;
    /** The processes of {@code addProcess}, or null when there are none. */
    final UserProcesses userProcesses;
    public final Intake intake;
    final LocalConnections connections;
    final TaskOps taskOps;
    final WorkerOps workerOps;
    private final EventLoopGroup group;
    private final Map<EventLoop, Integer> loopIds = new IdentityHashMap<>();
    private final List<Channel> listeners = new ArrayList<>();
    private final Map<Integer, List<Channel>> datagramChannels = new LinkedHashMap<>();
    private final IdleScanner idleScanner;
    private final ServerCounters counters;
    /** Connections a protocol keeps open through the drain ({@link #holdStop}). */
    private final java.util.concurrent.atomic.AtomicInteger stopHolds = new java.util.concurrent.atomic.AtomicInteger();
    private long startTime;
    private Path pidFile;
    private AdminSocket admin;
    /** Readiness, the admin listener and systemd's notifications. */
    final Ops ops;

    OneJvm(Server server, ServerConfig cfg, List<Port> ports, ServerCounters counters, EventRunner events,
            java.util.concurrent.atomic.AtomicBoolean stopping, int taskQueueLimit) {
        this.server = server;
        this.cfg = cfg;
        this.ports = ports;
        this.counters = counters;
        if (cfg.isolated()) { // the worker JVMs will change root or user: check that they can, before anything runs
            Privileges.validate(cfg.chroot(), cfg.user(), cfg.group());
        }
        if (cfg.daemonize() && !Daemon.detached()) { // this JVM ends here; its detached copy serves
            Daemon.relaunch(ServerAccess.entry(server).className(), ServerAccess.entry(server).args(), cfg.logFile());
        }
        for (Port p : ports) {
            ServerAccess.resolve(p, cfg.heartbeatCheckInterval());
            ServerAccess.tls(p, Tls.of(p));
        }
        Mode mode = cfg.mode();
        int workerNum = cfg.workerNum();
        table = new ConnectionTable(cfg.startSessionId() + 1, cfg.maxConn()); // Swoole: ++session_round
        idleScanner = new IdleScanner(ports, table);
        connections = new LocalConnections(this, table, ports, datagramChannels, idleScanner,
                cfg.bufferOutputSize(), cfg.sendYield(), cfg.sendTimeoutNanos(), counters.totalSendBytes,
                cfg.mode() == Mode.BASE);
        // BASE: a worker per event loop, which also accepts; THREAD and PROCESS: reactors, and workers apart
        group = mode == Mode.BASE ? Transport.group(workerNum, "jswoole-worker")
                : Transport.group(cfg.reactorNum(), "jswoole-reactor");
        int loop = 0;
        for (var exec : group) {
            loopIds.put((EventLoop) exec, loop++);
        }
        pool = WorkerPool.of(server, this, cfg, group, this::scheduler, (worker, e) -> intake().handle(worker, e),
                taskQueueLimit);
        workers = pool.eventWorkers();
        Dispatcher dispatcher = new Dispatcher(server, workers, cfg.dispatchMode(), cfg.dispatchFunc(),
                mode == Mode.BASE);
        intake = new Intake(table, workers, dispatcher, loopIds,
                cfg.deliversConnectClose(), cfg.maxConn(), counters, events);
        taskOps = pool.taskOps();
        workerOps = pool.workerOps();
        // what the worker JVMs and the user processes do to connections and ask of the server
        MasterCommands commands = new MasterCommands(table, connections, workerOps, ports, this::stats);
        pool.commands(commands);
        List<io.jswoole.server.spi.ServerProcess> added = ServerAccess.processes(server);
        userProcesses = added.isEmpty() ? null : new UserProcesses(server, added, workerNum + cfg.taskWorkerNum(),
                commands, pool::pipe, cfg.maxWaitTime());
        commands.users(userProcesses);
        ops = new Ops(server, this, stopping);
    }

    @Override
    public ConnectionOps connections() {
        return connections;
    }

    @Override
    public TaskOps tasks() {
        return taskOps;
    }

    @Override
    public WorkerOps workers() {
        return workerOps;
    }

    @Override
    public Connection connection(int fd) {
        return table.get(fd);
    }

    private Scheduler scheduler(Scheduler s) {
        return s.enableCoroutine(cfg.enableCoroutine()).maxCoroutine(cfg.maxCoroutine());
    }

    @Override
    public Intake intake() {
        return intake;
    }

    /**
     * Binds every port, starts the worker JVMs (PROCESS), writes the pid file and fires {@code start},
     * {@code managerStart} and {@code workerStart}. On failure everything made so far is released and the
     * exception thrown.
     */
    @Override
    public void serve() {
        try {
            ops.starting();
            for (Port p : ports) {
                Reactor.bind(server, p, group, cfg.mode() == Mode.BASE && cfg.enableReusePort(), listeners,
                        datagramChannels);
            }
            try {
                pool.start(group);
            } catch (java.io.IOException | RuntimeException e) {
                throw new SwooleException(ErrorCode.SERVER_INVALID_REQUEST, "cannot start the workers: "
                        + e.getMessage(), e);
            }
            if (userProcesses != null) {
                try {
                    userProcesses.start(group);
                } catch (java.io.IOException e) {
                    throw new SwooleException(ErrorCode.SERVER_INVALID_REQUEST, "cannot start the user processes: "
                            + e.getMessage(), e);
                }
            }
            writePidFile();
        } catch (RuntimeException e) {
            for (Channel ch : listeners) {
                ch.close();
            }
            if (userProcesses != null) {
                userProcesses.stop();
            }
            pool.abort();
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            ops.close();
            throw e;
        }
        startTime = System.currentTimeMillis() / 1000;
        idleScanner.start(cfg.heartbeatCheckInterval());
        for (Port p : ports) {
            if (ServerAccess.tls(p) != null) {
                ServerAccess.tls(p).watch(group);
            }
        }
        Signals.register(server, new Signals.Target(server::shutdown, this::reloadOnSignal,
                this::reloadTaskWorkersOnSignal), pool.reloadsTaskWorkers());
        Log.info("server started: " + cfg.mode() + " mode, " + workers.length + " workers, " + Transport.name()
                + ", " + describePorts());
        ServerAccess.handlers(server).serverEvent(EventHandlers.ServerEvent.START);
        ServerAccess.handlers(server).serverEvent(EventHandlers.ServerEvent.MANAGER_START);
        for (Worker.Local w : pool.local()) {
            ServerAccess.handlers(server).workerStarted(w.scheduler, w.id);
        }
        ops.serving();
    }

    /**
     * The graceful stop: {@code beforeShutdown}, listeners closed, connections drained (each protocol's way; a raw
     * port reads nothing new; what the workers hold, and the requests protocols still take ({@link #holdStop}),
     * finish within {@code max_wait_time} and their answers are queued), every connection closed
     * after its output, the workers stopped ({@code workerExit}, {@code workerStop}), {@code managerStop}, the event
     * loops, {@code shutdown}.
     */
    @Override
    public void stop() throws InterruptedException {
        try {
            ops.stopping();
            if (cfg.drainDelayNanos() > 0) { // readiness is 503 now: serve on until load balancers have seen it
                Log.info("draining: not ready; serving " + cfg.drainDelayNanos() / 1e9 + " s more (drain_delay)");
                TimeUnit.NANOSECONDS.sleep(cfg.drainDelayNanos());
            }
            intake.refuseConnections();
            idleScanner.stop();
            ServerAccess.handlers(server).serverEvent(EventHandlers.ServerEvent.BEFORE_SHUTDOWN);
            for (Channel ch : listeners) {
                ch.close().awaitUninterruptibly();
            }
            for (Port p : ports) {
                if (p.type().isUnix()) {
                    Reactor.unlinkSocket(p.host());
                }
            }
            long drainEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(cfg.maxWaitTime());
            for (Connection c : table.all()) {
                if (c.channel != null) {
                    c.stopReading();
                }
            }
            for (var loop : group) { // the drains just queued have run: what they hold (holdStop) counts below
                loop.submit(() -> { }).awaitUninterruptibly(1, TimeUnit.SECONDS);
            }
            while ((!eventWorkersIdle() || stopHolds.get() > 0) && System.nanoTime() < drainEnd) {
                Thread.sleep(5);
            }
            for (Connection c : table.all()) {
                if (c.channel != null) {
                    c.close(false);
                }
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
            while (table.size() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            if (userProcesses != null) {
                userProcesses.stop(); // SIGTERM, SIGKILL after max_wait_time
            }
            pool.stop(deadline);
            ServerAccess.handlers(server).serverEvent(EventHandlers.ServerEvent.MANAGER_STOP);
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(3, TimeUnit.SECONDS);
            ServerAccess.handlers(server).serverEvent(EventHandlers.ServerEvent.SHUTDOWN);
        } finally {
            ops.close();
            if (admin != null) {
                admin.stop();
            }
            if (pidFile != null) {
                try {
                    Files.deleteIfExists(pidFile);
                } catch (java.io.IOException e) {
                    Log.warning("cannot remove pid_file " + pidFile + ": " + e);
                }
            }
        }
    }

    @Override
    public boolean writeToProcess(int index, byte[] data) {
        return userProcesses != null && userProcesses.write(index, data);
    }

    @Override
    public Runnable holdStop() {
        return WorkerOps.held(stopHolds);
    }

    /** No event handed to a worker (a thread or a worker JVM) is still running or waiting to run. */
    private boolean eventWorkersIdle() {
        for (Worker w : workers) {
            if (!w.idle()) {
                return false;
            }
        }
        return true;
    }

    /** The event workers (task workers follow them in id order). */
    public int eventWorkerCount() {
        return workers.length;
    }

    /** The worker whose scheduler runs the caller, or null. */
    public Worker currentWorker() {
        Scheduler s = Scheduler.currentOrNull();
        for (Worker.Local w : pool.local()) {
            if (s != null && w.scheduler == s) {
                return w;
            }
        }
        return null;
    }

    /** The listening channels of every port (stream listeners and datagram sockets). */
    List<Channel> boundChannels() {
        List<Channel> all = new ArrayList<>(listeners);
        datagramChannels.values().forEach(all::addAll);
        return all;
    }

    /** The event loops (BASE: the workers; THREAD and PROCESS: the reactors). */
    EventLoopGroup group() {
        return group;
    }

    /**
     * SIGUSR1: the TLS certificates read again, and a rolling restart of the worker JVMs (PROCESS; other modes have
     * none to restart).
     */
    @Override
    public java.util.Optional<java.net.InetSocketAddress> adminAddress() {
        return ops.adminAddress();
    }

    @Override
    public java.util.Optional<io.jswoole.server.spi.ServerProbe> probe() {
        return java.util.Optional.of(ops);
    }

    @Override
    public void reloadOnSignal() {
        pool.reloadOnSignal(this);
    }

    /** Reads every TLS port's files again ({@link Tls#reload}); false when no port has TLS. */
    boolean reloadCertificates() {
        boolean any = false;
        for (Port p : ports) {
            if (ServerAccess.tls(p) != null) {
                ServerAccess.tls(p).reload();
                any = true;
            }
        }
        return any;
    }

    /** SIGUSR2: a rolling restart of the task worker JVMs only. */
    @Override
    public void reloadTaskWorkersOnSignal() {
        pool.reloadTaskWorkers(ops);
    }

    /** {@code stats()} with the {@code worker_*} figures of {@code me} (none: null). */
    Map<String, Object> stats(Worker me) {
        Map<String, Object> m = new LinkedHashMap<>();
        int idle = 0, coroutines = 0, peak = 0, concurrency = 0;
        long dispatched = 0, responses = 0;
        for (Worker w : workers) {
            idle += w.idle() ? 1 : 0;
            concurrency += w.concurrency.get();
            dispatched += w.dispatchCount.sum();
            responses += w.responseCount.sum();
        }
        if (me instanceof Worker.Local l) { // a worker JVM counts its own coroutines
            coroutines = l.scheduler.coroutineNum();
            peak = l.scheduler.coroutinePeak();
        }
        List<Integer> fds = table.list(0, Integer.MAX_VALUE);
        m.put("start_time", startTime);
        m.put("connection_num", fds.size());
        m.put("abort_count", counters.abortCount.sum());
        m.put("accept_count", counters.acceptCount.sum());
        m.put("close_count", counters.closeCount.sum());
        m.put("worker_num", workers.length);
        m.put("task_worker_num", cfg.taskWorkerNum());
        m.put("user_worker_num", userProcesses == null ? 0 : userProcesses.count());
        m.put("idle_worker_num", idle);
        m.put("dispatch_count", dispatched);
        m.put("request_count", counters.requestCount.sum());
        m.put("response_count", responses);
        m.put("total_recv_bytes", counters.totalRecvBytes.sum());
        m.put("total_send_bytes", counters.totalSendBytes.sum());
        m.put("pipe_packet_msg_id", 0L);
        m.put("concurrency", concurrency);
        m.put("session_round", table.round());
        m.put("min_fd", fds.isEmpty() ? 0 : fds.get(0));
        m.put("max_fd", fds.isEmpty() ? 0 : fds.get(fds.size() - 1));
        m.put("worker_request_count", me == null ? 0 : me.requestCount.sum());
        m.put("worker_response_count", me == null ? 0 : me.responseCount.sum());
        m.put("worker_dispatch_count", me == null ? 0 : me.dispatchCount.sum());
        m.put("worker_concurrency", me == null ? 0 : me.concurrency.get());
        int tasking = pool.tasking();
        m.put("task_queue_num", tasking);
        m.put("task_queue_bytes", 0);
        m.put("task_idle_worker_num", pool.idleTaskWorkers());
        m.put("tasking_num", tasking);
        if (ports.stream().anyMatch(p -> ServerAccess.tls(p) != null)) {
            m.put("ssl_provider", Tls.provider());
        }
        m.put("coroutine_num", coroutines);
        m.put("coroutine_peek_num", peak);
        return m;
    }

    private void writePidFile() {
        String f = cfg.pidFile();
        if (f == null) {
            return;
        }
        Path path = Path.of(f);
        try {
            if (path.getParent() != null) {
                Files.createDirectories(path.getParent());
            }
            // written whole or not at all: a reader (jswoole stop, a supervisor) never sees it empty
            Path tmp = path.resolveSibling(path.getFileName() + ".tmp");
            Files.writeString(tmp, Long.toString(ProcessHandle.current().pid()));
            Files.move(tmp, path, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            pidFile = path;
            admin = new AdminSocket(server, path);
            admin.start();
        } catch (java.io.IOException e) {
            throw new SwooleException(ErrorCode.INVALID_PARAMS, "cannot write pid_file " + f + ": " + e, e);
        }
    }

    private String describePorts() {
        StringBuilder sb = new StringBuilder();
        for (Port p : ports) {
            sb.append(sb.isEmpty() ? "" : ", ").append(p.type()).append(' ').append(p.host());
            if (!p.type().isUnix()) {
                sb.append(':').append(p.port());
            }
            if (ServerAccess.tls(p) != null) {
                sb.append(" TLS (").append(Tls.provider()).append(')');
            }
        }
        return sb.toString();
    }
}
