package io.jswoole.server.process;

import io.jswoole.log.Log;
import io.jswoole.server.Server;
import io.jswoole.server.spi.ServerProcess;
import io.jswoole.server.worker.Worker;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The user processes of {@code Server.addProcess} (Swoole's user workers), in every mode: each runs in a JVM of its
 * own, started as PROCESS mode's worker JVMs are (the application's main runs again and {@code start()} runs the
 * added process instead of serving), connected to this JVM over a Unix socket with the worker JVMs' frames, so that
 * its {@code send}, {@code close}, {@code getClientList}, {@code getClientInfo}, {@code stats} and
 * {@code sendMessage} reach the connections through {@link MasterCommands}, as a worker JVM's do. A process that
 * exits gets a new one (after a doubling pause when it keeps dying at once); on shutdown each gets SIGTERM, then
 * SIGKILL after {@code max_wait_time}. They are not part of {@code reload()}, as in Swoole.
 * <p>Ids follow the task workers: {@code worker_num + task_worker_num + index}.
 */
public final class UserProcesses implements Ipc.Peer<RemoteWorker> {
    /** The role of a user process's JVM ({@link ProcessManager#ENV_ROLE}). */
    static final String ROLE = "user";

    /** {@code sendMessage} from a user process to worker {@code dst}: a {@link Values} encoding. */
    @FunctionalInterface
    public interface Pipe {
        boolean send(int src, int dst, byte[] message);
    }

