package io.jswoole.server.process;

import io.jswoole.ErrorCode;
import io.jswoole.LastError;
import io.jswoole.coroutine.Scheduler;
import io.jswoole.log.Log;
import io.jswoole.server.PacketInfo;
import io.jswoole.server.Port;
import io.jswoole.server.Server;
import io.jswoole.server.Task;
import io.jswoole.server.config.ServerConfig;
import io.jswoole.server.mode.ConnectionOps;
import io.jswoole.server.mode.ModeRuntime;
import io.jswoole.server.mode.ServerAccess;
import io.jswoole.server.mode.WorkerOps;
import io.jswoole.server.os.Privileges;
import io.jswoole.server.spi.ServerProcess;
import io.jswoole.server.task.TaskOps;
import io.jswoole.server.task.Tasks;
import io.jswoole.server.worker.EventGate;
import io.jswoole.server.worker.EventSite;
import io.jswoole.server.worker.WorkerEvent;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * A worker JVM of PROCESS mode: {@code Server.start()} in a process the manager started runs this instead of
 * binding. It connects to the master, says HELLO, and runs the events the master sends with the same worker-side
 * code as THREAD mode, on one serial scheduler. The server's connection methods ({@code send}, {@code close},
 * {@code getClientInfo}...) become frames to the master; those that answer something wait for the reply, parking
 * only the calling coroutine.
 */
public final class ProcessWorker implements EventSite, ModeRuntime {
    private static final EventGate OPEN = EventGate.open();

    public final int id;
    private final Server server;
    final Scheduler scheduler;
    /** The socket to the master (and, with coroutines on, the carrier of the scheduler). */
    final MasterLink link;
    /** The port protocols that write and read MESSAGE and WRITE bodies. */
    private final Ipc.Protocols protocols;
    private final LongAdder requests = new LongAdder();
    /** Per-fd event order, kept only when connect and close events are delivered. */
    private final Map<Integer, EventGate> gates = new ConcurrentHashMap<>();
    /** Receive events queued or running, by fd (for a peer's half-close). */
    private final Map<Integer, Integer> receiving = new ConcurrentHashMap<>();
    private final Map<Long, CompletableFuture<Object>> calls = new ConcurrentHashMap<>();
    private final AtomicLong callIds = new AtomicLong();
    private final AtomicInteger done = new AtomicInteger();
    private final AtomicBoolean doneScheduled = new AtomicBoolean();
    private final boolean gated;
    private final long maxRequest;
    private final long maxWaitNanos;
    private volatile boolean stopping;
    /**
     * A task worker past task_max_request: it starts no task after this, and the master sends every task it holds
     * for this JVM and that is not in {@link #running} to the replacement ({@link ToMaster.TasksRetired}).
     */
    private volatile boolean retiring;
    /** Tasks started and not finished, by task key; the lock that orders a task's start against retirement. */
    private final java.util.Set<Long> running = new java.util.HashSet<>();
    /** Events and tasks received and not finished: a stopping worker runs them all before it exits. */
    private final AtomicInteger pending = new AtomicInteger();

    /** True in a task worker JVM. */
    public final boolean taskWorker;
    /** In the JVM of a user process ({@code addProcess}): what it runs; else null. */
    private final ServerProcess userProcess;
    private final WorkerJvmConnections connections;
    private final TaskOps tasks;
    private final WorkerOps workers;
    /** Tasks this worker sent, by id, whose result its sender awaits itself (callback or taskwait). */
    private final Map<Integer, java.util.function.Consumer<Object>> pendingTasks = new ConcurrentHashMap<>();
    private final AtomicInteger taskIds = new AtomicInteger();
    /** The task being run (task worker JVMs). */
    private static final ScopedValue<RemoteTask> CURRENT_TASK = ScopedValue.newInstance();

    /** A task received from the master: who sent it, and whether it finished. */
    private record RemoteTask(int src, int id, byte flags, AtomicBoolean finished) { }

    /**
     * {@code link} reads and writes the master's socket; {@code scheduler} runs the callbacks, on the link's
     * thread too unless coroutines are off (then on a thread of its own, so a callback that waits for the master
     * cannot stop the thread that would read the answer).
     */
    ProcessWorker(Server server, int id, MasterLink link, Scheduler scheduler, boolean gated, long maxRequest,
            long maxWaitNanos, boolean taskWorker, ServerProcess userProcess, long bufferOutputSize) {
        this.link = link;
        this.protocols = Ipc.Protocols.of(server);
        this.taskWorker = taskWorker;
        this.userProcess = userProcess;
        this.maxWaitNanos = maxWaitNanos;
        this.server = server;
        this.id = id;
        this.scheduler = scheduler;
        this.gated = gated;
        this.maxRequest = maxRequest;
        this.connections = new WorkerJvmConnections(this, server, bufferOutputSize);
        this.tasks = taskOps(this);
        this.workers = WorkerOps.workerJvm(this, scheduler);
    }

