package io.jswoole.process;

import java.io.IOException;
import java.lang.reflect.Constructor;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * {@code Swoole\Process\Pool}: {@code workerNum} supervised worker processes. Each worker is a child JVM (started as
 * {@link Process}'s are) that makes an instance of the {@link Worker} class and calls its events; the pool's
 * process (the manager, in Swoole's words) restarts a worker that exits, after a pause that doubles while workers
 * die within a second of starting (0.1 s to 10 s), and {@link #getProcess} always gives the current one.
 * <pre>{@code
 * public static final class Jobs implements Pool.Worker {
 *     public void onWorkerStart(Pool pool, int workerId) { ... }
 *     public void onMessage(Pool pool, byte[] data) { ... }
 * }
 * var pool = new Pool(4, Pool.IPC_UNIXSOCK, Jobs.class);
 * pool.onStart(p -> p.sendMessage("job".getBytes(), 0));
 * pool.start();                 // blocks until shutdown() or SIGTERM
 * }</pre>
 * <p>A JVM cannot fork, so the worker events are methods of a class (made with its public no-argument constructor
 * in every worker JVM), not closures; {@link #onStart} and {@link #onShutdown} run in the pool's own JVM.
 * <p>Stopping (SIGTERM or SIGINT to the pool's JVM, or {@link #shutdown}): no worker is restarted any more, each
 * gets SIGTERM, which in a worker ends the message loop after the message being handled, fires
 * {@code onWorkerStop} and exits; workers still running after {@code max_wait_time} seconds are killed (SIGKILL).
 * SIGUSR1 restarts the workers one by one, in the same way.
 */
public final class Pool {
    /** No messages: {@code onWorkerStart} is the worker's whole life (it should loop while {@link #running()}). */
    public static final int IPC_NONE = 0;
    /** Messages over each worker's Unix socket: {@link #sendMessage} and {@code onMessage}. */
    public static final int IPC_UNIXSOCK = 1;
    /**
     * Outside clients feed the workers through {@link #listen}: each connection sends one message (a 4-byte
     * big-endian length, then the bytes), a worker's {@code onMessage} gets it and answers with {@link #write}.
     */
    public static final int IPC_SOCKET = 3;
    private static final double MAX_WAIT_DEFAULT = 3;

    /** A pool worker's events, run in the worker JVM. */
    public interface Worker {
        /** The worker has started (with {@link #IPC_NONE}, the worker exits, and is restarted, when this returns). */
        void onWorkerStart(Pool pool, int workerId) throws Exception;

        /** A message from {@link Pool#sendMessage} ({@link #IPC_UNIXSOCK}). */
        default void onMessage(Pool pool, byte[] data) throws Exception {
        }

        /** The worker is stopping: after SIGTERM, or after {@code onWorkerStart} returned with IPC_NONE. */
        default void onWorkerStop(Pool pool, int workerId) throws Exception {
        }
    }

    private final int workerNum;
    private final int ipcType;
    private final Class<? extends Worker> workerClass;
    private volatile double maxWaitTime = MAX_WAIT_DEFAULT;
    private volatile boolean enableCoroutine;
    private volatile int maxPackageSize = Pipe.MAX_MESSAGE;
    private Consumer<Pool> onStart;
    private Consumer<Pool> onShutdown;
    /** The parent's supervision; null in a worker. */
    private final PoolManager manager;
    /** In a worker: its id and runtime; -1 / null in the parent. */
    private final int workerId;
    final PoolWorker self;

    /**
     * @param ipcType    {@link #IPC_NONE}, {@link #IPC_UNIXSOCK} or {@link #IPC_SOCKET} (Swoole's MSGQUEUE is not
     *                   offered)
     * @param worker     the class whose instance runs each worker's events (public, with a public no-arg
     *                   constructor, so the worker JVM can make it)
     */
    public Pool(int workerNum, int ipcType, Class<? extends Worker> worker) {
        if (workerNum < 1) {
            throw new IllegalArgumentException("worker_num must be at least 1, got " + workerNum);
        }
        if (ipcType != IPC_NONE && ipcType != IPC_UNIXSOCK && ipcType != IPC_SOCKET) {
            throw new IllegalArgumentException("ipc type must be IPC_NONE (0), IPC_UNIXSOCK (1) or IPC_SOCKET (3), got "
                    + ipcType + " (SysV message queues are not offered)");
        }
        constructor(worker);
        this.workerNum = workerNum;
        this.ipcType = ipcType;
        this.workerClass = worker;
        this.manager = new PoolManager(this);
        this.workerId = -1;
        this.self = null;
    }

    /** The pool as a worker sees it. */
    Pool(int workerNum, int ipcType, Class<? extends Worker> worker, int workerId, PoolWorker self) {
        this.workerNum = workerNum;
        this.ipcType = ipcType;
        this.workerClass = worker;
        this.manager = null;
        this.workerId = workerId;
        this.self = self;
    }

    static Constructor<? extends Worker> constructor(Class<? extends Worker> worker) {
        try {
            Constructor<? extends Worker> c = worker.getDeclaredConstructor();
            c.setAccessible(true);
            return c;
        } catch (NoSuchMethodException e) {
            throw new IllegalArgumentException("the pool worker class " + worker.getName()
                    + " needs a no-argument constructor (each worker JVM makes its own instance)", e);
        }
    }

    /**
     * Settings: {@code max_wait_time} (seconds a stopping worker gets before SIGKILL; 3), {@code enable_coroutine}
     * (the worker's events run in {@code Coroutine.run}; false), {@code max_package_size} (the largest message,
     * up to and by default 2 MiB). Any other key is refused by name.
     */
    public Pool set(Map<String, ?> settings) {
        requireParent("set");
        Map<String, Object> s = new LinkedHashMap<>(settings);
        Object v;
        if ((v = s.remove("max_wait_time")) != null) {
            double d = v instanceof Number n ? n.doubleValue() : Double.NaN;
            if (!(d >= 0)) {
                throw new IllegalArgumentException("max_wait_time must be 0 or more seconds, got " + v);
            }
            maxWaitTime = d;
        }
        if ((v = s.remove("enable_coroutine")) != null) {
            if (!(v instanceof Boolean b)) {
                throw new IllegalArgumentException("enable_coroutine must be a boolean, got " + v);
            }
            enableCoroutine = b;
        }
        if ((v = s.remove("max_package_size")) != null) {
            long n = v instanceof Number num ? num.longValue() : -1;
            if (n < 1 || n > Pipe.MAX_MESSAGE) {
                throw new IllegalArgumentException("max_package_size must be 1 to " + Pipe.MAX_MESSAGE
                        + " bytes, got " + v);
            }
            maxPackageSize = (int) n;
        }
        if (!s.isEmpty()) {
            throw new IllegalArgumentException("unknown Process\\Pool setting(s) " + s.keySet()
                    + " (known: max_wait_time, enable_coroutine, max_package_size)");
        }
        return this;
    }

    private volatile String listenHost;
    private volatile int listenPort;
    private volatile int listenBacklog;

    /**
     * {@code listen}: with {@link #IPC_SOCKET}, the address outside clients connect to (port 0 picks one:
     * {@link #port()} once started). Before {@link #start}.
     */
    public Pool listen(String host, int port, int backlog) {
        requireParent("listen");
        if (ipcType != IPC_SOCKET) {
            throw new IllegalStateException("listen needs IPC_SOCKET");
        }
        if (port < 0 || port > 65535 || backlog < 1) {
            throw new IllegalArgumentException("listen needs a port 0-65535 and a backlog of 1 or more, got " + port
                    + ", " + backlog);
        }
        this.listenHost = host;
        this.listenPort = port;
        this.listenBacklog = backlog;
        return this;
    }

    /** {@code listen(host, port)} with Swoole's backlog, 2048. */
    public Pool listen(String host, int port) {
        return listen(host, port, 2048);
    }

    /** The port {@link #listen} bound, once {@link #start} has begun (-1 before, or without listen). */
    public int port() {
        requireParent("port");
        return manager.port();
    }

    String listenHost() {
        return listenHost;
    }

    int listenPort() {
        return listenPort;
    }

    int listenBacklog() {
        return listenBacklog;
    }

    /**
     * {@code write}: in a worker of an {@link #IPC_SOCKET} pool, inside {@code onMessage}, an answer to the client
     * whose message it is (sent with a 4-byte length before it; several writes, several answers).
     */
    public void write(byte[] data) throws IOException {
        if (self == null) {
            throw new IllegalStateException("write() answers a client from a worker's onMessage (IPC_SOCKET)");
        }
        self.answer(data);
    }

    /** {@code on('Start')}: runs in the pool's JVM once every worker has started. */
    public Pool onStart(Consumer<Pool> callback) {
        requireParent("onStart");
        this.onStart = callback;
        return this;
    }

    /** {@code on('Shutdown')}: runs in the pool's JVM once every worker has stopped. */
    public Pool onShutdown(Consumer<Pool> callback) {
        requireParent("onShutdown");
        this.onShutdown = callback;
        return this;
    }

    /**
     * Starts the workers and supervises them until {@link #shutdown} or SIGTERM/SIGINT (which this method handles
     * while it runs; they go back to what they were after); returns true after a clean stop.
     */
    public boolean start() throws InterruptedException {
        requireParent("start");
        return manager.run();
    }

    /** Stops the pool (from any thread of the pool's JVM, a callback included); {@link #start} then returns. */
    public void shutdown() {
        requireParent("shutdown");
        manager.stop();
    }

    /** Restarts the workers one by one (what SIGUSR1 does). */
    public void reload() {
        requireParent("reload");
        manager.reloadSoon();
    }

    /**
     * {@code getProcess(id)}: in the pool's JVM, worker {@code id} as it is now (after a restart, the new process:
     * its pid, and {@code write} sends it a message); in a worker, -1 or its own id gives itself (pid only).
     */
    public Process getProcess(int id) {
        if (manager == null) {
            if (id != -1 && id != workerId) {
                throw new IllegalArgumentException("a worker can only get its own process (-1 or " + workerId + ")");
            }
            return Process.poolWorker(null, null);
        }
        if (id < 0 || id >= workerNum) {
            throw new IllegalArgumentException("no worker " + id + " (0 to " + (workerNum - 1) + ")");
        }
        return manager.process(id);
    }

    /** In a worker: its own process. */
    public Process getProcess() {
        return getProcess(-1);
    }

    /**
     * {@code sendMessage}: {@code data} to worker {@code dstWorkerId}'s {@code onMessage}, from the pool's JVM or from
     * another worker (through the pool's JVM). False when that worker is not running now (restarting, or stopped).
     */
    public boolean sendMessage(byte[] data, int dstWorkerId) throws IOException {
        if (ipcType != IPC_UNIXSOCK) {
            throw new IllegalStateException("sendMessage needs IPC_UNIXSOCK");
        }
        if (dstWorkerId < 0 || dstWorkerId >= workerNum) {
            throw new IllegalArgumentException("no worker " + dstWorkerId + " (0 to " + (workerNum - 1) + ")");
        }
        if (data.length > maxPackageSize) {
            throw new IllegalArgumentException("a message is at most max_package_size (" + maxPackageSize
                    + ") bytes, got " + data.length);
        }
        if (manager != null) {
            return manager.deliver(data, dstWorkerId);
        }
        byte[] frame = ByteBuffer.allocate(4 + data.length).putInt(dstWorkerId).put(data).array();
        self.pipe().write(frame, 0, frame.length);
        return true;
    }

    /** In a worker: false once it has been told to stop (SIGTERM), for a loop in {@code onWorkerStart}. */
    public boolean running() {
        return self == null ? manager.running() : self.running();
    }

    /** In a worker: its id; -1 in the pool's JVM. */
    public int getWorkerId() {
        return workerId;
    }

    public int workerNum() {
        return workerNum;
    }

    int ipcType() {
        return ipcType;
    }

    Class<? extends Worker> workerClass() {
        return workerClass;
    }

    double maxWaitTime() {
        return maxWaitTime;
    }

    boolean enableCoroutine() {
        return enableCoroutine;
    }

    int maxPackageSize() {
        return maxPackageSize;
    }

    Consumer<Pool> startCallback() {
        return onStart;
    }

    Consumer<Pool> shutdownCallback() {
        return onShutdown;
    }

    private void requireParent(String what) {
        if (manager == null) {
            throw new IllegalStateException(what + "() is for the pool's own JVM, not a worker");
        }
    }

    /** Arguments for every worker JVM after the pool's own ({@link PoolWorker#extraArgs}; {@link Manager}'s). */
    private volatile List<String> extraArgs = List.of();

    /** The loader whose class path the worker JVMs get (the worker class's, unless {@link Manager} says). */
    private volatile ClassLoader loader;

    Pool extraArgs(List<String> args, ClassLoader loader) {
        this.extraArgs = List.copyOf(args);
        this.loader = loader;
        return this;
    }

    ClassLoader loader() {
        ClassLoader l = loader;
        return l != null ? l : workerClass.getClassLoader();
    }

    /** The worker JVM's arguments after the mode ({@link PoolWorker#run}). */
    List<String> workerArgs(int id) {
        List<String> all = new java.util.ArrayList<>(List.of(workerClass.getName(), Integer.toString(id),
                Integer.toString(workerNum), Integer.toString(ipcType), Boolean.toString(enableCoroutine),
                Integer.toString(maxPackageSize)));
        all.addAll(extraArgs);
        return all;
    }
}
