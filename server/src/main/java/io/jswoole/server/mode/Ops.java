package io.jswoole.server.mode;

import io.jswoole.ErrorCode;
import io.jswoole.SwooleException;
import io.jswoole.log.Log;
import io.jswoole.server.Server;
import io.jswoole.server.os.PerfData;
import io.jswoole.server.os.Rss;
import io.jswoole.server.os.SystemdNotify;
import io.jswoole.server.process.RemoteWorker;
import io.jswoole.server.spi.AdminService;
import io.jswoole.server.spi.ServerProbe;
import io.jswoole.server.worker.Worker;
import io.netty.channel.Channel;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.SingleThreadEventExecutor;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.ServiceLoader;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * What an operator sees of a JVM that owns the sockets (BASE, THREAD, the PROCESS master): the readiness the admin
 * listener's {@code /health/ready} and systemd's {@code READY=1} both wait for, the {@link ServerProbe} the admin
 * listener ({@code admin_server}) reads, and the systemd notifications ({@link SystemdNotify}, when
 * {@code NOTIFY_SOCKET} is set). {@link OneJvm} calls {@link #starting}, {@link #serving}, {@link #reloading} /
 * {@link #reloaded}, {@link #stopping} and {@link #close} at those points of its life.
 * <p>Nothing here is on a request's way: every figure is read, when asked, from counters the server keeps anyway.
 */
public final class Ops implements ServerProbe {
    private enum Phase { STARTING, SERVING, DRAINING }

    private final Server server;
    private final OneJvm engine;
    private final AtomicBoolean stopping;
    private volatile Phase phase = Phase.STARTING;
    private volatile AdminService.Listener admin;
    private final SystemdNotify systemd;
    /** Watchdog pings of local workers: the last one sent and the last one each worker ran, by worker index. */
    private final long[] pinged;
    private final AtomicLongArray answered;
    /** Events a worker JVM had finished at the last watchdog check, by worker index. */
    private final long[] finishedBefore;
    private final io.jswoole.server.spi.RequestTimes requestTimes = new io.jswoole.server.spi.RequestTimes();

    Ops(Server server, OneJvm engine, AtomicBoolean stopping) {
        this.server = server;
        this.engine = engine;
        this.stopping = stopping;
        int n = allWorkers().size();
        pinged = new long[n];
        answered = new AtomicLongArray(n);
        finishedBefore = new long[n];
        systemd = SystemdNotify.fromEnvironment(new SystemdNotify.Source() {
            @Override
            public boolean ready() {
                return readiness().ready();
            }

            @Override
            public String status() {
                return Ops.this.status();
            }

            @Override
            public boolean workersAnswer() {
                return Ops.this.workersAnswer();
            }
        });
    }

    /**
     * {@code admin_server}: {@code host:port} (IPv6 in brackets), checked when the key is set: a well-formed
     * address and an {@link AdminService} on the class path.
     *
     * @throws IllegalArgumentException naming the key
     */
    public static InetSocketAddress adminAddress(String value) {
        int colon = value.lastIndexOf(':');
        int port = -1;
        try {
            port = colon < 1 ? -1 : Integer.parseInt(value.substring(colon + 1));
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("setting 'admin_server' must be host:port (such as 127.0.0.1:9502), "
                    + "got '" + value + "'");
        }
        String host = value.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        if (adminService().isEmpty()) {
            throw new IllegalArgumentException("setting 'admin_server' needs the module jswoole-metrics "
                    + "(io.jswoole:jswoole-metrics) on the class path: it serves /metrics and /health there");
        }
        return new InetSocketAddress(host, port);
    }

    private static Optional<AdminService> adminService() {
        return ServiceLoader.load(AdminService.class, Ops.class.getClassLoader()).findFirst();
    }

    /** Before the ports are bound: the admin listener starts (readiness: starting). */
    void starting() {
        String value = ServerAccess.config(server).adminServer();
        if (value == null) {
            return;
        }
        InetSocketAddress address = adminAddress(value);
        try {
            admin = adminService().orElseThrow().start(this, address);
        } catch (java.io.IOException | RuntimeException e) {
            throw new SwooleException(ErrorCode.SERVER_INVALID_LISTEN_PORT, "cannot serve admin_server "
                    + value + ": " + e.getMessage(), e);
        }
    }

    /** The ports listen and the workers said hello: systemd hears READY=1 once every worker is up. */
    void serving() {
        phase = Phase.SERVING;
        if (systemd != null) {
            systemd.serving();
        }
    }

    /**
     * Until when a worker JVM's replacement counts as planned in {@link WorkerState#replacing} (System.nanoTime): while
     * a reload runs, and 2 s after, so a sampler a second apart sees why a pid changed.
     */
    private volatile long plannedUntil = Long.MIN_VALUE;

    /** A rolling restart of the workers begins (RELOADING=1). */
    void reloading() {
        plannedUntil = Long.MAX_VALUE;
        if (systemd != null) {
            systemd.reloading();
        }
    }

    /** The rolling restart is done (READY=1 once every worker is up again). */
    void reloaded() {
        plannedUntil = System.nanoTime() + 2_000_000_000L;
        if (systemd != null) {
            systemd.reloaded();
        }
    }

    /** The graceful stop begins: readiness turns false, systemd hears STOPPING=1. */
    void stopping() {
        phase = Phase.DRAINING;
        if (systemd != null) {
            systemd.stopping();
        }
    }

    /** After the stop: the admin listener and the notify socket close. */
    void close() {
        AdminService.Listener a = admin;
        admin = null;
        if (a != null) {
            try {
                a.close();
            } catch (RuntimeException e) {
                Log.warning("admin_server did not stop cleanly: " + e);
            }
        }
        if (systemd != null) {
            systemd.close();
        }
    }

    /** Where the admin listener listens, while it does. */
    public Optional<InetSocketAddress> adminAddress() {
        AdminService.Listener a = admin;
        return a == null ? Optional.empty() : Optional.of(a.address());
    }

    @Override
    public Map<String, Object> stats() {
        return engine.stats(null);
    }

    @Override
    public Readiness readiness() {
        if (phase == Phase.DRAINING || stopping.get()) {
            return new Readiness(false, "draining", "the server is shutting down");
        }
        if (phase == Phase.STARTING) {
            return new Readiness(false, "starting", "the server is starting");
        }
        for (Channel ch : engine.boundChannels()) {
            if (!ch.isActive()) {
                return new Readiness(false, "serving", "port " + ch.localAddress() + " does not listen");
            }
        }
        for (WorkerState w : workers()) {
            if (!w.up() && !replacedOnPurpose(w)) {
                return new Readiness(false, "serving", (w.task() ? "task worker " : "worker ") + w.id()
                        + " is not up");
            }
        }
        return new Readiness(true, "serving", "");
    }

    /**
     * A worker JVM being replaced on purpose (reload, max_request): its events wait for the replacement and nothing
     * is refused, so a reload does not take the server out of a load balancer's rotation. A worker that died is
     * not up until its replacement is.
     */
    private boolean replacedOnPurpose(WorkerState w) {
        return engine.pool.replacedOnPurpose(w);
    }

    /** One line for systemd's STATUS=. */
    String status() {
        Readiness r = readiness();
        List<WorkerState> all = workers();
        long up = all.stream().filter(WorkerState::up).count();
        Map<String, Object> s = stats();
        return r.state() + ": " + s.get("connection_num") + " connections, " + up + "/" + all.size()
                + " workers up, " + s.get("tasking_num") + " tasks in flight, " + s.get("request_count")
                + " requests" + (r.ready() || r.reason().isEmpty() ? "" : " (" + r.reason() + ")");
    }

    @Override
    public List<WorkerState> workers() {
        List<Worker> all = allWorkers();
        List<WorkerState> out = new ArrayList<>(all.size());
        boolean serving = phase != Phase.STARTING;
        for (int i = 0; i < all.size(); i++) {
            Worker w = all.get(i);
            boolean task = i >= engine.workers.length;
            int id = task ? i - engine.workers.length : i;
            if (w instanceof Worker.Local l) {
                long pid = ProcessHandle.current().pid();
                MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
                out.add(new WorkerState(id, task, pid, serving && !l.scheduler.isClosed(), !w.idle(),
                        w.requestCount.sum(), w.responseCount.sum(), w.dispatchCount.sum(), w.concurrency.get(),
                        OptionalInt.of(l.scheduler.coroutineNum()), OptionalInt.of(l.scheduler.coroutinePeak()),
                        Rss.of(pid), OptionalLong.of(heap.getUsed()), OptionalLong.of(heap.getCommitted()), false));
            } else {
                RemoteWorker r = (RemoteWorker) ((Worker.Jvm) w).remote;
                Process p = r.process;
                boolean up = r.channel != null && r.ready.getCount() == 0 && p != null && p.isAlive();
                long pid = r.pid;
                PerfData.Heap heap = up ? PerfData.heap(pid) : null;
                RemoteWorker.CoroutineCounts co = up ? r.coroutineCounts() : null;
                out.add(new WorkerState(id, task, pid, up, !w.idle(), w.requestCount.sum(), w.responseCount.sum(),
                        w.dispatchCount.sum(), w.concurrency.get(),
                        co == null ? OptionalInt.empty() : OptionalInt.of(co.num()),
                        co == null ? OptionalInt.empty() : OptionalInt.of(co.peak()),
                        up ? Rss.of(pid) : OptionalLong.empty(),
                        heap == null ? OptionalLong.empty() : OptionalLong.of(heap.used()),
                        heap == null ? OptionalLong.empty() : OptionalLong.of(heap.committed()),
                        r.expectExit || r.retiring || System.nanoTime() < plannedUntil));
            }
        }
        return out;
    }

    @Override
    public List<Integer> eventLoopPendingTasks() {
        List<Integer> out = new ArrayList<>();
        for (EventExecutor e : engine.group()) {
            out.add(e instanceof SingleThreadEventExecutor s ? s.pendingTasks() : 0);
        }
        return out;
    }

    @Override
    public io.jswoole.server.spi.RequestTimes requestTimes() {
        return requestTimes;
    }

    /**
     * Whether every worker answers, for systemd's watchdog (called once per watchdog period, on one thread): a
     * worker of this JVM ran the ping sent at the last check (a task on its carrier: a carrier stuck in a callback
     * never runs it); a worker JVM is alive, linked, and finished an event since the last check or holds none.
     */
    boolean workersAnswer() {
        List<Worker> all = allWorkers();
        boolean ok = true;
        for (int i = 0; i < all.size(); i++) {
            Worker w = all.get(i);
            if (w instanceof Worker.Local l) {
                ok &= answered.get(i) == pinged[i];
                long seq = ++pinged[i];
                int index = i;
                try {
                    l.scheduler.execute(() -> answered.set(index, seq));
                } catch (java.util.concurrent.RejectedExecutionException e) {
                    ok = false; // its carrier has stopped
                }
            } else {
                RemoteWorker r = (RemoteWorker) ((Worker.Jvm) w).remote;
                if (r.expectExit || r.retiring) { // being replaced on purpose: the manager bounds that
                    continue;
                }
                Process p = r.process;
                long finished = w.dispatchCount.sum() - w.concurrency.get();
                ok &= r.channel != null && p != null && p.isAlive()
                        && (w.concurrency.get() == 0 || finished != finishedBefore[i]);
                finishedBefore[i] = finished;
            }
        }
        return ok;
    }

    /** The event workers, then the task workers: threads of this JVM or the master's side of worker JVMs. */
    private List<Worker> allWorkers() {
        return engine.pool.all();
    }
}
