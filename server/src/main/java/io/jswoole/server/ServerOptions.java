package io.jswoole.server;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A typed mirror of Swoole's setting keys, for those who prefer a builder to a map:
 * <pre>{@code
 * server.set(ServerOptions.create().workerNum(4).dispatchMode(2).maxConn(10_000));
 * }</pre>
 * Each method sets the key named in its Javadoc; values are validated by {@link Server#set} exactly as the map
 * form is.
 */
public final class ServerOptions {
    private final Map<String, Object> values = new LinkedHashMap<>();

    private ServerOptions() {
    }

    public static ServerOptions create() {
        return new ServerOptions();
    }

    private ServerOptions put(String key, Object value) {
        values.put(key, value);
        return this;
    }

    /** {@code reactor_num}: reactor threads in THREAD mode (0: the CPU count; default min(CPUs, 8)). */
    public ServerOptions reactorNum(int n) {
        return put("reactor_num", n);
    }

    /** {@code worker_num}: workers (0: the CPU count, the default). */
    public ServerOptions workerNum(int n) {
        return put("worker_num", n);
    }

    /** {@code max_conn}: the most connections at once; past it new ones are closed at accept. */
    public ServerOptions maxConn(int n) {
        return put("max_conn", n);
    }

    /** {@code backlog}: the listen() backlog of the main port (default 512). */
    public ServerOptions backlog(int n) {
        return put("backlog", n);
    }

    /** {@code enable_reuse_port}: SO_REUSEPORT; in BASE mode every worker binds its own socket. */
    public ServerOptions enableReusePort(boolean on) {
        return put("enable_reuse_port", on);
    }

    /** {@code open_tcp_nodelay}: TCP_NODELAY on accepted sockets (default true, as Swoole's source). */
    public ServerOptions openTcpNodelay(boolean on) {
        return put("open_tcp_nodelay", on);
    }

    /** {@code tcp_defer_accept}: accept only once data arrived, or after this many seconds (epoll only). */
    public ServerOptions tcpDeferAccept(int seconds) {
        return put("tcp_defer_accept", seconds);
    }

    /** {@code enable_coroutine}: run callbacks as coroutines (default true). */
    public ServerOptions enableCoroutine(boolean on) {
        return put("enable_coroutine", on);
    }

    /** {@code max_coroutine}: coroutines per worker (default 100000); past it events are refused. */
    public ServerOptions maxCoroutine(int n) {
        return put("max_coroutine", n);
    }

    /** {@code dispatch_mode}: 1 round robin, 2 fd modulo (default), 3 idle worker, 4 IP modulo, 5 uid modulo. */
    public ServerOptions dispatchMode(int mode) {
        return put("dispatch_mode", mode);
    }

    /** {@code dispatch_func}: a function choosing the worker, instead of {@code dispatch_mode}. */
    public ServerOptions dispatchFunc(DispatchFunction f) {
        return put("dispatch_func", f);
    }

    /** {@code enable_unsafe_event}: connect and close events in dispatch modes 1 and 3. */
    public ServerOptions enableUnsafeEvent(boolean on) {
        return put("enable_unsafe_event", on);
    }

    /** {@code discard_timeout_request}: drop data that reaches a worker after its connection closed. */
    public ServerOptions discardTimeoutRequest(boolean on) {
        return put("discard_timeout_request", on);
    }

    /** {@code start_session_id}: the fd before the first, as Swoole counts (default 0: the first fd is 1). */
    public ServerOptions startSessionId(int fd) {
        return put("start_session_id", fd);
    }

    /** {@code log_file}: the log file (default stderr). */
    public ServerOptions logFile(String path) {
        return put("log_file", path);
    }

    /** {@code log_level}: 0 DEBUG ... 5 ERROR, 6 NONE (default 2, INFO). */
    public ServerOptions logLevel(int level) {
        return put("log_level", level);
    }

    /** {@code log_rotation}: 0 single file, 1 monthly, 2 daily, 3 hourly, 4 every minute. */
    public ServerOptions logRotation(int rotation) {
        return put("log_rotation", rotation);
    }

    /** {@code pid_file}: the master's pid is written here at start and removed at shutdown. */
    public ServerOptions pidFile(String path) {
        return put("pid_file", path);
    }

    /** The settings as the map {@link Server#set(Map)} takes. */
    public Map<String, Object> toMap() {
        return new LinkedHashMap<>(values);
    }
}
