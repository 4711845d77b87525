package io.jswoole.server;

import io.jswoole.ErrorCode;
import io.jswoole.LastError;
import io.jswoole.SwooleException;
import io.jswoole.coroutine.Scheduler;
import io.jswoole.log.Log;
import io.jswoole.server.config.ServerConfig;
import io.jswoole.server.mode.ConnectionOps;
import io.jswoole.server.mode.ModeRuntime;
import io.jswoole.server.mode.ServerAccess;
import io.jswoole.server.os.Signals;
import io.jswoole.server.process.ProcessWorker;
import io.jswoole.server.process.WorkerEntry;
import io.jswoole.server.reactor.ServerCounters;
import io.jswoole.server.spi.ClusterSupport;
import io.jswoole.server.spi.ProtocolSupport;
import io.jswoole.server.spi.ServerProcess;
import io.jswoole.server.task.Tasks;
import io.jswoole.server.worker.EventRunner;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

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
public non-sealed class Server implements ClusterConnections {
    static {
        ProtocolSupport.install(new ProtocolBridge());
        ServerAccess.install(new EngineBridge());
    }

    final Mode mode;
    private final List<Port> ports = new ArrayList<>();
    /** What {@link #ports()} returns: read on every event, so made once. */
    private final List<Port> portsView = Collections.unmodifiableList(ports);
    private final Map<String, Object> settings = new LinkedHashMap<>();

    /** The callbacks of the server and its workers, and how the engine calls them. */
    final Handlers handlers = new Handlers(this);
    /** The most tasks waiting or running at once (tests lower it to reach the limit quickly). */
    int taskQueueLimit = Tasks.MAX_QUEUED;
    /** The user processes of {@link #addProcess}, in id order. */
    final List<ServerProcess> processes = new ArrayList<>();
    /** PROCESS mode: the worker JVMs' entry point, when the command line cannot be re-run. */
    WorkerEntry entry = WorkerEntry.COMMAND_LINE;

    private final Lifecycle life = new Lifecycle();
    /** The settings of this start, typed and checked; null before it. */
    ServerConfig config;
    final EventRunner events = new EventRunner(this);
    /** What this server is in this JVM, chosen once, at start: every connection, task and worker call goes to it. */
    volatile ModeRuntime runtime = ModeRuntime.NOT_STARTED;

    private final ServerCounters counters = new ServerCounters();

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
        this(host, port, mode, sockType, 0);
    }

    /**
     * @param flags {@link SockType#SSL} for TLS ({@code SWOOLE_SOCK_TCP | SWOOLE_SSL}), or 0
     * @throws IllegalArgumentException for a flag other than SSL, or SSL on a datagram socket
     */
    public Server(String host, int port, Mode mode, SockType sockType, int flags) {
        this.mode = Objects.requireNonNull(mode);
        ports.add(Port.of(this, ports.size(), host, port, sockType, flags));
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
        ports.get(0).apply(Settings.ofScope(v, Settings.Scope.PORT));
        settings.putAll(Settings.ofScope(v, Settings.Scope.SERVER));
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
     * For servers that speak a protocol (HTTP...): takes out of {@code values} the port keys this server handles
     * itself ({@code open_http_protocol}...) and applies them to {@code port}; the rest is validated as port
     * settings. This class handles none.
     */
    protected Map<String, ?> portSettings(Port port, Map<String, ?> values) {
        return values;
    }

    /**
     * Adds a listening port with its own settings and callbacks ({@code addListener}).
     *
     * @throws IllegalStateException after {@link #start()}
     */
    public Port addListener(String host, int port, SockType type) {
        return addListener(host, port, type, 0);
    }

    /**
     * A listening port with socket flags: {@link SockType#SSL} for TLS ({@code SWOOLE_SOCK_TCP | SWOOLE_SSL}).
     *
     * @throws IllegalArgumentException for a flag other than SSL, or SSL on a datagram socket
     * @throws IllegalStateException    after {@link #start()}
     */
    public Port addListener(String host, int port, SockType type, int flags) {
        checkNotStarted("addListener");
        Port p = Port.of(this, ports.size(), host, port, type, flags);
        ports.add(p);
        return p;
    }

    /** Alias of {@link #addListener}. */
    public Port listen(String host, int port, SockType type) {
        return addListener(host, port, type);
    }

    /** Alias of {@link #addListener(String, int, SockType, int)}. */
    public Port listen(String host, int port, SockType type, int flags) {
        return addListener(host, port, type, flags);
    }

    /** Every port, the main one first. */
    public List<Port> ports() {
        return portsView;
    }

    public Server onStart(Callbacks.OnServer cb) {
        handlers.onStart = cb;
        return this;
    }

    public Server onBeforeShutdown(Callbacks.OnServer cb) {
        handlers.onBeforeShutdown = cb;
        return this;
    }

    public Server onShutdown(Callbacks.OnServer cb) {
        handlers.onShutdown = cb;
        return this;
    }

    public Server onManagerStart(Callbacks.OnServer cb) {
        handlers.onManagerStart = cb;
        return this;
    }

    public Server onManagerStop(Callbacks.OnServer cb) {
        handlers.onManagerStop = cb;
        return this;
    }

    public Server onWorkerStart(Callbacks.OnWorker cb) {
        handlers.onWorkerStart = cb;
        return this;
    }

    public Server onWorkerStop(Callbacks.OnWorker cb) {
        handlers.onWorkerStop = cb;
        return this;
    }

    /**
     * {@code workerError} (PROCESS mode, in the master): a worker JVM exited abnormally, with its exit code and the
     * signal that killed it (9 for {@code kill -9}); a new worker is started.
     */
    public Server onWorkerError(Callbacks.OnWorkerError cb) {
        handlers.onWorkerError = cb;
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
        entry = new WorkerEntry(mainClass.getName(), List.of(args), mainClass.getClassLoader());
        return this;
    }

    /**
     * {@code addProcess}: a user process in a JVM of its own, started and supervised with the server in every mode
     * ({@link ServerProcess}). Returns its index; its worker id is {@code worker_num + task_worker_num + index}.
     */
    public int addProcess(io.jswoole.process.Process process) {
        checkNotStarted("addProcess");
        processes.add(Objects.requireNonNull(process, "process"));
        int index = processes.size() - 1;
        process.added(index, data -> runtime.writeToProcess(index, data), ProcessWorker.inUserProcess());
        return index;
    }

    /** {@code task}: runs in a task worker; a non-null return value finishes the task. */
    public Server onTask(Callbacks.OnTask cb) {
        handlers.onTask = cb;
        return this;
    }

    /** {@code task} with {@code task_enable_coroutine} or {@code task_use_object}: gets a {@link Task}. */
    public Server onTask(Callbacks.OnTaskObject cb) {
        handlers.onTaskObject = cb;
        return this;
    }

    /** {@code finish}: a task sent without its own callback finished; runs in the worker that sent it. */
    public Server onFinish(Callbacks.OnFinish cb) {
        handlers.onFinish = cb;
        return this;
    }

    /** {@code pipeMessage}: a message from {@link #sendMessage}. */
    public Server onPipeMessage(Callbacks.OnPipeMessage cb) {
        handlers.onPipeMessage = cb;
        return this;
    }

    public Server onWorkerExit(Callbacks.OnWorker cb) {
        handlers.onWorkerExit = cb;
        return this;
    }

    public Server onConnect(Callbacks.OnConnection cb) {
        handlers.onConnect = cb;
        return this;
    }

    public Server onReceive(Callbacks.OnReceive cb) {
        handlers.onReceive = cb;
        return this;
    }

    public Server onClose(Callbacks.OnConnection cb) {
        handlers.onClose = cb;
        return this;
    }

    public Server onBufferFull(Callbacks.OnBuffer cb) {
        handlers.onBufferFull = cb;
        return this;
    }

    public Server onBufferEmpty(Callbacks.OnBuffer cb) {
        handlers.onBufferEmpty = cb;
        return this;
    }

    public Server onPacket(Callbacks.OnPacket cb) {
        handlers.onPacket = cb;
        return this;
    }

    /**
     * Swoole's {@code on(event, callback)}: the event name without "on", any case ({@code "receive"},
     * {@code "WorkerStart"}); the callback must have the event's shape (see {@link Callbacks}).
     */
    public Server on(String event, Object callback) {
        Handlers.on(this, event, callback);
        return this;
    }

    void checkNotStarted(String what) {
        life.checkNotStarted(what);
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
        life.start();
        ServerConfig cfg;
        try {
            cfg = ServerConfig.of(mode, settings);
            handlers.validate(cfg);
            Port.checkReady(ports, mode);
            ClusterSupport.start(this, new ClusterSupport.Config(cfg.clusterRedis(), cfg.clusterNodeId(),
                    cfg.clusterHeartbeatTtl()), !ProtocolSupport.workerJvm(this)); // with cluster_redis only
        } catch (RuntimeException e) {
            life.stopped();
            throw e;
        }
        config = cfg;
        Logging.configure(cfg.logFile() == null ? null : Path.of(cfg.logFile()), cfg.logLevel(), cfg.logRotation());
        io.jswoole.memory.SharedMemory.seal(); // tables exist before start(), as in Swoole: workers attach to them
        try {
            runtime = ModeRuntime.of(this, cfg, ports, counters, events, life.stopping, taskQueueLimit);
            runtime.serve();
        } catch (RuntimeException e) {
            runtime = ModeRuntime.NOT_STARTED;
            ClusterSupport.stop(this);
            life.stopped();
            throw e;
        }
        life.serving();
        life.awaitStopped();
        return true;
    }

    /**
     * Stops the server gracefully, from any thread or callback: {@code beforeShutdown}, listeners closed,
     * connections drained (nothing new is read; the events workers hold finish, at most {@code max_wait_time}
     * seconds, and their answers go out: HTTP with {@code Connection: close}, WebSocket with a 1001 close), then
     * closed after their output ({@code close} fires), {@code workerExit} while coroutines still run (bounded by 3 s),
     * {@code workerStop}, {@code managerStop}, {@code shutdown}; then {@link #start()} returns.
     */
    public boolean shutdown() {
        return runtime.workers().shutdown();
    }

    /** {@link #shutdown} in this JVM: false when the server is not running or already stopping. */
    boolean stopInBackground() {
        if (!life.beginStop()) {
            return false;
        }
        Thread.ofPlatform().name("jswoole-shutdown").start(this::stopAll);
        return true;
    }

    private void stopAll() {
        try {
            runtime.stop();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            ClusterSupport.stop(this);
            Log.info("server stopped");
            if (Signals.unregister(this)) {
                io.jswoole.memory.SharedMemory.unseal();
            }
            life.stopped();
        }
    }

    /**
     * Restarts the workers one at a time, gracefully ({@code reload}; also SIGUSR1). PROCESS mode only: the new
     * worker JVMs load the application's classes afresh, so changed code takes effect; the listening sockets stay
     * open and no connection is closed. Returns at once; the reload runs in the background.
     */
    public boolean reload() {
        return runtime.workers().reload();
    }

    /** Stops worker {@code workerId} gracefully; the manager starts a new one (PROCESS mode). */
    public boolean stop(int workerId) {
        return runtime.workers().stop(workerId);
    }

    /** The pid of worker {@code workerId} (this JVM's pid for BASE and THREAD workers). */
    public int getWorkerPid(int workerId) {
        return runtime.workers().pid(workerId);
    }

    /** Worker status as Swoole reports it: {@code SWOOLE_WORKER_BUSY}, {@code IDLE} or {@code EXIT}. */
    public static final int WORKER_BUSY = 1, WORKER_IDLE = 2, WORKER_EXIT = 3;

    /**
     * {@link #WORKER_BUSY} when worker {@code workerId} has events in flight, {@link #WORKER_IDLE} when it has none,
     * {@link #WORKER_EXIT} when it is stopping (from its {@code workerExit} on) or its JVM is being replaced
     * (PROCESS mode); -1 for no such worker.
     */
    public int getWorkerStatus(int workerId) {
        int status = runtime.workers().status(workerId);
        return status > 0 && handlers.exiting(workerId) ? WORKER_EXIT : status;
    }

    /** The pid of the worker running the caller ({@code $server->worker_pid}). */
    public int getWorkerPid() {
        return (int) ProcessHandle.current().pid();
    }

    // ------------------------------------------------------------------ methods for callbacks

    /**
     * Sends {@code data} to connection {@code fd}, from any thread or worker. A send is atomic: its bytes are never
     * interleaved with another send's. Returns false (and sets {@link LastError}) when the connection does not
     * exist or is closed.
     */
    public boolean send(int fd, byte[] data) {
        return runtime.connections().send(fd, data);
    }

    /** {@link #send(int, byte[])} of a string's UTF-8 bytes. */
    public boolean send(int fd, String data) {
        return send(fd, data.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * {@code sendwait}: sends, then waits until the bytes are written to the socket, the connection closes, or
     * {@code send_timeout} passes. As in Swoole, only from an event worker of BASE mode; elsewhere (and for an
     * empty {@code data}) a warning and false. Swoole blocks the worker; here only the calling coroutine waits.
     */
    public boolean sendwait(int fd, byte[] data) {
        return runtime.connections().sendwait(fd, data);
    }

    /**
     * A datagram to {@code ip:port} (a path and 0: Unix) from the port whose {@link Port#sock()} is
     * {@code serverSocket} (-1: the first of the family).
     */
    public boolean sendto(String ip, int port, byte[] data, int serverSocket) {
        return runtime.connections().sendto(ip, port, data, serverSocket);
    }

    public boolean sendto(String ip, int port, byte[] data) {
        return sendto(ip, port, data, -1);
    }

    public boolean sendto(String ip, int port, String data) {
        return sendto(ip, port, data.getBytes(StandardCharsets.UTF_8), -1);
    }

    /**
     * Closes connection {@code fd} after what was sent to it (a peer that reads nothing for 60 s is then reset);
     * {@code reset}: an RST now, dropping what is queued. The {@code close} callback gets a negative reactorId. False
     * when the fd does not exist ({@link ErrorCode#SESSION_NOT_EXIST}) or is closed ({@link ErrorCode#SESSION_CLOSED}).
     */
    public boolean close(int fd, boolean reset) {
        return runtime.connections().close(fd, reset);
    }

    public boolean close(int fd) {
        return close(fd, false);
    }

    /** Exempts connection {@code fd} from the heartbeat ({@code protect}); false when it does not exist. */
    public boolean protect(int fd, boolean protect) {
        return runtime.connections().control(fd,
                protect ? ConnectionOps.Control.PROTECT : ConnectionOps.Control.UNPROTECT);
    }

    public boolean protect(int fd) {
        return protect(fd, true);
    }

    /** A manual idle scan ({@code heartbeat}): the fds idle past their port's limits, closed when {@code closeConn}. */
    public List<Integer> heartbeat(boolean closeConn) {
        return runtime.connections().heartbeat(closeConn);
    }

    /** Stops reading from connection {@code fd} until {@link #resume}; false when it does not exist. */
    public boolean pause(int fd) {
        return runtime.connections().control(fd, ConnectionOps.Control.PAUSE);
    }

    /** Reads from connection {@code fd} again after {@link #pause} or {@code enable_delay_receive}. */
    public boolean resume(int fd) {
        return runtime.connections().control(fd, ConnectionOps.Control.RESUME);
    }

    /** With {@code enable_delay_receive}: starts reading a new connection (alias of {@link #resume}). */
    public boolean confirm(int fd) {
        return resume(fd);
    }

    /** Whether connection {@code fd} is open ({@code exist} in Swoole 4). */
    public boolean exists(int fd) {
        return runtime.connections().exists(fd);
    }

    /** Alias of {@link #exists}. */
    public boolean exist(int fd) {
        return exists(fd);
    }

    /** What the server knows about connection {@code fd}; empty when there is none. */
    public Optional<ClientInfo> getClientInfo(int fd) {
        return runtime.connections().info(fd);
    }

    /** Alias of {@link #getClientInfo}. */
    public Optional<ClientInfo> connection_info(int fd) {
        return getClientInfo(fd);
    }

    /** Up to {@code count} (at most 100) open fds greater than {@code startFd}, ascending. */
    public List<Integer> getClientList(int startFd, int count) {
        return runtime.connections().list(startFd, count);
    }

    /** The fds of the connections ({@code $server->connections}): a live, read-only view. */
    public Set<Integer> connections() {
        return runtime.connections().fds();
    }

    /**
     * Attaches {@code uid} to connection {@code fd}, for {@code dispatch_mode} 5. A connection can be bound
     * once; false when it is already bound or does not exist.
     */
    public boolean bind(int fd, long uid) {
        return runtime.connections().bind(fd, uid) && ClusterSupport.bound(this, fd, uid);
    }

    // ------------------------------------------------------------------ task workers and pipe messages

    /**
     * Sends {@code data} to a task worker ({@code dstWorkerId}: a task worker index, -1 for any) and returns the
     * task id; its result comes to {@code callback}, or to the {@code finish} event when it is null. -1 (with
     * {@link LastError} 2002) when there are no task workers or the task queue is full; this never blocks.
     */
    public int task(Object data, int dstWorkerId, Callbacks.OnFinish callback) {
        return runtime.tasks().task(this, data, dstWorkerId, callback);
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
        return runtime.tasks().taskwait(data, timeout, dstWorkerId);
    }

    public Object taskwait(Object data, double timeout) {
        return taskwait(data, timeout, -1);
    }

    /** Sends every task at once and waits for all (at most {@code timeout} s); a result missing is null. */
    public List<Object> taskWaitMulti(List<?> data, double timeout) {
        return runtime.tasks().taskWaitMulti(data, timeout);
    }

    /** {@link #taskWaitMulti}: the calling coroutine parks while the tasks run in parallel. */
    public List<Object> taskCo(List<?> data, double timeout) {
        return taskWaitMulti(data, timeout);
    }

    /** In the {@code task} callback: sends the task's result back ({@code finish}). A task finishes once. */
    public boolean finish(Object data) {
        return runtime.tasks().finish(data);
    }

    /** Whether the caller runs in a task worker ({@code $server->taskworker}). */
    public boolean isTaskWorker() {
        return runtime.tasks().isTaskWorker();
    }

    /**
     * Sends {@code message} to worker or task worker {@code dstWorkerId} (ids: workers from 0, then task workers),
     * where the {@code pipeMessage} event gets it. False when there is no such worker, it is the caller, or no
     * pipeMessage callback is set.
     */
    public boolean sendMessage(Object message, int dstWorkerId) {
        return runtime.tasks().sendMessage(message, dstWorkerId);
    }

    /** {@code swoole_last_error()} of the calling thread or coroutine. */
    public int getLastError() {
        return LastError.get();
    }

    /** The id of the worker running the caller, or -1 outside the workers ({@code $server->worker_id}). */
    public int getWorkerId() {
        return runtime.workers().workerId();
    }

    /**
     * Keeps the calling worker busy, as with an event in flight, until the returned action runs (once): work an
     * event left behind, such as a request waiting for {@code worker_max_concurrency}. Shutdown, a planned restart
     * and dispatch modes 3 and 10 count it.
     */
    Runnable holdWorker() {
        return runtime.workers().hold();
    }

    public int getMasterPid() {
        return runtime.workers().masterPid();
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

    /** Waits until the server serves (ports bound, {@code start} fired); false on timeout. */
    public boolean awaitStarted(long timeout, TimeUnit unit) throws InterruptedException {
        return life.awaitServing(timeout, unit);
    }

    /** Waits until {@link #start()} has returned after a shutdown. False on timeout. */
    public boolean awaitStopped(long timeout, TimeUnit unit) throws InterruptedException {
        return life.awaitStopped(timeout, unit);
    }

    /** Whether the server is serving (between start and the end of shutdown). */
    public boolean isRunning() {
        return life.running();
    }

    /** Swoole's {@code stats()}, with Swoole's keys; {@code worker_*} keys describe the calling worker. */
    public Map<String, Object> stats() {
        return runtime.workers().stats();
    }

    /** Where the admin listener ({@code admin_server}) listens while serving; empty without it or in a worker JVM. */
    public Optional<java.net.InetSocketAddress> adminAddress() {
        return runtime.adminAddress();
    }

    /**
     * What the admin listener reads of this server, for a registry of the application's own (jswoole-metrics's
     * {@code ServerMetrics.register}); empty before {@link #start()} and in a worker JVM.
     */
    public Optional<io.jswoole.server.spi.ServerProbe> probe() {
        return runtime.probe();
    }
}