    /**
     * The worker of this JVM, which the manager started: its id and role come from the environment, its limits from
     * {@code cfg}. One thread reads and writes the master's socket; it carries the coroutines too, unless they are
     * off (then callbacks run on a thread of their own and may wait for the master without stopping the link).
     */
    public static ProcessWorker create(Server server, ServerConfig cfg) {
        int id = workerIdFromEnv();
        boolean taskRole = inTaskProcess();
        ServerProcess user = null;
        if (inUserProcess()) {
            int index = id - cfg.workerNum() - cfg.taskWorkerNum();
            var added = ServerAccess.processes(server);
            if (index < 0 || index >= added.size()) {
                Log.error("user process #" + index + ": this program adds " + added.size() + " processes");
                Runtime.getRuntime().halt(1);
            }
            user = added.get(index);
        }
        boolean coroutines = taskRole ? cfg.taskEnableCoroutine() : cfg.enableCoroutine();
        String name = "jswoole-worker-" + id;
        MasterLink link;
        try {
            link = new MasterLink(name + "-link");
        } catch (IOException e) {
            Log.error("worker #" + id + ": " + e.getMessage());
            Runtime.getRuntime().halt(1);
            throw new IllegalStateException(e);
        }
        Scheduler scheduler = (coroutines ? Scheduler.on(name, link) : Scheduler.serial(name))
                .enableCoroutine(coroutines)
                .maxCoroutine(cfg.maxCoroutine());
        int maxRequest = user != null ? 0 : taskRole ? cfg.taskMaxRequest() : cfg.maxRequest();
        int grace = taskRole ? cfg.taskMaxRequestGrace() : cfg.maxRequestGrace();
        long limit = maxRequest <= 0 ? 0 : maxRequest + (grace > 0 ? java.util.concurrent.ThreadLocalRandom.current()
                .nextInt(grace + 1) : 0);
        // reload_async=false: a worker told to stop does not wait for its running coroutines
        long maxWait = cfg.reloadAsync() ? TimeUnit.SECONDS.toNanos(cfg.maxWaitTime()) : 0;
        return new ProcessWorker(server, id, link, scheduler, cfg.deliversConnectClose(), limit, maxWait, taskRole,
                user, cfg.bufferOutputSize());
    }

    @Override
    public ConnectionOps connections() {
        return connections;
    }

    @Override
    public TaskOps tasks() {
        return tasks;
    }

    @Override
    public WorkerOps workers() {
        return workers;
    }

    /** Nothing to do here: the master stops the worker JVMs. */
    @Override
    public void stop() {
    }

    /** {@link #run}; a worker that cannot reach the master exits at once. */
    @Override
    public void serve() {
        try {
            run();
        } catch (IOException e) {
            Log.error("worker #" + id + ": cannot reach the master: " + e.getMessage());
            Runtime.getRuntime().halt(1);
        }
    }

    /** True in a JVM the manager started as a worker or a task worker. */
    public static boolean inWorkerProcess() {
        return "worker".equals(System.getenv(ProcessManager.ENV_ROLE)) || inTaskProcess();
    }

    /** True in a JVM the server started for a user process ({@code addProcess}), in any mode. */
    public static boolean inUserProcess() {
        return UserProcesses.ROLE.equals(System.getenv(ProcessManager.ENV_ROLE));
    }

    static boolean inTaskProcess() {
        return "task".equals(System.getenv(ProcessManager.ENV_ROLE));
    }

    static int workerIdFromEnv() {
        return Integer.parseInt(System.getenv(ProcessManager.ENV_ID));
    }

    /** Connects, says HELLO, fires workerStart and serves until the master says STOP or goes away. */
    void run() throws IOException {
        link.connect(System.getenv(ProcessManager.ENV_SOCKET), (type, in) -> frame(ToWorker.decode(type, in,
                protocols)));
        try {
            ServerConfig cfg = ServerAccess.config(server);
            Privileges.apply(cfg.chroot(), cfg.user(), cfg.group());
        } catch (RuntimeException e) {
            Log.error("worker #" + id + ": cannot drop privileges: " + e.getMessage());
            Runtime.getRuntime().halt(1);
        }
        send(new ToMaster.Hello(id, ProcessHandle.current().pid()));
        CoroutineReport.start(scheduler, () -> stopping, this::send);
        if (userProcess != null) {
            scheduler.go(this::runUserProcess);
        } else {
            ServerAccess.handlers(server).workerStarted(scheduler, id);
        }
        link.awaitClosed();
        if (!stopping) {
            Log.notice("worker #" + id + ": the master is gone; exiting");
            finish();
        }
    }

