package io.jswoole.server.process;

import io.jswoole.ErrorCode;
import io.jswoole.LastError;
import io.jswoole.log.Log;
import io.jswoole.server.Server;
import io.jswoole.server.mode.ServerAccess;
import io.jswoole.server.os.Rss;
import io.jswoole.server.task.TaskOps;
import io.jswoole.server.task.TaskRouting;
import io.jswoole.server.task.Tasks;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The manager role of PROCESS mode, inside the master JVM (Java starts processes with posix_spawn, so Swoole's
 * reason for a separate manager process, forking a multithreaded master, does not apply).
 * <p>It starts {@code worker_num} worker JVMs by re-running this JVM's command line (the cluster pattern: the
 * user's {@code main} runs again in the child, so everything created before {@code start()} exists there too), or
 * the entry point given to {@link Server#workerEntry}. Each worker connects to the master's Unix socket and says
 * HELLO; events and commands then flow as {@link Ipc} frames. A worker that exits is replaced at once, or after a
 * growing pause (0.1 s doubling to 10 s) when workers keep dying at start, so a broken worker cannot cause a spawn
 * storm.
 */
public final class ProcessManager implements Ipc.Peer<RemoteWorker> {
    public static final String ENV_ROLE = "JSWOOLE_ROLE", ENV_ID = "JSWOOLE_WORKER_ID",
            ENV_SOCKET = "JSWOOLE_MASTER_SOCKET",
            ENV_MASTER_PID = "JSWOOLE_MASTER_PID";

    /** How a worker JVM is started; made at {@link #start}. */
    private volatile WorkerCommand command;

    private final Server server;
    /** The port protocols that write and read MESSAGE and WRITE bodies. */
    private final Ipc.Protocols protocols;
    public final RemoteWorker[] workers;
    private final Path socketPath;
    private final long[] backoffMillis;
    private final long maxWaitNanos;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            r -> Thread.ofPlatform().daemon().name("jswoole-manager").unstarted(r));
    private final java.util.concurrent.ExecutorService calls = Executors.newVirtualThreadPerTaskExecutor();
    private Channel listener;
    private volatile boolean stopping;

    /** Worker JVMs that may exit before any has connected before {@link #start} gives up. */
    private static final int START_ATTEMPTS = 3;
    private volatile boolean started;
    private volatile int startFailures;
    private volatile String lastStartFailure;
    /** Event workers have ids {@code [0, workerNum)}; task workers follow them. */
    public final int workerNum;
    private final TaskRouting taskRouting;
    /** The order tasks are first sent in (a retiring task worker's tasks are queued again in it). */
    private final AtomicLong taskSeq = new AtomicLong();
    /** Worker JVMs replaced for {@code max_memory}. */
    public final java.util.concurrent.atomic.LongAdder memoryRestarts = new java.util.concurrent.atomic.LongAdder();
    /** What the workers' connection frames and questions do; set by the server before {@link #start}. */
    public MasterCommands commands;

    public ProcessManager(Server server, int workerNum, int taskWorkerNum, int taskIpcMode, int maxWaitSeconds) {
        this.server = server;
        this.protocols = Ipc.Protocols.of(server);
        this.taskRouting = new TaskRouting(taskIpcMode);
        this.workerNum = workerNum;
        this.workers = new RemoteWorker[workerNum + taskWorkerNum];
        this.backoffMillis = new long[workers.length];
        this.maxWaitNanos = TimeUnit.SECONDS.toNanos(maxWaitSeconds);
        for (int i = 0; i < workers.length; i++) {
            workers[i] = new RemoteWorker(i, server);
        }
        this.socketPath = Path.of(System.getProperty("java.io.tmpdir"),
                "jswoole-" + ProcessHandle.current().pid() + "-" + System.nanoTime() % 100_000 + ".sock");
    }

    /**
     * Binds the master socket on {@code reactors} (each worker's socket is served by one of them), starts every
     * worker and waits (up to 60 s) until each has said HELLO.
     */
    public void start(EventLoopGroup reactors) throws IOException {
        listener = Ipc.listen(reactors, socketPath, protocols, this, () -> stopping);
        command = WorkerCommand.of(server, workerNum);
        for (RemoteWorker w : workers) {
            spawn(w);
        }
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        try {
            for (RemoteWorker w : workers) {
                while (w.ready.getCount() > 0) {
                    if (startFailures >= START_ATTEMPTS) {
                        throw new IllegalStateException("worker JVMs exited " + startFailures + " times before "
                                + "any connected; the last: " + lastStartFailure);
                    }
                    if (System.nanoTime() > end) {
                        throw new IllegalStateException("worker #" + w.id + " did not connect within 60 s");
                    }
                    Thread.sleep(20);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting workers", e);
        }
        started = true;
        long maxMemory = ServerAccess.config(server).maxMemory();
        if (maxMemory > 0) {
            timer.scheduleWithFixedDelay(() -> checkMemory(maxMemory), 1, 1, TimeUnit.SECONDS);
        }
    }

    /** Checks made in a row over {@code max_memory} before a worker JVM is replaced (a passing peak is not). */
    static final int MEMORY_STRIKES = 3;

    /**
     * {@code max_memory}, every second: a worker JVM whose resident memory stayed above the limit for
     * {@link #MEMORY_STRIKES} checks in a row is replaced as a reload replaces it (it takes no new events, finishes
     * the ones it has within {@code max_wait_time}, then exits, and its successor serves), never mid-request.
     */
    private void checkMemory(long maxMemory) {
        for (RemoteWorker w : workers) {
            Process p = w.process;
            if (p == null || w.retiring || w.ready.getCount() > 0 || stopping) {
                w.memoryStrikes = 0;
                continue;
            }
            long rss = Rss.of(p.pid()).orElse(0);
            if (rss <= maxMemory) {
                w.memoryStrikes = 0;
            } else if (++w.memoryStrikes == MEMORY_STRIKES) {
                Log.warning("worker #" + w.id + " (pid " + p.pid() + ") uses " + (rss >> 20) + " MiB, over max_memory ("
                        + (maxMemory >> 20) + " MiB) for " + MEMORY_STRIKES + " s: replacing it");
                memoryRestarts.increment();
                Thread.ofPlatform().name("jswoole-memory-restart-" + w.id).start(() -> restart(w));
            }
        }
    }

    private void spawn(RemoteWorker w) {
        if (stopping) {
            return;
        }
        // stderr passes through the master, which keeps its end to report a worker that cannot start
        ProcessBuilder pb = new ProcessBuilder(command.line(w.id)).redirectInput(ProcessBuilder.Redirect.INHERIT)
                .redirectOutput(ProcessBuilder.Redirect.INHERIT).redirectError(ProcessBuilder.Redirect.PIPE);
        Map<String, String> env = pb.environment();
        env.put(ENV_ROLE, w.id < workerNum ? "worker" : "task");
        env.put(ENV_ID, Integer.toString(w.id));
        env.put(ENV_SOCKET, socketPath.toString());
        env.put(ENV_MASTER_PID, Long.toString(ProcessHandle.current().pid()));
        env.put("_JAVA_SR_SIGNUM", "39");
        Path shm = io.jswoole.memory.SharedMemory.directory();
        if (shm != null) {
            env.put(io.jswoole.memory.SharedMemory.ATTACH_ENV, shm.toString()); // tables, atomics and locks
        }
        try {
            Process p = pb.start();
            w.stderr = new StderrTail(p.getErrorStream());
            w.process = p;
            w.pid = p.pid();
            w.startedNanos = System.nanoTime();
            w.expectExit = false;
            p.onExit().thenAccept(done -> exited(w, done));
        } catch (IOException e) {
            Log.error("cannot start worker #" + w.id + ": " + e.getMessage());
            scheduleRespawn(w);
        }
    }

    private void exited(RemoteWorker w, Process p) {
        if (w.process != p) {
            return;
        }
        int status = p.exitValue();
        int signal = status > 128 ? status - 128 : 0;
        int code = signal > 0 ? 0 : status;
        Channel ch = w.channel;
        if (ch != null) {
            // the dead process's last frames (replies and returned tasks it wrote before exiting) are read before
            // it counts as lost: its socket closes after the last of them (the bound is for a loaded machine)
            if (!ch.closeFuture().awaitUninterruptibly(30_000)) {
                Log.warning("worker #" + w.id + ": its socket is still open 30 s after its exit");
            }
        }
        boolean everReady = w.ready.getCount() == 0;
        lost(w, ch);
        w.ready = new java.util.concurrent.CountDownLatch(1);
        if (stopping) {
            return;
        }
        if (!started && !everReady && !w.expectExit) {
            String tail = w.stderr == null ? "" : w.stderr.await(1_000);
            lastStartFailure = "worker #" + w.id + " exited with status " + status
                    + (tail.isBlank() ? "" : ", its last output: " + tail.strip());
            startFailures++;
        }
        if (!w.expectExit) {
            Log.warning("worker #" + w.id + " (pid " + p.pid() + ") exited abnormally: code " + code + ", signal "
                    + signal + "; starting a new one");
            ServerAccess.handlers(server).workerError(w.id, p.pid(), code, signal);
        }
        scheduleRespawn(w);
    }

    /** Respawns at once, or after a doubling pause when the worker died within a second of its start. */
    private void scheduleRespawn(RemoteWorker w) {
        boolean quickDeath = System.nanoTime() - w.startedNanos < TimeUnit.SECONDS.toNanos(1) && !w.expectExit;
        long delay = quickDeath ? Math.min(Math.max(backoffMillis[w.id] * 2, 100), 10_000) : 0;
        backoffMillis[w.id] = delay;
        if (delay > 0) {
            Log.warning("worker #" + w.id + " keeps dying at start; next attempt in " + delay + " ms");
        }
        timer.schedule(() -> spawn(w), delay, TimeUnit.MILLISECONDS);
    }

    /** A new worker's first frame: it says which worker it is; from now on its socket carries that worker. */
    @Override
    public RemoteWorker hello(Channel ch, ToMaster m) throws IOException {
        if (!(m instanceof ToMaster.Hello(int id, long pid))) {
            throw new IOException("expected HELLO, got " + m.getClass().getSimpleName());
        }
        if (id < 0 || id >= workers.length) {
            throw new IOException("HELLO from unknown worker #" + id);
        }
        RemoteWorker w = workers[id];
        w.channel = ch;
        w.pid = pid;
        w.pendingCloses.clear();
        synchronized (w) {
            w.retiring = false;
            w.generation++;
        }
        w.writer.attach(ch);
        w.ready.countDown();
        Log.info("worker #" + id + " (pid " + pid + ") ready, "
                + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - w.startedNanos) + " ms after its start");
        return w;
    }

    /** The worker behind {@code ch} is gone: events it had are lost (documented); its fds closing are freed. */
    @Override
    public void lost(RemoteWorker w, Channel ch) {
        synchronized (w) {
            if (ch == null || w.channel != ch) {
                return;
            }
            w.channel = null;
        }
        w.writer.detach();
        ch.close();
        for (var it = w.tasksInFlight.entrySet().iterator(); it.hasNext(); ) {
            var e = it.next();
            if (stopping || w.writer.reached(e.getValue().frame())) {
                // the task worker died with this task (or none will follow it): its sender gets a failure at once
                it.remove();
                finishTask((int) (e.getKey() >>> 32), (int) (long) e.getKey(),
                        (byte) (e.getValue().flags() | Ipc.TASK_FAILED), Values.encode(null));
            } // else its frame never reached the process: it waits in the queue for the replacement
        }
        w.proxy.concurrency.set(w.tasksInFlight.size());
        commands.workerLost(w, w.id < workerNum);
    }

    /** A frame from worker {@code w}'s JVM, read from {@code ch}. */
    @Override
    public void command(RemoteWorker w, Channel ch, ToMaster m) throws IOException {
        switch (m) {
            case ToMaster.ConnectionFrame f -> commands.frame(w, f);
            case ToMaster.Call c -> {
                // answered off the reactor: a call such as reload waits for workers. The answer goes to the JVM that
                // asked, on its own socket, even when frames after a STOP already wait for its replacement
                // (shutdown() called in a worker is answered while the workers are being stopped)
                CompletableFuture.supplyAsync(() -> commands.answer(w, c.query(), c.args()), calls)
                        .whenComplete((v, err) -> ch.writeAndFlush(Unpooled.wrappedBuffer(send(new ToWorker.Reply(
                                c.id(), err == null ? v : Map.of("error", String.valueOf(err)))))));
            }
            case ToMaster.Task t -> {
                if (!routeTask(w.id, t.dst(), t.id(), t.flags(), t.data())) {
                    finishTask(w.id, t.id(), (byte) (t.flags() | Ipc.TASK_FAILED), Values.encode(null));
                }
            }
            case ToMaster.TasksRetired r -> {
                java.util.Set<Long> running = new java.util.HashSet<>();
                for (long k : r.running()) {
                    running.add(k);
                }
                reroute(w, ch, running);
            }
            case ToMaster.TaskResult t -> {
                w.tasksInFlight.remove(Ipc.taskKey(t.src(), t.id()));
                if ((t.flags() & Ipc.TASK_NONE) == 0) {
                    finishTask(t.src(), t.id(), t.flags(), t.data());
                }
            }
            case ToMaster.PipeTo p -> pipe(w.id, p.dst(), p.message());
            case ToMaster.Done d -> w.proxy.concurrency.addAndGet(-d.events());
            case ToMaster.Coroutines c -> w.coroutines(c.num(), c.peak());
            case ToMaster.Hello h -> throw new IOException("a second HELLO from worker #" + w.id);
        }
    }

    /** The frame of {@code m} for a worker JVM. */
    private ByteBuffer send(ToWorker m) {
        return ToWorker.encode(m, protocols);
    }

    /** Tasks sent to the task worker JVMs and not finished yet ({@code stats()}'s {@code tasking_num}). */
    public int tasksInFlight() {
        int n = 0;
        for (int i = workerNum; i < workers.length; i++) {
            n += workers[i].tasksInFlight.size();
        }
        return n;
    }

    /** Task worker JVMs with no task in flight. */
    public int idleTaskWorkers() {
        int n = 0;
        for (int i = workerNum; i < workers.length; i++) {
            n += workers[i].tasksInFlight.isEmpty() ? 1 : 0;
        }
        return n;
    }

    /**
     * Replaces the workers one at a time ({@code reload}): each finishes its in-flight work (at most
     * {@code max_wait_time}, then it is killed), and the next starts only when the new one is ready. The listening
     * sockets stay open throughout; events for a worker being replaced wait for its successor.
     */
    public void reload() {
        for (RemoteWorker w : workers) {
            restart(w);
        }
    }

    /** Replaces the task workers only (SIGUSR2), one at a time. */
    public void reloadTaskWorkers() {
        for (int i = workerNum; i < workers.length; i++) {
            restart(workers[i]);
        }
    }

    /**
     * A task from worker {@code src}: to task worker {@code dst} (an index), or to the one with the fewest tasks in
     * flight. False when there are no task workers or {@code dst} is out of range.
     */
    boolean routeTask(int src, int dst, int id, byte flags, byte[] data) {
        int n = workers.length - workerNum;
        if (n == 0 || dst >= n) {
            return false;
        }
        if (tasksInFlight() >= Tasks.MAX_QUEUED) {
            taskRouting.queueFull(Tasks.MAX_QUEUED);
            return false;
        }
        RemoteWorker t = pickTaskWorker(dst);
        ByteBuffer frame = send(new ToWorker.Task(src, id, flags, data));
        send(t, Ipc.taskKey(src, id), dst, flags, frame);
        return true;
    }

    /** The task worker for a task to {@code dst} (-1: any), as task_ipc_mode decides. */
    private RemoteWorker pickTaskWorker(int dst) {
        return workers[workerNum + taskRouting.pick(dst, workers.length - workerNum,
                i -> workers[workerNum + i].proxy.concurrency.get(), i -> workers[workerNum + i].retiring)];
    }

    /** Queues a task to task worker {@code t}, in order with its retirement ({@link #reroute}). */
    private void send(RemoteWorker t, long key, int dst, byte flags, ByteBuffer frame) {
        synchronized (t) {
            t.proxy.concurrency.incrementAndGet();
            // removed by TASK_RESULT or the task worker's death
            t.tasksInFlight.put(key, new RemoteWorker.InFlightTask(dst, flags, frame, taskSeq.getAndIncrement(),
                    t.nextFrameGeneration()));
            t.writer.send(frame);
        }
    }

    /**
     * Task worker {@code w} reached task_max_request and starts no more tasks: each task queued to its current
     * process that it is not {@code running} is routed again, in the order it was first sent, from the master's copy,
     * so it does not matter how many of them the old process read before it stopped. As a new task would, it goes to
     * a task worker that is not being replaced (to {@code w}'s replacement when it was sent to {@code w} by id).
     */
    private void reroute(RemoteWorker w, Channel ch, java.util.Set<Long> running) {
        List<Map.Entry<Long, RemoteWorker.InFlightTask>> waiting = new ArrayList<>();
        synchronized (w) {
            if (w.channel != ch) {
                return; // a late frame of a process already gone: lost() has dealt with its tasks
            }
            retire(w);
            // queued before this process's STOP (or left by a dead one for it); those queued after reach the next
            for (var e : w.tasksInFlight.entrySet()) {
                if (e.getValue().generation() <= w.generation && !running.contains(e.getKey())) {
                    waiting.add(e);
                }
            }
            for (var e : waiting) {
                w.tasksInFlight.remove(e.getKey());
            }
            w.proxy.concurrency.addAndGet(-waiting.size());
        }
        waiting.sort(Comparator.comparingLong(e -> e.getValue().seq()));
        for (var e : waiting) {
            RemoteWorker.InFlightTask t = e.getValue();
            send(pickTaskWorker(t.dst()), e.getKey(), t.dst(), t.flags(), t.frame().duplicate().position(0));
        }
    }

    /** {@code sendMessage}: a message from worker {@code src} (-1: the master) to worker {@code dst}. */
    public boolean pipe(int src, int dst, byte[] message) {
        if (dst >= workers.length && commands != null) {
            return commands.toUserProcess(dst, message); // a worker's write to a user process's pipe
        }
        if (dst < 0 || dst >= workers.length || dst == src) {
            return false;
        }
        workers[dst].writer.send(send(new ToWorker.Pipe(src, message)));
        return true;
    }

    /** A task's result (or its failure) goes back to the worker that sent it. */
    void finishTask(int src, int id, byte flags, byte[] data) {
        if (src < 0 || src >= workers.length) {
            return;
        }
        workers[src].writer.send(send(new ToWorker.Finish(id, flags, data)));
    }

    /** Stops worker {@code w} gracefully and waits for its replacement. */
    public void restart(RemoteWorker w) {
        Process p = w.process;
        if (p == null) {
            return;
        }
        retire(w);
        awaitExit(w, p);
        try {
            for (int i = 0; i < 600 && (w.process == p || w.ready.getCount() > 0); i++) {
                Thread.sleep(50);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Queues STOP for the current process of {@code w}, once: frames queued after it wait for the replacement.
     * A process that is told to stop is expected to exit.
     */
    private void retire(RemoteWorker w) {
        synchronized (w) {
            if (w.retiring) {
                return;
            }
            w.retiring = true;
            w.expectExit = true;
            w.writer.send(send(new ToWorker.Stop()));
            w.writer.handOver();
        }
    }

    private void awaitExit(RemoteWorker w, Process p) {
        try {
            if (!p.waitFor(maxWaitNanos, TimeUnit.NANOSECONDS)) {
                Log.warning("worker #" + w.id + " (pid " + p.pid() + ") exit timeout, forced termination (error "
                        + 9101 + ")");
                p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops every worker (each finishes its in-flight work, at most max_wait_time) and the manager. */
    public void stop() {
        stopping = true;
        for (RemoteWorker w : workers) {
            retire(w);
        }
        for (RemoteWorker w : workers) {
            Process p = w.process;
            if (p != null) {
                awaitExit(w, p);
            }
        }
        timer.shutdownNow();
        try {
            if (listener != null) {
                listener.close().awaitUninterruptibly(1_000);
            }
            Files.deleteIfExists(socketPath);
        } catch (IOException e) {
            Log.warning("cannot remove " + socketPath + ": " + e.getMessage());
        }
    }

    /** The PROCESS master: its task workers are reached from the worker JVMs; a message goes through the manager. */
    public TaskOps taskOps() {
        return new TaskOps.NoTasks() {
            @Override
            public boolean sendMessage(Object message, int dst) {
                try {
                    return pipe(-1, dst, Values.encode(message)) || LastError.fail(ErrorCode.INVALID_PARAMS);
                } catch (IllegalArgumentException e) {
                    Log.warning("sendMessage(): " + e.getMessage());
                    return LastError.fail(ErrorCode.INVALID_PARAMS);
                }
            }
        };
    }
}