    private final Server server;
    private final List<ServerProcess> processes;
    private final RemoteWorker[] links;
    /** Per process: pipe messages written while it had no JVM linked ({@link #write}). */
    private final java.util.ArrayDeque<byte[]>[] waiting;
    static final int PIPE_WAITING = 1024;
    private final int firstId;
    private final MasterCommands commands;
    private final Pipe pipe;
    private final Ipc.Protocols protocols;
    private final long maxWaitNanos;
    private final long[] backoffMillis;
    private final Path socketPath;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            r -> Thread.ofPlatform().daemon().name("jswoole-user-processes").unstarted(r));
    private final ExecutorService calls = Executors.newVirtualThreadPerTaskExecutor();
    private volatile boolean stopping;
    private volatile WorkerCommand command;
    private Channel listener;

    public UserProcesses(Server server, List<ServerProcess> processes, int firstId, MasterCommands commands,
            Pipe pipe, int maxWaitSeconds) {
        this.server = server;
        this.processes = List.copyOf(processes);
        this.firstId = firstId;
        this.commands = commands;
        this.pipe = pipe;
        this.protocols = Ipc.Protocols.of(server);
        this.maxWaitNanos = TimeUnit.SECONDS.toNanos(maxWaitSeconds);
        this.links = new RemoteWorker[this.processes.size()];
        @SuppressWarnings("unchecked")
        java.util.ArrayDeque<byte[]>[] queues = new java.util.ArrayDeque[links.length];
        java.util.Arrays.setAll(queues, i -> new java.util.ArrayDeque<byte[]>());
        this.waiting = queues;
        this.backoffMillis = new long[links.length];
        for (int i = 0; i < links.length; i++) {
            links[i] = new RemoteWorker(firstId + i, server);
            links[i].proxy = new Worker.Jvm(firstId + i, links[i]); // its counters
        }
        this.socketPath = Path.of(System.getProperty("java.io.tmpdir"),
                "jswoole-" + ProcessHandle.current().pid() + "-user-" + System.nanoTime() % 100_000 + ".sock");
    }

    /** How many processes were added ({@code stats()}'s {@code user_worker_num}). */
    public int count() {
        return links.length;
    }

    /** Binds the socket on {@code loops} and starts every process (without waiting for them). */
    public void start(EventLoopGroup loops) throws IOException {
        command = WorkerCommand.of(server, firstId);
        listener = Ipc.listen(loops, socketPath, protocols, this, () -> stopping);
        for (RemoteWorker w : links) {
            spawn(w);
        }
    }

    /**
     * A worker's write to user process {@code index}'s pipe. While the process has no JVM linked (starting, or
     * being replaced) up to {@link #PIPE_WAITING} messages wait for the next one, as bytes wait in Swoole's pipe
     * for the respawned process; false beyond that, or for no such process.
     */
    public boolean write(int index, byte[] data) {
        if (index < 0 || index >= links.length) {
            return false;
        }
        synchronized (waiting[index]) {
            Channel ch = links[index].channel;
            if (ch != null && waiting[index].isEmpty()) {
                reply(ch, new ToWorker.Pipe(-1, data));
                return true;
            }
            if (waiting[index].size() >= PIPE_WAITING) {
                Log.warning("user process #" + index + ": " + PIPE_WAITING + " pipe messages wait for it to start; "
                        + "refusing more");
                return false;
            }
            waiting[index].add(data);
            return true;
        }
    }

    /** The process's JVM is linked: what waited for it goes first. */
    private void flushWaiting(int index, Channel ch) {
        synchronized (waiting[index]) {
            for (byte[] data; (data = waiting[index].poll()) != null; ) {
                reply(ch, new ToWorker.Pipe(-1, data));
            }
        }
    }

    /** {@link #write} by worker id (user processes follow the task workers). */
    boolean writeTo(int workerId, byte[] data) {
        return write(workerId - firstId, data);
    }

    /** The pid of user process {@code index}'s current JVM, or -1. */
    public long pid(int index) {
        Process p = index >= 0 && index < links.length ? links[index].process : null;
        return p == null ? -1 : p.pid();
    }

    @Override
    public RemoteWorker hello(Channel ch, ToMaster m) throws IOException {
        if (!(m instanceof ToMaster.Hello(int id, long pid)) || id < firstId || id >= firstId + links.length) {
            throw new IOException("a user process link began with " + m);
        }
        RemoteWorker w = links[id - firstId];
        synchronized (waiting[id - firstId]) {
            w.channel = ch;
            flushWaiting(id - firstId, ch);
        }
        w.pid = pid;
        w.ready.countDown();
        Log.info("user process #" + (id - firstId) + " (pid " + pid + ") ready");
        return w;
    }

    @Override
    public void lost(RemoteWorker w, Channel ch) {
        boolean current;
        synchronized (waiting[w.id - firstId]) { // pipe writes wait for the next JVM from now on
            current = w.channel == ch;
            if (current) {
                w.channel = null;
            }
        }
        if (current) {
            commands.workerLost(w, false);
        }
    }

    @Override
    public void command(RemoteWorker w, Channel ch, ToMaster m) {
        switch (m) {
            case ToMaster.ConnectionFrame f -> commands.frame(w, f);
            case ToMaster.Call c -> CompletableFuture.supplyAsync(() -> commands.answer(w, c.query(), c.args()), calls)
                    .whenComplete((v, err) -> reply(ch, new ToWorker.Reply(c.id(),
                            err == null ? v : Map.of("error", String.valueOf(err)))));
            case ToMaster.PipeTo p -> {
                if (!pipe.send(w.id, p.dst(), p.message())) {
                    Log.warning("user process #" + (w.id - firstId) + ": sendMessage to worker " + p.dst()
                            + " refused (no such worker, or no pipeMessage callback)");
                }
            }
            case ToMaster.Task t -> {
                Log.warning("user process #" + (w.id - firstId) + ": task() is for workers (as in Swoole)");
                reply(ch, new ToWorker.Finish(t.id(), (byte) (t.flags() | Ipc.TASK_FAILED), Values.encode(null)));
            }
            case ToMaster.Done d -> {
                // a user process runs no events
            }
            case ToMaster.Coroutines c -> w.coroutines(c.num(), c.peak());
            case ToMaster.Hello h -> Log.warning("a second HELLO from user process #" + (w.id - firstId));
            case ToMaster.TaskResult r -> Log.warning("a task result from user process #" + (w.id - firstId));
            case ToMaster.TasksRetired r -> Log.warning("TASKS_RETIRED from user process #" + (w.id - firstId));
        }
    }

    private void reply(Channel ch, ToWorker m) {
        ch.writeAndFlush(Unpooled.wrappedBuffer(ToWorker.encode(m, protocols)));
    }

    private void spawn(RemoteWorker w) {
        if (stopping) {
            return;
        }
        int index = w.id - firstId;
        ProcessBuilder pb = new ProcessBuilder(command.line(w.id, processes.get(index).title() + " #" + index))
                .inheritIO();
        Map<String, String> env = pb.environment();
        env.put(ProcessManager.ENV_ROLE, ROLE);
        env.put(ProcessManager.ENV_ID, Integer.toString(w.id));
        env.put(ProcessManager.ENV_SOCKET, socketPath.toString());
        env.put(ProcessManager.ENV_MASTER_PID, Long.toString(ProcessHandle.current().pid()));
        env.put("_JAVA_SR_SIGNUM", "39");
        Path shm = io.jswoole.memory.SharedMemory.directory();
        if (shm != null) {
            env.put(io.jswoole.memory.SharedMemory.ATTACH_ENV, shm.toString());
        }
        try {
            Process p = pb.start();
            w.process = p;
            w.pid = p.pid();
            w.startedNanos = System.nanoTime();
            w.ready = new java.util.concurrent.CountDownLatch(1);
            p.onExit().thenAccept(done -> exited(w, done));
        } catch (IOException e) {
            Log.error("cannot start user process #" + index + ": " + e.getMessage());
            respawn(w);
        }
    }

    private void exited(RemoteWorker w, Process p) {
        if (w.process != p || stopping) {
            return;
        }
        int status = p.exitValue();
        int signal = status > 128 ? status - 128 : 0;
        Log.warning("user process #" + (w.id - firstId) + " (pid " + p.pid() + ") exited: code "
                + (signal > 0 ? 0 : status) + ", signal " + signal + "; starting a new one");
        respawn(w);
    }

    /** At once, or after a doubling pause (up to 10 s) when the process died within a second of its start. */
    private void respawn(RemoteWorker w) {
        int index = w.id - firstId;
        boolean quickDeath = System.nanoTime() - w.startedNanos < TimeUnit.SECONDS.toNanos(1);
        long delay = quickDeath ? Math.min(Math.max(backoffMillis[index] * 2, 100), 10_000) : 0;
        backoffMillis[index] = delay;
        timer.schedule(() -> spawn(w), delay, TimeUnit.MILLISECONDS);
    }

    /** SIGTERM to every process, SIGKILL to those still alive after {@code max_wait_time}; then the socket goes. */
    public void stop() {
        stopping = true;
        timer.shutdownNow();
        for (RemoteWorker w : links) {
            Process p = w.process;
            if (p != null) {
                p.destroy();
            }
        }
        long deadline = System.nanoTime() + maxWaitNanos;
        for (RemoteWorker w : links) {
            Process p = w.process;
            try {
                if (p != null && !p.waitFor(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                    Log.warning("user process #" + (w.id - firstId) + " (pid " + p.pid() + ") still runs after "
                            + "max_wait_time: killing it");
                    p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        calls.shutdown();
        if (listener != null) {
            listener.close().awaitUninterruptibly(1_000);
        }
        try {
            Files.deleteIfExists(socketPath);
        } catch (IOException e) {
            Log.warning("cannot remove " + socketPath + ": " + e.getMessage());
        }
    }
}