    /** A user process's body, as a coroutine; when it ends, so does this JVM (the server starts another). */
    private void runUserProcess() {
        int status = 0;
        try {
            userProcess.runInServer();
        } catch (Throwable t) {
            Log.error("user process " + userProcess.title() + " failed", t);
            status = 255;
        }
        stopping = true;
        link.close(2_000);
        Runtime.getRuntime().halt(status);
    }

    /** Carries out what the master sent, on the link's thread. */
    private void frame(ToWorker m) {
        switch (m) {
            case ToWorker.Connect c -> {
                connections.knowSession(c.port(), c.fd(), c.session());
                if (gated) {
                    gates.put(c.fd(), new EventGate());
                }
                run(new WorkerEvent.Connect(c.port(), c.fd(), c.reactor()));
            }
            case ToWorker.Receive r -> {
                connections.knowSession(r.port(), r.fd(), r.session());
                receiving.merge(r.fd(), 1, Integer::sum);
                if (gated) {
                    // the connect may have gone to another worker (dispatch by uid...): then nothing to wait for
                    gates.computeIfAbsent(r.fd(), k -> EventGate.connected()).receiveQueued();
                }
                run(new WorkerEvent.Receive(r.port(), r.fd(), r.reactor(), r.data()));
            }
            case ToWorker.Message g -> {
                connections.knowSession(g.port(), g.fd(), g.session());
                receiving.merge(g.fd(), 1, Integer::sum);
                if (gated) {
                    gates.computeIfAbsent(g.fd(), k -> EventGate.connected()).receiveQueued();
                }
                run(new WorkerEvent.Message(g.port(), g.fd(), g.reactor(), g.message(), null));
            }
            case ToWorker.Close c -> {
                connections.knowSession(c.port(), c.fd(), c.session());
                if (gated) {
                    gates.computeIfAbsent(c.fd(), k -> EventGate.connected());
                }
                run(new WorkerEvent.Close(c.port(), c.fd(), c.reactor()));
            }
            case ToWorker.Buffer b -> run(new WorkerEvent.Buffer(b.port(), b.fd(), b.full()));
            case ToWorker.Packet p -> run(new WorkerEvent.Packet(p.port(), p.data(),
                    new PacketInfo(p.address(), p.remotePort(), p.port(), p.serverPort(), p.time())));
            case ToWorker.Reply r -> {
                CompletableFuture<Object> f = calls.remove(r.callId());
                if (f != null) {
                    f.complete(r.value());
                }
            }
            case ToWorker.HalfClose h -> {
                // runs after the receives before it have finished, then lets the master close
                scheduler.dispatch(() -> {
                    while (scheduler.coroutineEnabled() && receiving.containsKey(h.fd())) {
                        io.jswoole.coroutine.Coroutine.sleep(0.001);
                    }
                    send(new ToMaster.HalfClosed(h.fd(), h.session()));
                });
            }
            case ToWorker.Task t -> {
                if (retiring) {
                    return; // task_max_request reached: the master sends it to the replacement
                }
                RemoteTask task = new RemoteTask(t.src(), t.id(), t.flags(), new AtomicBoolean());
                pending.incrementAndGet();
                scheduler.dispatch(() -> {
                    if (!start(task)) {
                        pending.decrementAndGet();
                        return;
                    }
                    try {
                        runTask(task, Values.decode(t.data()));
                    } finally {
                        synchronized (running) {
                            running.remove(Ipc.taskKey(task.src(), task.id()));
                        }
                        finished();
                    }
                });
            }
            case ToWorker.Finish f -> {
                Object data = Values.decode(f.data());
                Object result = (f.flags() & Ipc.TASK_FAILED) != 0 ? Tasks.FAILED : data;
                java.util.function.Consumer<Object> reply = pendingTasks.remove(f.id());
                if (reply != null) {
                    reply.accept(result);
                } else if (result == Tasks.FAILED) {
                    Log.warning("task #" + f.id() + " failed: its task worker died");
                } else {
                    ServerAccess.handlers(server).finish(scheduler, f.id(), result);
                }
            }
            case ToWorker.Pipe p when userProcess != null -> userProcess.piped(p.message()); // a worker's write
            case ToWorker.Pipe p -> ServerAccess.handlers(server).pipeMessage(scheduler, p.src(),
                    Values.decode(p.message()));
            case ToWorker.Stop s -> {
                // the master sends nothing after STOP: finish what runs, then exit
                stopping = true;
                Thread.ofPlatform().name("jswoole-worker-stop").start(this::finish);
            }
        }
    }

