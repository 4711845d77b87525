package io.jswoole.server;

import io.jswoole.ErrorCode;
import io.jswoole.LastError;
import io.jswoole.SwooleException;
import io.jswoole.coroutine.Scheduler;
import io.jswoole.log.Log;
import io.jswoole.server.spi.FrameInput;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * Swoole's {@code Server}: listening ports, connections named by {@code fd}, workers that run the callbacks as
 * coroutines, and the events {@code start}, {@code beforeShutdown}, {@code shutdown}, {@code managerStart},
 * {@code managerStop}, {@code workerStart}, {@code workerStop}, {@code workerExit}, {@code connect},
 * {@code receive}, {@code packet} and {@code close}.
 * <pre>{@code
 * var server = new Server("127.0.0.1", 9501);                  // Mode.BASE, TCP
 * server.set(Map.of("worker_num", 2));
 * server.onReceive((srv, fd, reactorId, data) -> srv.send(fd, data));
 * server.start();                                             // blocks until shutdown()
 * }</pre>
 * <h2>Threads</h2>
 * In {@link Mode#BASE} each worker is a Netty event loop that accepts and serves its own connections, and the
 * callbacks run as coroutines on that loop. In {@link Mode#THREAD}, {@code reactor_num} event loops own the
 * connections and hand events to {@code worker_num} workers by {@code dispatch_mode}. Either way, two callbacks
 * of one worker never run at the same time, and a callback that blocks (sleep, socket, JDBC) parks only itself.
 * <h2>Event order of one connection</h2>
 * {@code connect} finishes before the first {@code receive} starts; {@code close} starts after the last
 * {@code receive} has finished; then the fd is free for a new connection.
 */
public class Server {

    final Mode mode;
    private final List<Port> ports = new ArrayList<>();
    private final Map<String, Object> settings = new LinkedHashMap<>();

    Callbacks.OnConnection onConnect;
    Callbacks.OnReceive onReceive;
    Callbacks.OnConnection onClose;
    Callbacks.OnPacket onPacket;
    Callbacks.OnBuffer onBufferFull;
    Callbacks.OnBuffer onBufferEmpty;
    private Callbacks.OnServer onStart, onBeforeShutdown, onShutdown, onManagerStart, onManagerStop;
    private Callbacks.OnWorker onWorkerStart, onWorkerStop, onWorkerExit;
    private Callbacks.OnWorkerError onWorkerError;
    private Callbacks.OnTask onTask;
    private Callbacks.OnTaskObject onTaskObject;
    private Callbacks.OnFinish onFinish;
    private Callbacks.OnPipeMessage onPipeMessage;
    /** Task workers in this JVM, or null. */
    private Tasks tasks;
    /** The most tasks waiting or running at once (tests lower it to reach the limit quickly). */
    int taskQueueLimit = Tasks.MAX_QUEUED;
    /** PROCESS mode: the worker JVMs' entry point, when the command line cannot be re-run. */
    String entryClass;
    List<String> entryArgs = List.of();
    /** The loader of the entry class: its class path is the worker JVMs'. */
    ClassLoader entryLoader;
    /** PROCESS mode, in the master: the manager role. */
    private ProcessManager manager;
    /** PROCESS mode, in a worker JVM: the link to the master. */
    private ProcessWorker processWorker;

    private volatile boolean started;
    /** The settings of this start, typed and checked; null before it. */
    private ServerConfig config;
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final CountDownLatch ready = new CountDownLatch(1);
    private final CountDownLatch stopped = new CountDownLatch(1);
    private ConnectionTable table;
    private Worker[] workers = new Worker[0];
    private Dispatcher dispatcher;
    private EventLoopGroup group;
    private final Map<EventLoop, Integer> loopIds = new IdentityHashMap<>();
    private final List<Channel> listeners = new ArrayList<>();
    private final Map<Integer, List<Channel>> datagramChannels = new LinkedHashMap<>();
    private boolean deliverConnectClose;
    private final EventRunner events = new EventRunner(this);
    private boolean discardTimeoutRequest;
    private long startTime;
    private Path pidFile;
    private AdminSocket admin;
    private IdleScanner idleScanner;
    /** What callbacks do to connections: chosen once, at start (see {@link ConnectionOps}). */
    private volatile ConnectionOps conns = ConnectionOps.NOT_STARTED;
    /** What callbacks ask of the workers: chosen once, at start (see {@link WorkerOps}). */
    private volatile WorkerOps workerOps = WorkerOps.NOT_STARTED;
    /** What callbacks do with task workers and pipe messages: chosen once, at start (see {@link TaskOps}). */
    private volatile TaskOps taskOps = TaskOps.NONE;

    private final ServerCounters counters = new ServerCounters();
    /** The reactor side of this JVM (BASE, THREAD, the PROCESS master), from start on. */
    private Intake intake;

    /** A TCP server in BASE mode on {@code host:port} (port 0 picks a free port). */
    public Server(String host, int port) {
        this(host, port, Mode.BASE, SockType.TCP);
    }

    public Server(String host, int port, Mode mode) {
        this(host, port, mode, SockType.TCP);
    }

    /**
     * @param host an address, or the socket path for {@link SockType#UNIX_STREAM} and {@link SockType#UNIX_DGRAM}
     * @param port a port number, 0 for any free port (ignored for Unix sockets)
     */
    public Server(String host, int port, Mode mode, SockType sockType) {
        this.mode = Objects.requireNonNull(mode);
        ports.add(newPort(host, port, sockType));
    }

    private Port newPort(String host, int port, SockType type) {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(type, "sockType");
        if (!type.isUnix() && (port < 0 || port > 65535)) {
            throw new SwooleException(ErrorCode.SERVER_INVALID_LISTEN_PORT, "invalid port " + port);
        }
        return new Port(this, ports.size(), host, type.isUnix() ? 0 : port, type);
    }

    // ------------------------------------------------------------------ configuration

    /**
     * Applies Swoole settings (merged with earlier calls). Port keys go to the main port.
     *
     * @throws IllegalArgumentException naming the key, for an unknown key, a key not supported yet, a wrong type
     *                                  or an out-of-range value
     * @throws IllegalStateException    after {@link #start()}
     */
    public Server set(Map<String, ?> values) {
        checkNotStarted("set");
        Map<String, Object> v = Settings.validate(values);
        Map<String, Object> portKeys = new LinkedHashMap<>();
        Map<String, Object> serverKeys = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : v.entrySet()) {
            boolean port = Settings.key(e.getKey()).scope() == Settings.Scope.PORT;
            (port ? portKeys : serverKeys).put(e.getKey(), e.getValue());
        }
        Object ipc = serverKeys.get("task_ipc_mode");
        if (ipc != null && ((Integer) ipc == 2 || (Integer) ipc == 4)) {
            throw new IllegalArgumentException("setting 'task_ipc_mode' " + ipc + " (SysV message queue / stream) "
                    + "is not supported: jswoole has 1 (targeted) and 3 (competing)");
        }
        Object dm = serverKeys.get("dispatch_mode");
        if (dm != null && ((Integer) dm == 6 || (Integer) dm == 7)) {
            throw new IllegalArgumentException("setting 'dispatch_mode' " + dm + (dm.equals(6)
                    ? " is Swoole's internal marker for dispatch_func; set dispatch_func instead"
                    : " (STREAM) was removed in Swoole 5"));
        }
        ports.get(0).apply(portKeys);
        settings.putAll(serverKeys);
        return this;
    }

    /** Applies a typed {@link ServerOptions}. */
    public Server set(ServerOptions options) {
        return set(options.toMap());
    }

    /** Every setting applied so far (server and main port), under canonical names ({@code $server->setting}). */
    public Map<String, Object> setting() {
        Map<String, Object> all = new LinkedHashMap<>(settings);
        all.putAll(ports.get(0).settings);
        return Collections.unmodifiableMap(all);
    }

    /**
     * Adds a listening port with its own settings and callbacks ({@code addListener}).
     *
     * @throws IllegalStateException after {@link #start()}
     */
    /**
     * For servers that speak a protocol (HTTP...): takes out of {@code values} the port keys this server handles
     * itself ({@code open_http_protocol}...) and applies them to {@code port}; the rest is validated as port
     * settings. This class handles none.
     */
    protected Map<String, ?> portSettings(Port port, Map<String, ?> values) {
        return values;
    }

    public Port addListener(String host, int port, SockType type) {
        checkNotStarted("addListener");
        Port p = newPort(host, port, type);
        ports.add(p);
        return p;
    }

    /** Alias of {@link #addListener}. */
    public Port listen(String host, int port, SockType type) {
        return addListener(host, port, type);
    }

    /** Every port, the main one first. */
    public List<Port> ports() {
        return Collections.unmodifiableList(ports);
    }

    public Server onStart(Callbacks.OnServer cb) {
        onStart = cb;
        return this;
    }

    public Server onBeforeShutdown(Callbacks.OnServer cb) {
        onBeforeShutdown = cb;
        return this;
    }

    public Server onShutdown(Callbacks.OnServer cb) {
        onShutdown = cb;
        return this;
    }

    public Server onManagerStart(Callbacks.OnServer cb) {
        onManagerStart = cb;
        return this;
    }

    public Server onManagerStop(Callbacks.OnServer cb) {
        onManagerStop = cb;
        return this;
    }

    public Server onWorkerStart(Callbacks.OnWorker cb) {
        onWorkerStart = cb;
        return this;
    }

    public Server onWorkerStop(Callbacks.OnWorker cb) {
        onWorkerStop = cb;
        return this;
    }

    /**
     * {@code workerError} (PROCESS mode, in the master): a worker JVM exited abnormally, with its exit code and the
     * signal that killed it (9 for {@code kill -9}); a new worker is started.
     */
    public Server onWorkerError(Callbacks.OnWorkerError cb) {
        onWorkerError = cb;
        return this;
    }

    /**
     * PROCESS mode: worker JVMs run {@code mainClass} (with this JVM's options and class path) instead of re-running
     * this JVM's command line. The class's {@code main} must build the same server (settings and callbacks) and call
     * {@link #start()}, which in a worker connects to the master instead of binding. Needed when the command line
     * cannot be re-run, as under a test runner or an IDE.
     */
    public Server workerEntry(Class<?> mainClass, String... args) {
        checkNotStarted("workerEntry");
        entryClass = mainClass.getName();
        entryLoader = mainClass.getClassLoader();
        entryArgs = List.of(args);
        return this;
    }

    /** {@code task}: runs in a task worker; a non-null return value finishes the task. */
    public Server onTask(Callbacks.OnTask cb) {
        onTask = cb;
        return this;
    }

    /** {@code task} with {@code task_enable_coroutine} or {@code task_use_object}: gets a {@link Task}. */
    public Server onTask(Callbacks.OnTaskObject cb) {
        onTaskObject = cb;
        return this;
    }

    /** {@code finish}: a task sent without its own callback finished; runs in the worker that sent it. */
    public Server onFinish(Callbacks.OnFinish cb) {
        onFinish = cb;
        return this;
    }

    /** {@code pipeMessage}: a message from {@link #sendMessage}. */
    public Server onPipeMessage(Callbacks.OnPipeMessage cb) {
        onPipeMessage = cb;
        return this;
    }

    public Server onWorkerExit(Callbacks.OnWorker cb) {
        onWorkerExit = cb;
        return this;
    }

    public Server onConnect(Callbacks.OnConnection cb) {
        onConnect = cb;
        return this;
    }

    public Server onReceive(Callbacks.OnReceive cb) {
        onReceive = cb;
        return this;
    }

    public Server onClose(Callbacks.OnConnection cb) {
        onClose = cb;
        return this;
    }

    public Server onBufferFull(Callbacks.OnBuffer cb) {
        onBufferFull = cb;
        return this;
    }

    public Server onBufferEmpty(Callbacks.OnBuffer cb) {
        onBufferEmpty = cb;
        return this;
    }

    public Server onPacket(Callbacks.OnPacket cb) {
        onPacket = cb;
        return this;
    }

    /**
     * Swoole's {@code on(event, callback)}: the event name without "on", any case ({@code "receive"},
     * {@code "WorkerStart"}); the callback must have the event's shape (see {@link Callbacks}).
     */
    public Server on(String event, Object callback) {
        String e = event.toLowerCase(java.util.Locale.ROOT);
        try {
            switch (e) {
                case "start" -> onStart((Callbacks.OnServer) callback);
                case "beforeshutdown" -> onBeforeShutdown((Callbacks.OnServer) callback);
                case "shutdown" -> onShutdown((Callbacks.OnServer) callback);
                case "managerstart" -> onManagerStart((Callbacks.OnServer) callback);
                case "managerstop" -> onManagerStop((Callbacks.OnServer) callback);
                case "workerstart" -> onWorkerStart((Callbacks.OnWorker) callback);
                case "workerstop" -> onWorkerStop((Callbacks.OnWorker) callback);
                case "workerexit" -> onWorkerExit((Callbacks.OnWorker) callback);
                case "workererror" -> onWorkerError((Callbacks.OnWorkerError) callback);
                case "task" -> {
                    if (callback instanceof Callbacks.OnTaskObject t) {
                        onTask(t);
                    } else {
                        onTask((Callbacks.OnTask) callback);
                    }
                }
                case "finish" -> onFinish((Callbacks.OnFinish) callback);
                case "pipemessage" -> onPipeMessage((Callbacks.OnPipeMessage) callback);
                case "connect" -> onConnect((Callbacks.OnConnection) callback);
                case "receive" -> onReceive((Callbacks.OnReceive) callback);
                case "close" -> onClose((Callbacks.OnConnection) callback);
                case "packet" -> onPacket((Callbacks.OnPacket) callback);
                case "bufferfull" -> onBufferFull((Callbacks.OnBuffer) callback);
                case "bufferempty" -> onBufferEmpty((Callbacks.OnBuffer) callback);
                default -> throw new IllegalArgumentException("unknown server event '" + event + "'");
            }
        } catch (ClassCastException ex) {
            throw new IllegalArgumentException("the callback of '" + event + "' has the wrong shape: "
                    + callback.getClass().getName(), ex);
        }
        return this;
    }

    void checkNotStarted(String what) {
        if (started) {
            throw new IllegalStateException(what + "() must be called before start()");
        }
    }

    // ------------------------------------------------------------------ lifecycle

    /**
     * Binds every port, fires {@code start}, {@code managerStart} and {@code workerStart}, and serves until
     * {@link #shutdown()} (or SIGTERM / SIGINT). Returns after {@code shutdown} has fired.
     *
     * @throws IllegalStateException when a required callback is missing, on a second call, or when the JVM lacks
     *                               {@code --add-opens java.base/java.lang=ALL-UNNAMED} (the message says so)
     * @throws SwooleException       when a port cannot be bound
     */
    public boolean start() {
        Scheduler.requireSupported();
        synchronized (this) {
            if (started) {
                throw new SwooleException(ErrorCode.SERVER_ONLY_START_ONE, "the server is already started");
            }
            started = true;
        }
        ServerConfig cfg;
        try {
            cfg = ServerConfig.of(mode, settings);
            validateCallbacks(cfg);
            if (cfg.isolated() && !ProcessWorker.inWorkerProcess()) {
                Privileges.validate(cfg.chroot(), cfg.user(), cfg.group());
            }
        } catch (RuntimeException e) {
            stopped.countDown();
            throw e;
        }
        config = cfg;
        if (cfg.daemonize() && !Daemon.detached() && !ProcessWorker.inWorkerProcess()) {
            Daemon.relaunch(entryClass, entryArgs, cfg.logFile());
        }
        Logging.configure(cfg.logFile() == null ? null : Path.of(cfg.logFile()), cfg.logLevel(), cfg.logRotation());
        io.jswoole.memory.SharedMemory.seal(); // tables exist before start(), as in Swoole: workers attach to them
        deliverConnectClose = Dispatcher.deliversConnectClose(cfg.dispatchMode(), cfg.enableUnsafeEvent());
        discardTimeoutRequest = cfg.discardTimeoutRequest();
        if (mode == Mode.PROCESS && ProcessWorker.inWorkerProcess()) {
            runWorkerProcess(cfg);
            return true;
        }
        for (Port p : ports) {
            p.resolve(cfg.heartbeatCheckInterval());
        }
        int workerNum = cfg.workerNum();
        int taskWorkerNum = cfg.taskWorkerNum();
        table = new ConnectionTable(cfg.startSessionId(), cfg.maxConn());
        idleScanner = new IdleScanner(ports, table);
        conns = new LocalConnections(this, table, ports, datagramChannels, idleScanner, cfg.bufferOutputSize(),
                cfg.sendYield(), cfg.sendTimeoutNanos(), counters.totalSendBytes);
        boolean coroutines = cfg.enableCoroutine();
        int maxCoroutine = cfg.maxCoroutine();
        workers = new Worker[workerNum];
        if (mode == Mode.BASE) {
            group = Transport.group(workerNum, "jswoole-worker");
            int i = 0;
            for (var exec : group) {
                EventLoop loop = (EventLoop) exec;
                loopIds.put(loop, i);
                workers[i] = new Worker(i, Scheduler.on("jswoole-worker-" + i, loop)
                        .enableCoroutine(coroutines).maxCoroutine(maxCoroutine), (worker, e) -> intake.handle(worker, e));
                i++;
            }
        } else {
            if (mode == Mode.PROCESS) {
                manager = new ProcessManager(this, workerNum, taskWorkerNum, cfg.taskIpcMode(), cfg.maxWaitTime());
            }
            group = Transport.group(cfg.reactorNum(), "jswoole-reactor");
            int i = 0;
            for (var exec : group) {
                loopIds.put((EventLoop) exec, i++);
            }
            if (manager != null) {
                for (int t = workerNum; t < manager.workers.length; t++) {
                    manager.workers[t].proxy = new Worker(t, manager.workers[t]); // task workers: counters only
                }
            }
            for (int w = 0; w < workerNum; w++) {
                if (manager != null) {
                    workers[w] = new Worker(w, manager.workers[w]);
                    manager.workers[w].proxy = workers[w];
                } else {
                    workers[w] = new Worker(w, Scheduler.serial("jswoole-worker-" + w).enableCoroutine(coroutines)
                            .maxCoroutine(maxCoroutine), (worker, e) -> intake.handle(worker, e));
                }
            }
        }
        dispatcher = new Dispatcher(this, workers, cfg.dispatchMode(), cfg.dispatchFunc(), mode == Mode.BASE);
        intake = new Intake(table, workers, dispatcher, loopIds, deliverConnectClose, manager != null, cfg.maxConn(),
                stopping, counters, events);
        if (taskWorkerNum > 0 && manager == null) {
            tasks = new Tasks(this, taskWorkerNum, workerNum, cfg.taskIpcMode(), cfg.taskEnableCoroutine(),
                    cfg.taskObject(), maxCoroutine, taskQueueLimit);
        }
        taskOps = manager != null ? TaskOps.master(manager)
                : TaskOps.local(this, tasks, localWorkers(), this::getWorkerId);
        workerOps = manager != null ? WorkerOps.master(this, manager) : WorkerOps.oneJvm(this, localWorkers());
        if (manager != null) {
            manager.commands = new MasterCommands(table, conns, workerOps, ports, this::localStats);
        }
        try {
            for (Port p : ports) {
                Reactor.bind(this, p, group, mode == Mode.BASE && cfg.enableReusePort(),
                        listeners, datagramChannels);
            }
        } catch (RuntimeException e) {
            for (Channel ch : listeners) {
                ch.close();
            }
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            stopped.countDown();
            throw e;
        }
        if (manager != null) {
            try {
                manager.start(group);
            } catch (java.io.IOException | RuntimeException e) {
                for (Channel ch : listeners) {
                    ch.close();
                }
                manager.stop();
                group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
                stopped.countDown();
                throw new SwooleException(ErrorCode.SERVER_INVALID_REQUEST, "cannot start the workers: "
                        + e.getMessage(), e);
            }
        }
        startTime = System.currentTimeMillis() / 1000;
        idleScanner.start(cfg.heartbeatCheckInterval());
        writePidFile();
        Signals.register(this, manager != null && taskWorkerNum > 0);
        Log.info("server started: " + mode + " mode, " + workerNum + " workers, " + Transport.name() + ", "
                + describePorts());
        fire(onStart);
        fire(onManagerStart);
        for (Worker w : localWorkers()) {
            if (onWorkerStart != null && w.scheduler != null) {
                w.scheduler.dispatch(() -> onWorkerStart.handle(this, w.id));
            }
        }
        ready.countDown();
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return true;
    }

    /** This JVM is a worker of PROCESS mode: serve the master's events until it says STOP (then the JVM exits). */
    private void runWorkerProcess(ServerConfig cfg) {
        int id = ProcessWorker.workerIdFromEnv();
        boolean taskRole = ProcessWorker.inTaskProcess();
        boolean coroutines = taskRole ? cfg.taskEnableCoroutine() : cfg.enableCoroutine();
        // one thread reads and writes the master's socket; it carries the coroutines too, unless they are off
        // (then callbacks run on a thread of their own and may wait for the master without stopping the link)
        String name = "jswoole-worker-" + id;
        MasterLink link;
        try {
            link = new MasterLink(name + "-link");
        } catch (java.io.IOException e) {
            Log.error("worker #" + id + ": " + e.getMessage());
            Runtime.getRuntime().halt(1);
            return;
        }
        Scheduler scheduler = (coroutines ? Scheduler.on(name, link) : Scheduler.serial(name))
                .enableCoroutine(coroutines)
                .maxCoroutine(cfg.maxCoroutine());
        int maxRequest = taskRole ? cfg.taskMaxRequest() : cfg.maxRequest();
        int grace = taskRole ? cfg.taskMaxRequestGrace() : cfg.maxRequestGrace();
        long limit = maxRequest <= 0 ? 0 : maxRequest + (grace > 0 ? java.util.concurrent.ThreadLocalRandom.current()
                .nextInt(grace + 1) : 0);
        // reload_async=false: a worker told to stop does not wait for its running coroutines
        long maxWait = cfg.reloadAsync() ? TimeUnit.SECONDS.toNanos(cfg.maxWaitTime()) : 0;
        processWorker = new ProcessWorker(this, id, link, scheduler, deliverConnectClose, limit, maxWait, taskRole,
                cfg.taskObject());
        conns = new WorkerJvmConnections(processWorker);
        taskOps = TaskOps.workerJvm(processWorker);
        workerOps = WorkerOps.workerJvm(processWorker, scheduler);
        try {
            processWorker.run();
        } catch (java.io.IOException e) {
            Log.error("worker #" + id + ": cannot reach the master: " + e.getMessage());
            Runtime.getRuntime().halt(1);
        }
    }

    /** In a worker JVM: fires workerStart in its scheduler. */
    void workerStarted(Scheduler scheduler, int id) {
        if (onWorkerStart != null) {
            scheduler.dispatch(() -> onWorkerStart.handle(this, id));
        }
    }

    /** In a worker JVM that is exiting: fires workerStop (at most 3 s) and clears the worker's timers. */
    void workerStopped(Scheduler scheduler, int id) {
        if (onWorkerStop != null) {
            CountDownLatch done = new CountDownLatch(1);
            scheduler.dispatch(() -> {
                try {
                    onWorkerStop.handle(this, id);
                } finally {
                    done.countDown();
                }
            });
            try {
                done.await(3, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        scheduler.close();
    }

    /** In the master: a worker JVM exited abnormally. */
    void workerError(int id, long pid, int exitCode, int signal) {
        if (onWorkerError != null) {
            try {
                onWorkerError.handle(this, id, (int) pid, exitCode, signal);
            } catch (RuntimeException e) {
                Log.error("workerError callback failed", e);
            }
        }
    }

    private void validateCallbacks(ServerConfig cfg) {
        if (cfg.taskWorkerNum() > 0 && (cfg.taskObject() ? onTaskObject == null : onTask == null)) {
            throw new IllegalStateException("task_worker_num is " + cfg.taskWorkerNum() + ": onTask is required"
                    + (cfg.taskObject() ? ", taking a Task (task_enable_coroutine / task_use_object)" : ""));
        }
        if (mode == Mode.PROCESS) {
            long protocols = ports.stream().map(p -> p.protocol).filter(java.util.Objects::nonNull).distinct().count();
            for (Port p : ports) {
                if (p.protocol != null && p.protocol.remote() == null) {
                    throw new IllegalStateException("port " + p.host + ":" + p.port + ": its protocol ("
                            + p.protocol.getClass().getSimpleName() + ") does not run in PROCESS mode");
                }
            }
            if (protocols > 1) {
                throw new IllegalStateException("PROCESS mode takes one protocol per server (HTTP and WebSocket are "
                        + "one, on any number of ports); this one has " + protocols);
            }
        }
        for (Port p : ports) {
            if (p.type.isStream() && p.protocol == null && p.receiveCallback() == null) {
                throw new IllegalStateException("port " + p.host + ":" + p.port + " (" + p.type
                        + ") needs a receive callback (onReceive)");
            }
            if (!p.type.isStream() && p.packetCallback() == null) {
                throw new IllegalStateException("port " + p.host + ":" + p.port + " (" + p.type
                        + ") needs a packet callback (onPacket)");
            }
        }
    }

    private void writePidFile() {
        String f = config.pidFile();
        if (f == null) {
            return;
        }
        pidFile = Path.of(f);
        try {
            if (pidFile.getParent() != null) {
                Files.createDirectories(pidFile.getParent());
            }
            // written whole or not at all: a reader (jswoole stop, a supervisor) never sees it empty
            Path tmp = pidFile.resolveSibling(pidFile.getFileName() + ".tmp");
            Files.writeString(tmp, Long.toString(ProcessHandle.current().pid()));
            Files.move(tmp, pidFile, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            admin = new AdminSocket(this, pidFile);
            admin.start();
        } catch (java.io.IOException e) {
            throw new SwooleException(ErrorCode.INVALID_PARAMS, "cannot write pid_file " + f + ": " + e, e);
        }
    }


    private String describePorts() {
        StringBuilder sb = new StringBuilder();
        for (Port p : ports) {
            sb.append(sb.isEmpty() ? "" : ", ").append(p.type).append(' ').append(p.host);
            if (!p.type.isUnix()) {
                sb.append(':').append(p.port);
            }
        }
        return sb.toString();
    }

    /**
     * Stops the server gracefully, from any thread or callback: {@code beforeShutdown}, listeners closed,
     * connections drained (nothing new is read; the events workers hold finish, at most {@code max_wait_time}
     * seconds, and their answers go out: HTTP with {@code Connection: close}, WebSocket with a 1001 close), then
     * closed after their output ({@code close} fires), {@code workerExit} while coroutines still run (bounded by 3 s),
     * {@code workerStop}, {@code managerStop}, {@code shutdown}; then {@link #start()} returns.
     */
    public boolean shutdown() {
        return workerOps.shutdown();
    }

    /** {@link #shutdown} in this JVM: false when the server is not running or already stopping. */
    boolean stopInBackground() {
        if (!started || !stopping.compareAndSet(false, true)) {
            return false;
        }
        Thread.ofPlatform().name("jswoole-shutdown").start(this::stopAll);
        return true;
    }

    private void stopAll() {
        try {
            if (idleScanner != null) {
                idleScanner.stop();
            }
            fire(onBeforeShutdown);
            for (Channel ch : listeners) {
                ch.close().awaitUninterruptibly();
            }
            for (Port p : ports) {
                if (p.type.isUnix()) {
                    Reactor.unlinkSocket(p.host);
                }
            }
            // drain: nothing new is read, what the workers were given finishes (at most max_wait_time) and its
            // answers are queued; then every connection closes after its output
            long drainEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(config.maxWaitTime());
            for (Connection c : table.all()) {
                if (c.channel != null) {
                    c.stopReading();
                }
            }
            while (!eventWorkersIdle() && System.nanoTime() < drainEnd) {
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
            if (manager != null) {
                manager.stop();
            }
            for (Worker w : localWorkers()) {
                if (w.scheduler == null) {
                    continue; // a worker JVM: it ran workerStop itself
                }
                workerExiting(w.scheduler, w.id, deadline);
                if (onWorkerStop != null) {
                    runIn(w.scheduler, () -> onWorkerStop.handle(this, w.id), deadline + TimeUnit.SECONDS.toNanos(1));
                }
                w.scheduler.close();
            }
            fire(onManagerStop);
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(3, TimeUnit.SECONDS);
            fire(onShutdown);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
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
            Log.info("server stopped");
            if (Signals.unregister(this)) {
                io.jswoole.memory.SharedMemory.unseal();
            }
            stopped.countDown();
        }
    }

    /**
     * Swoole's {@code workerExit}: while a stopping worker still has coroutines or timers, fires {@code workerExit}
     * in it (again every 100 ms, as Swoole fires it at each round of an event loop that is not empty: the place to
     * clear timers and close clients), until nothing is left or {@code deadline}.
     */
    void workerExiting(Scheduler scheduler, int id, long deadline) throws InterruptedException {
        while (hasWork(scheduler) && System.nanoTime() < deadline) {
            if (onWorkerExit != null) {
                runIn(scheduler, () -> onWorkerExit.handle(this, id), deadline);
            }
            long round = Math.min(deadline, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(100));
            while (hasWork(scheduler) && System.nanoTime() < round) {
                Thread.sleep(5);
            }
        }
    }

    private static boolean hasWork(Scheduler scheduler) {
        return scheduler.coroutineNum() > 0 || io.jswoole.timer.Timer.count(scheduler) > 0;
    }

    /** Runs {@code task} as a worker callback and waits for it, at most until {@code deadline}. */
    private static void runIn(Scheduler scheduler, Runnable task, long deadline) throws InterruptedException {
        CountDownLatch done = new CountDownLatch(1);
        scheduler.dispatch(() -> {
            try {
                task.run();
            } finally {
                done.countDown();
            }
        });
        done.await(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    }

    private void fire(Callbacks.OnServer cb) {
        if (cb != null) {
            try {
                cb.handle(this);
            } catch (RuntimeException e) {
                Log.error("server callback failed", e);
            }
        }
    }

    /** The first port with a protocol (PROCESS mode allows one protocol, on any number of ports), or null. */
    Port protocolPort() {
        for (Port p : ports) {
            if (p.protocol != null) {
                return p;
            }
        }
        return null;
    }

    /** In a worker JVM of PROCESS mode: its link to the master; else null. */
    ProcessWorker processWorker() {
        return processWorker;
    }

    /**
     * Restarts the workers one at a time, gracefully ({@code reload}; also SIGUSR1). PROCESS mode only: the new
     * worker JVMs load the application's classes afresh, so changed code takes effect; the listening sockets stay
     * open and no connection is closed. Returns at once; the reload runs in the background.
     */
    public boolean reload() {
        return workerOps.reload();
    }

    /** SIGUSR1: a rolling restart of the worker JVMs (PROCESS mode; other modes have none). */
    void reloadOnSignal() {
        if (manager != null) {
            reload();
        }
    }

    /** SIGUSR2: a rolling restart of the task worker JVMs only. */
    void reloadTaskWorkersOnSignal() {
        if (manager != null) {
            Thread.ofPlatform().name("jswoole-reload-tasks").start(manager::reloadTaskWorkers);
        }
    }

    /** Stops worker {@code workerId} gracefully; the manager starts a new one (PROCESS mode). */
    public boolean stop(int workerId) {
        return workerOps.stop(workerId);
    }

    /** The pid of worker {@code workerId} (this JVM's pid for BASE and THREAD workers). */
    public int getWorkerPid(int workerId) {
        return workerOps.pid(workerId);
    }

    /** Worker status as Swoole reports it: {@code SWOOLE_WORKER_BUSY}, {@code IDLE} or {@code EXIT}. */
    public static final int WORKER_BUSY = 1, WORKER_IDLE = 2, WORKER_EXIT = 3;

    /**
     * {@link #WORKER_BUSY} when worker {@code workerId} has events in flight, {@link #WORKER_IDLE} when it has none,
     * {@link #WORKER_EXIT} when its JVM is being replaced (PROCESS mode); -1 for no such worker.
     */
    public int getWorkerStatus(int workerId) {
        return workerOps.status(workerId);
    }

    /** The pid of the worker running the caller ({@code $server->worker_pid}). */
    public int getWorkerPid() {
        return (int) ProcessHandle.current().pid();
    }

    Connection connection(int fd) {
        return table == null ? null : table.get(fd);
    }

    /** Runs one event's callback in a worker (see {@link EventRunner}). */
    void handle(EventSite site, Scheduler scheduler, java.util.concurrent.atomic.LongAdder requests,
            WorkerEvent event) {
        events.run(site, scheduler, requests, event);
    }

    Port port(int index) {
        return ports.get(index);
    }

    boolean deliversConnectClose() {
        return deliverConnectClose;
    }

    boolean discardsTimeoutRequests() {
        return discardTimeoutRequest;
    }

    // ------------------------------------------------------------------ methods for callbacks

    /**
     * Sends {@code data} to connection {@code fd}, from any thread or worker. A send is atomic: its bytes are never
     * interleaved with another send's. Returns false (and sets {@link LastError}) when the connection does not
     * exist or is closed.
     */
    public boolean send(int fd, byte[] data) {
        return conns.send(fd, data);
    }

    /** {@link #send(int, byte[])} of a string's UTF-8 bytes. */
    public boolean send(int fd, String data) {
        return send(fd, data.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Sends a datagram to {@code ip:port} (a path and 0 for Unix datagrams) from a packet port:
     * {@code serverSocket} is a port's {@link Port#sock()}, or -1 for the first port of the matching family.
     */
    public boolean sendto(String ip, int port, byte[] data, int serverSocket) {
        return conns.sendto(ip, port, data, serverSocket);
    }

    public boolean sendto(String ip, int port, byte[] data) {
        return sendto(ip, port, data, -1);
    }

    public boolean sendto(String ip, int port, String data) {
        return sendto(ip, port, data.getBytes(StandardCharsets.UTF_8), -1);
    }

    /**
     * Closes connection {@code fd} after the data sent to it so far has been written (a peer that reads nothing
     * for 60 s is then reset); {@code reset} sends an RST at once and drops what is queued, also when a graceful
     * close is under way. The {@code close} callback fires with a negative reactorId. False when the fd does not
     * exist ({@link ErrorCode#SESSION_NOT_EXIST}) or was closed already ({@link ErrorCode#SESSION_CLOSED}).
     */
    public boolean close(int fd, boolean reset) {
        return conns.close(fd, reset);
    }

    public boolean close(int fd) {
        return close(fd, false);
    }

    /** Exempts connection {@code fd} from the heartbeat ({@code protect}); false when it does not exist. */
    public boolean protect(int fd, boolean protect) {
        return conns.control(fd, protect ? ConnectionOps.Control.PROTECT : ConnectionOps.Control.UNPROTECT);
    }

    public boolean protect(int fd) {
        return protect(fd, true);
    }

    /**
     * A manual idle scan ({@code heartbeat}): the fds idle past their port's {@code heartbeat_idle_time} or
     * {@code max_idle_time}, closed when {@code closeConn}.
     */
    public List<Integer> heartbeat(boolean closeConn) {
        return conns.heartbeat(closeConn);
    }

    /** Stops reading from connection {@code fd} until {@link #resume}; false when it does not exist. */
    public boolean pause(int fd) {
        return conns.control(fd, ConnectionOps.Control.PAUSE);
    }

    /** Reads from connection {@code fd} again after {@link #pause} or {@code enable_delay_receive}. */
    public boolean resume(int fd) {
        return conns.control(fd, ConnectionOps.Control.RESUME);
    }

    /** With {@code enable_delay_receive}: starts reading a new connection (alias of {@link #resume}). */
    public boolean confirm(int fd) {
        return resume(fd);
    }

    /** Whether connection {@code fd} is open ({@code exist} in Swoole 4). */
    public boolean exists(int fd) {
        return conns.exists(fd);
    }

    /** Alias of {@link #exists}. */
    public boolean exist(int fd) {
        return exists(fd);
    }

    /** What the server knows about connection {@code fd}; empty when there is none. */
    public Optional<ClientInfo> getClientInfo(int fd) {
        return conns.info(fd);
    }

    /** Alias of {@link #getClientInfo}. */
    public Optional<ClientInfo> connection_info(int fd) {
        return getClientInfo(fd);
    }

    /** Up to {@code count} (at most 100) open fds greater than {@code startFd}, ascending. */
    public List<Integer> getClientList(int startFd, int count) {
        return conns.list(startFd, count);
    }

    /** The fds of the connections ({@code $server->connections}): a live, read-only view. */
    public Set<Integer> connections() {
        return conns.fds();
    }

    /**
     * Attaches {@code uid} to connection {@code fd}, for {@code dispatch_mode} 5. A connection can be bound
     * once; false when it is already bound or does not exist.
     */
    public boolean bind(int fd, long uid) {
        return conns.bind(fd, uid);
    }

    // ------------------------------------------------------------------ task workers and pipe messages

    /**
     * Sends {@code data} to a task worker ({@code dstWorkerId}: a task worker index, -1 for any) and returns the
     * task id; its result comes to {@code callback}, or to the {@code finish} event when it is null. -1 (with
     * {@link LastError} 2002) when there are no task workers or the task queue is full; this never blocks.
     */
    public int task(Object data, int dstWorkerId, Callbacks.OnFinish callback) {
        Tasks.Sender sender = taskSender();
        if (sender == null) {
            Log.warning("task(): no task workers (set task_worker_num)");
            LastError.set(ErrorCode.TASK_DISPATCH_FAIL);
            return -1;
        }
        if (callback == null) {
            return sender.task(data, dstWorkerId, null);
        }
        Scheduler home = Scheduler.currentOrNull();
        int[] id = new int[1];
        java.util.function.Consumer<Object> reply = result -> {
            Object r = result == Tasks.FAILED ? null : result;
            if (result == Tasks.FAILED) {
                Log.warning("task #" + id[0] + " failed: its task worker died");
            }
            Runnable run = () -> callback.handle(this, id[0], r);
            if (home != null) {
                home.dispatch(run);
            } else {
                run.run();
            }
        };
        id[0] = sender.task(data, dstWorkerId, reply);
        return id[0];
    }

    private Tasks.Sender taskSender() {
        return taskOps.sender();
    }

    public int task(Object data, int dstWorkerId) {
        return task(data, dstWorkerId, null);
    }

    public int task(Object data) {
        return task(data, -1, null);
    }

    /**
     * Sends a task and waits for its result, at most {@code timeout} seconds (parking only the calling coroutine):
     * null, with {@link LastError} 2003, on timeout.
     */
    public Object taskwait(Object data, double timeout, int dstWorkerId) {
        Tasks.Sender sender = taskSender();
        if (sender == null) {
            LastError.set(ErrorCode.TASK_DISPATCH_FAIL);
            return null;
        }
        return Tasks.taskwait(sender, data, timeout, dstWorkerId);
    }

    public Object taskwait(Object data, double timeout) {
        return taskwait(data, timeout, -1);
    }

    /** Sends every task at once and waits for all (at most {@code timeout} s); a result missing is null. */
    public List<Object> taskWaitMulti(List<?> data, double timeout) {
        Tasks.Sender sender = taskSender();
        if (sender == null) {
            LastError.set(ErrorCode.TASK_DISPATCH_FAIL);
            return java.util.Collections.nCopies(data.size(), null);
        }
        return Tasks.taskWaitMulti(sender, data, timeout);
    }

    /** {@link #taskWaitMulti}: the calling coroutine parks while the tasks run in parallel. */
    public List<Object> taskCo(List<?> data, double timeout) {
        return taskWaitMulti(data, timeout);
    }

    /** In the {@code task} callback: sends the task's result back ({@code finish}). A task finishes once. */
    public boolean finish(Object data) {
        return taskOps.finish(data);
    }

    /** Whether the caller runs in a task worker ({@code $server->taskworker}). */
    public boolean isTaskWorker() {
        return taskOps.isTaskWorker();
    }

    /**
     * Sends {@code message} to worker or task worker {@code dstWorkerId} (ids: workers from 0, then task workers),
     * where the {@code pipeMessage} event gets it. False when there is no such worker, it is the caller, or no
     * pipeMessage callback is set.
     */
    public boolean sendMessage(Object message, int dstWorkerId) {
        return taskOps.sendMessage(message, dstWorkerId);
    }

    Callbacks.OnPipeMessage pipeMessageCallback() {
        return onPipeMessage;
    }

    Callbacks.OnTask taskCallback() {
        return onTask;
    }

    Callbacks.OnTaskObject taskObjectCallback() {
        return onTaskObject;
    }

    /** In a worker JVM: a message from {@code sendMessage}; the {@code pipeMessage} event, in its scheduler. */
    void deliverPipeMessageLocal(Scheduler scheduler, int src, Object message) {
        if (onPipeMessage == null) {
            Log.warning("a pipe message from worker " + src + " arrived, but there is no pipeMessage callback");
            return;
        }
        scheduler.dispatch(() -> onPipeMessage.handle(this, src, message));
    }

    /** In a worker JVM: a task sent without a callback finished; the {@code finish} event, in its scheduler. */
    void deliverFinishLocal(Scheduler scheduler, int taskId, Object result) {
        if (onFinish == null) {
            Log.warning("task #" + taskId + " finished, but there is no finish callback (onFinish)");
            return;
        }
        scheduler.dispatch(() -> onFinish.handle(this, taskId, result));
    }

    /** A task sent without its own callback finished: the {@code finish} event, in the worker that sent it. */
    void deliverFinish(int srcWorker, int taskId, Object result) {
        if (onFinish == null) {
            Log.warning("task #" + taskId + " finished, but there is no finish callback (onFinish)");
            return;
        }
        List<Worker> all = localWorkers();
        Scheduler s = srcWorker >= 0 && srcWorker < all.size() ? all.get(srcWorker).scheduler : null;
        Runnable run = () -> onFinish.handle(this, taskId, result);
        if (s != null) {
            s.dispatch(run);
        } else {
            Scheduler.current().dispatch(run);
        }
    }

    /** {@code swoole_last_error()} of the calling thread or coroutine. */
    public int getLastError() {
        return LastError.get();
    }

    /** The id of the worker running the caller, or -1 outside the workers ({@code $server->worker_id}). */
    public int getWorkerId() {
        return workerOps.workerId();
    }

    /**
     * Keeps the calling worker busy, as with an event in flight, until the returned action runs (once): work an
     * event left behind, such as a request waiting for {@code worker_max_concurrency}. Shutdown, a planned restart
     * and dispatch modes 3 and 10 count it.
     */
    Runnable holdWorker() {
        return workerOps.hold();
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

    /** The event workers, then the task workers, of this JVM. */
    private List<Worker> localWorkers() {
        List<Worker> all = new ArrayList<>(List.of(workers));
        if (tasks != null) {
            all.addAll(List.of(tasks.workers));
        }
        return all;
    }

    Worker currentWorker() {
        Scheduler s = Scheduler.currentOrNull();
        if (s != null) {
            for (Worker w : localWorkers()) {
                if (w.scheduler == s) {
                    return w;
                }
            }
        }
        return null;
    }

    public int getMasterPid() {
        return workerOps.masterPid();
    }

    /** The manager is a role inside the master JVM, so its pid is the master's. */
    public int getManagerPid() {
        return getMasterPid();
    }

    public Mode mode() {
        return mode;
    }

    /** The main port's host. */
    public String host() {
        return ports.get(0).host;
    }

    /** The main port's number: after start, the real one even when 0 was asked for. */
    public int port() {
        return ports.get(0).port;
    }

    /**
     * Waits until the server serves (ports bound, {@code start} fired), for code that runs {@link #start()} on
     * another thread. False on timeout.
     */
    public boolean awaitStarted(long timeout, TimeUnit unit) throws InterruptedException {
        return ready.await(timeout, unit);
    }

    /** Waits until {@link #start()} has returned after a shutdown. False on timeout. */
    public boolean awaitStopped(long timeout, TimeUnit unit) throws InterruptedException {
        return stopped.await(timeout, unit);
    }

    /** Whether the server is serving (between start and the end of shutdown). */
    public boolean isRunning() {
        return started && stopped.getCount() > 0;
    }

    /** Swoole's {@code stats()}, with Swoole's keys; {@code worker_*} keys describe the calling worker. */
    public Map<String, Object> stats() {
        return workerOps.stats();
    }

    /** {@link #stats} of this JVM's server (BASE, THREAD, the PROCESS master). */
    Map<String, Object> localStats() {
        return localStats(currentWorker());
    }

    /** {@link #stats} with the {@code worker_*} figures of {@code me} (none: null). */
    Map<String, Object> localStats(Worker me) {
        Map<String, Object> m = new LinkedHashMap<>();
        int idle = 0, coroutines = 0, peak = 0, concurrency = 0;
        for (Worker w : workers) {
            idle += w.idle() ? 1 : 0;
            concurrency += w.concurrency.get();
        }
        if (me != null && me.scheduler != null) { // a worker JVM counts its own coroutines
            coroutines = me.scheduler.coroutineNum();
            peak = me.scheduler.coroutinePeak();
        }
        List<Integer> fds = table == null ? List.of() : table.list(0, Integer.MAX_VALUE);
        m.put("start_time", startTime);
        m.put("connection_num", table == null ? 0 : fds.size());
        m.put("abort_count", counters.abortCount.sum());
        m.put("accept_count", counters.acceptCount.sum());
        m.put("close_count", counters.closeCount.sum());
        m.put("worker_num", workers.length);
        m.put("task_worker_num", tasks == null ? 0 : tasks.workers.length);
        m.put("user_worker_num", 0);
        m.put("idle_worker_num", idle);
        m.put("dispatch_count", sum(workers, 0));
        m.put("request_count", counters.requestCount.sum());
        m.put("response_count", sum(workers, 1));
        m.put("total_recv_bytes", counters.totalRecvBytes.sum());
        m.put("total_send_bytes", counters.totalSendBytes.sum());
        m.put("pipe_packet_msg_id", 0L);
        m.put("concurrency", concurrency);
        m.put("session_round", table == null ? 0 : table.round());
        m.put("min_fd", fds.isEmpty() ? 0 : fds.get(0));
        m.put("max_fd", fds.isEmpty() ? 0 : fds.get(fds.size() - 1));
        m.put("worker_request_count", me == null ? 0 : me.requestCount.sum());
        m.put("worker_response_count", me == null ? 0 : me.responseCount.sum());
        m.put("worker_dispatch_count", me == null ? 0 : me.dispatchCount.sum());
        m.put("worker_concurrency", me == null ? 0 : me.concurrency.get());
        m.put("task_queue_num", tasks == null ? 0 : tasks.queued());
        m.put("task_queue_bytes", 0);
        m.put("task_idle_worker_num", tasks == null ? 0 : tasks.idle());
        m.put("tasking_num", tasks == null ? 0 : tasks.queued());
        m.put("coroutine_num", coroutines);
        m.put("coroutine_peek_num", peak);
        return m;
    }

    private static long sum(Worker[] ws, int which) {
        long s = 0;
        for (Worker w : ws) {
            s += which == 0 ? w.dispatchCount.sum() : w.responseCount.sum();
        }
        return s;
    }

    /** What callbacks do to connections in this JVM's role (see {@link ConnectionOps}). */
    ConnectionOps connectionOps() {
        return conns;
    }

    /** The reactor side of this JVM; null before start and in a worker JVM. */
    Intake intake() {
        return intake;
    }

    /** The settings of this start (null before it). */
    ServerConfig config() {
        return config;
    }
}