    /** Sends {@code m} to the master (from any thread; the link writes it in its next round). */
    void send(ToMaster m) {
        link.send(ToMaster.encode(m, protocols));
    }

    private void run(WorkerEvent e) {
        pending.incrementAndGet();
        scheduler.dispatch(() -> {
            try {
                ServerAccess.events(server).run(this, scheduler, requests, e);
            } finally {
                int fd = switch (e) {
                    case WorkerEvent.Receive r -> r.fd();
                    case WorkerEvent.Message m -> m.fd();
                    default -> -1;
                };
                if (fd >= 0) {
                    receiving.computeIfPresent(fd, (k, n) -> n == 1 ? null : n - 1);
                }
                finished();
            }
        });
    }

    /** Counts a finished event; one DONE frame per round of the carrier reports them all. */
    private void finished() {
        done.incrementAndGet();
        if (doneScheduled.compareAndSet(false, true)) {
            scheduler.execute(() -> {
                doneScheduled.set(false);
                int n = done.getAndSet(0);
                send(new ToMaster.Done(n));
            });
        }
        if (maxRequest > 0 && requests.sum() >= maxRequest && !stopping) {
            stopping = true;
            Log.info((taskWorker ? "task worker #" : "worker #") + id + ": " + (taskWorker ? "task_max_request"
                    : "max_request") + " (" + maxRequest + ") reached; exiting");
            if (taskWorker) {
                retire();
            }
            callAsync(ToMaster.Query.RETIRE, id);
        }
        pending.decrementAndGet();
    }

    /** Starts {@code task} unless this task worker retired: then the master has sent it to the replacement. */
    private boolean start(RemoteTask task) {
        synchronized (running) {
            return !retiring && running.add(Ipc.taskKey(task.src(), task.id()));
        }
    }

    /**
     * A task worker past task_max_request starts no more tasks and tells the master which ones it is still running:
     * every other task sent to it, read or not, is the master's to send to the replacement, from the master's copy.
     * No task is lost or run twice by a planned restart, however long this JVM takes to read its socket.
     */
    private void retire() {
        long[] keys;
        synchronized (running) {
            retiring = true;
            keys = running.stream().mapToLong(Long::longValue).toArray();
        }
        send(new ToMaster.TasksRetired(keys));
    }

    /** Work an event left behind ({@link Server#holdWorker}): this JVM does not exit before it is released. */
    public Runnable hold() {
        return WorkerOps.held(pending);
    }

    /** Runs a task in this task worker JVM: a non-null return value (or finish()) sends the result back. */
    private void runTask(RemoteTask task, Object data) {
        try {
            Object result = ScopedValue.where(CURRENT_TASK, task).call(() -> ServerAccess.handlers(server)
                    .task(task.id(), task.src(), data, System.currentTimeMillis() / 1000.0, r -> finish(task, r)));
            if (result != null) {
                finish(task, result);
            }
        } catch (Exception e) {
            Log.error("task #" + task.id() + " from worker " + task.src() + " failed", e);
        } finally {
            requests.increment(); // task_max_request counts tasks
            if (!task.finished().get()) {
                ended(task); // no result: the master stops tracking it
            }
        }
    }

    /** {@code finish(data)} in the task callback. */
    public boolean finishCurrent(Object result) {
        if (!CURRENT_TASK.isBound()) {
            Log.warning("finish() outside a task callback");
            return LastError.fail(ErrorCode.WRONG_OPERATION);
        }
        return finish(CURRENT_TASK.get(), result);
    }

    /** Tells the master the task ended without a result (finish() may still come later for a Task object). */
    private void ended(RemoteTask task) {
        send(new ToMaster.TaskResult(task.src(), task.id(), (byte) (task.flags() | Ipc.TASK_NONE), new byte[0]));
    }

    private boolean finish(RemoteTask task, Object result) {
        if (!task.finished().compareAndSet(false, true)) {
            return LastError.fail(ErrorCode.WRONG_OPERATION);
        }
        byte[] data = Values.encode(result);
        send(new ToMaster.TaskResult(task.src(), task.id(), task.flags(), data));
        return true;
    }

    /**
     * Sends a task through the master ({@code dst}: a task worker index, -1 for the least busy); the result comes
     * to {@code reply}, or to the finish event when it is null. The data must be a {@link Values} type.
     */
    public int task(Object data, int dst, java.util.function.Consumer<Object> reply) {
        byte[] bytes;
        try {
            bytes = Values.encode(data);
        } catch (IllegalArgumentException e) {
            Log.warning("task(): " + e.getMessage());
            LastError.set(ErrorCode.TASK_DISPATCH_FAIL);
            return -1;
        }
        int taskId = taskIds.getAndIncrement();
        byte flags = reply == null ? 0 : Ipc.TASK_REPLY;
        if (reply != null) {
            pendingTasks.put(taskId, reply);
        }
        send(new ToMaster.Task(dst, taskId, flags, bytes));
        return taskId;
    }

    /** {@code sendMessage} from this worker JVM, through the master. */
    public boolean sendMessage(Object message, int dst) {
        byte[] bytes;
        try {
            bytes = Values.encode(message);
        } catch (IllegalArgumentException e) {
            Log.warning("sendMessage(): " + e.getMessage());
            return LastError.fail(ErrorCode.INVALID_PARAMS);
        }
        if (dst == id) {
            return LastError.fail(ErrorCode.INVALID_PARAMS);
        }
        send(new ToMaster.PipeTo(dst, bytes));
        return true;
    }

    @Override
    public boolean writeToProcess(int index, byte[] data) { // a user process itself reads its pipe
        var c = ServerAccess.config(server);
        if (userProcess == null) { // user processes' ids follow the task workers'
            send(new ToMaster.PipeTo(c.workerNum() + c.taskWorkerNum() + index, data));
        }
        return userProcess == null;
    }

    /**
     * After STOP (or the master's death): lets the events it holds finish, fires workerExit while coroutines or
     * timers are left (at most max_wait_time in all), then workerStop, and exits.
     */
    private void finish() {
        long deadline = System.nanoTime() + maxWaitNanos;
        try {
            while (pending.get() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            if (userProcess == null) {
                ServerAccess.handlers(server).workerExiting(scheduler, id, deadline);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (userProcess == null) {
            ServerAccess.handlers(server).workerStopped(scheduler, id);
        }
        link.close(2_000);
        Runtime.getRuntime().halt(0);
    }

    // ---- EventSite

    @Override
    public EventGate gate(int fd) {
        return gated ? gates.get(fd) : OPEN;
    }

    @Override
    public boolean socketClosed(int fd) {
        return false;
    }

    @Override
    public void closeHandled(int fd) {
        long session = connections.forget(fd);
        gates.remove(fd);
        send(new ToMaster.Closed(fd, session));
    }

    /** The port of {@code fd} as this worker knows it (its events name it), else the first with a protocol. */
    public Port portOf(int fd) {
        return connections.portOf(fd);
    }

    /** Tells the master something without waiting for its answer. */
    void callAsync(ToMaster.Query query, Object args) {
        send(new ToMaster.Call(0, query, args));
    }

    /** Asks the master and waits for the answer (at most 10 s); parks only the calling coroutine. */
    public Object call(ToMaster.Query query, Object args) {
        if (link.inLoop()) {
            // the answer is read on this very thread: waiting here would never end
            Log.error("worker #" + id + ": a call to the master from the event loop itself, outside a coroutine,"
                    + " cannot wait for its answer; make it from a coroutine");
            LastError.set(ErrorCode.WRONG_OPERATION);
            return null;
        }
        long callId = callIds.incrementAndGet();
        CompletableFuture<Object> f = new CompletableFuture<>();
        calls.put(callId, f);
        send(new ToMaster.Call(callId, query, args));
        try {
            return f.get(10, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            calls.remove(callId);
            LastError.set(ErrorCode.CO_TIMEDOUT);
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } catch (java.util.concurrent.ExecutionException e) {
            return null;
        }
    }


    /** A PROCESS worker JVM: everything through the master. */
    private static TaskOps taskOps(ProcessWorker link) {
        return new TaskOps() {
            @Override
            public Tasks.Sender sender() {
                return link::task;
            }

            @Override
            public boolean finish(Object result) {
                return link.finishCurrent(result);
            }

            @Override
            public boolean isTaskWorker() {
                return link.taskWorker;
            }

            @Override
            public boolean sendMessage(Object message, int dst) {
                return link.sendMessage(message, dst);
            }
        };
    }
}
