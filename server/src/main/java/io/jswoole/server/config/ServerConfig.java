package io.jswoole.server.config;

import io.jswoole.log.Log;
import io.jswoole.server.DispatchFunction;
import io.jswoole.server.Mode;
import io.jswoole.server.Port;
import io.jswoole.server.Server;
import io.jswoole.server.Settings;
import io.jswoole.server.dispatch.Dispatcher;
import io.jswoole.server.reactor.Connection;
import java.util.Map;

/**
 * The server-wide settings of one start, typed, with their defaults, and checked together before any resource
 * exists (the {@code HttpConfig} pattern). {@link Server#start} builds it from what {@link Server#set} stored; a
 * worker JVM of PROCESS mode builds the same record from the same settings, so both sides read one default.
 * <p>Port settings (framing, heartbeat idle time, watermarks...) belong to {@link Port}; HTTP settings to
 * {@code HttpConfig}.
 *
 * @param workerNum          {@code worker_num}; 0 or unset: one per CPU
 * @param reactorNum         {@code reactor_num} (THREAD, PROCESS); 0: one per CPU; unset: CPUs, at most 8
 * @param maxCoroutine       {@code max_coroutine} per worker
 * @param sendTimeoutNanos   {@code send_timeout} (with {@code send_yield}); 0: no limit
 * @param bufferOutputSize   {@code buffer_output_size}: the largest single send
 * @param maxRequestGrace    {@code max_request_grace}; unset: {@code max_request / 2} when {@code max_request} > 10
 * @param taskObject         {@code task_use_object}, implied by {@code task_enable_coroutine}
 */
public record ServerConfig(Mode mode, int workerNum, int reactorNum, int maxConn, boolean enableReusePort,
        boolean enableCoroutine, int maxCoroutine, int dispatchMode, DispatchFunction dispatchFunc,
        boolean enableUnsafeEvent, boolean discardTimeoutRequest, int startSessionId, String logFile, int logLevel,
        int logRotation, String pidFile, int heartbeatCheckInterval, boolean sendYield, long sendTimeoutNanos,
        long bufferOutputSize, boolean enableDelayReceive, int maxRequest, int maxRequestGrace, int maxWaitTime,
        boolean reloadAsync, int taskWorkerNum, int taskIpcMode, boolean taskEnableCoroutine, boolean taskObject,
        int taskMaxRequest, int taskMaxRequestGrace, String user, String group, String chroot, boolean daemonize,
        String adminServer, long maxMemory, long drainDelayNanos, String clusterRedis, String clusterNodeId,
        double clusterHeartbeatTtl) {

    /**
     * The record for {@code mode} from validated settings under canonical names (see {@link Settings}).
     *
     * @throws IllegalArgumentException naming the key, for a setting this mode cannot honour or a combination
     *                                  Swoole refuses
     */
    public static ServerConfig of(Mode mode, Map<String, Object> s) {
        int cpus = Runtime.getRuntime().availableProcessors();
        int workerNum = get(s, "worker_num", 0);
        int reactorNum = get(s, "reactor_num", Math.min(cpus, 8));
        int maxRequest = get(s, "max_request", 0);
        int taskMaxRequest = get(s, "task_max_request", 0);
        boolean taskCoroutine = get(s, "task_enable_coroutine", false);
        ServerConfig c = new ServerConfig(mode, workerNum == 0 ? cpus : workerNum, reactorNum == 0 ? cpus : reactorNum,
                get(s, "max_conn", Connection.MAX_FD - 1), get(s, "enable_reuse_port", false),
                get(s, "enable_coroutine", true), get(s, "max_coroutine", 100_000), get(s, "dispatch_mode", 2),
                (DispatchFunction) s.get("dispatch_func"), get(s, "enable_unsafe_event", false),
                get(s, "discard_timeout_request", false), get(s, "start_session_id", 0), (String) s.get("log_file"),
                get(s, "log_level", Log.INFO), get(s, "log_rotation", Log.ROTATION_SINGLE), (String) s.get("pid_file"),
                get(s, "heartbeat_check_interval", 0), get(s, "send_yield", false),
                (long) (get(s, "send_timeout", 0.0) * 1e9), get(s, "buffer_output_size", (long) Integer.MAX_VALUE),
                get(s, "enable_delay_receive", false), maxRequest,
                get(s, "max_request_grace", maxRequest > 10 ? maxRequest / 2 : 0), get(s, "max_wait_time", 3),
                get(s, "reload_async", true), get(s, "task_worker_num", 0), get(s, "task_ipc_mode", 1),
                taskCoroutine, taskCoroutine || get(s, "task_use_object", false), taskMaxRequest,
                get(s, "task_max_request_grace", taskMaxRequest > 10 ? taskMaxRequest / 2 : 0),
                (String) s.get("user"), (String) s.get("group"), (String) s.get("chroot"), get(s, "daemonize", false),
                (String) s.get("admin_server"), get(s, "max_memory", 0L),
                (long) (get(s, "drain_delay", 0.0) * 1e9), (String) s.get("cluster_redis"),
                (String) s.get("cluster_node_id"), get(s, "cluster_heartbeat_ttl", 5.0));
        c.check(s);
        return c;
    }

    /** The rules between keys and modes; every refusal names its key. */
    private void check(Map<String, Object> s) {
        if (clusterRedis != null && clusterNodeId == null) {
            throw new IllegalArgumentException("setting 'cluster_redis' needs 'cluster_node_id' (this node's name in "
                    + "the cluster, such as a)");
        }
        for (String key : new String[] {"cluster_node_id", "cluster_heartbeat_ttl"}) {
            if (clusterRedis == null && s.containsKey(key)) {
                throw new IllegalArgumentException("setting '" + key + "' needs 'cluster_redis' (the Redis the "
                        + "nodes share)");
            }
        }
        if (sendYield && mode == Mode.THREAD && dispatchMode != 2 && dispatchMode != 4) {
            throw new IllegalArgumentException("setting 'send_yield' needs dispatch_mode 2 or 4, as in Swoole");
        }
        if (sendYield && mode == Mode.PROCESS) {
            throw new IllegalArgumentException("setting 'send_yield' needs Mode.BASE or Mode.THREAD: a worker JVM's "
                    + "send goes to the master without waiting for the connection's output to drain");
        }
        if (mode != Mode.PROCESS) {
            for (String key : new String[] {"task_max_request", "task_max_request_grace"}) {
                if (s.containsKey(key)) {
                    throw new IllegalArgumentException("setting '" + key + "' recycles task worker JVMs: it needs "
                            + "Mode.PROCESS (the task workers of BASE and THREAD mode are threads of this JVM)");
                }
            }
            for (String key : new String[] {"max_request", "max_request_grace", "reload_async"}) {
                if (s.containsKey(key)) {
                    throw new IllegalArgumentException("setting '" + key + "' applies to worker JVMs that are "
                            + "replaced: it needs Mode.PROCESS (the workers of BASE and THREAD mode are threads of "
                            + "this JVM, which are never recycled or reloaded)");
                }
            }
            if (s.containsKey("max_memory")) {
                throw new IllegalArgumentException("setting 'max_memory' replaces a worker JVM whose memory grows past "
                        + "it: it needs Mode.PROCESS (the workers of BASE and THREAD mode are threads of this JVM, which "
                        + "share its heap and are never replaced)");
            }
            for (String key : new String[] {"user", "group", "chroot"}) {
                if (s.containsKey(key)) {
                    throw new IllegalArgumentException("setting '" + key + "' applies to worker JVMs: it needs "
                            + "Mode.PROCESS (the workers of BASE and THREAD mode are threads of this JVM)");
                }
            }
        }
    }

    /** Whether connect and close events reach the workers (not in dispatch modes 1 and 3 without unsafe events). */
    public boolean deliversConnectClose() {
        return Dispatcher.deliversConnectClose(dispatchMode, enableUnsafeEvent);
    }

    /** Whether the worker JVMs change their root, user or group. */
    public boolean isolated() {
        return user != null || group != null || chroot != null;
    }

    @SuppressWarnings("unchecked")
    private static <T> T get(Map<String, Object> s, String key, T fallback) {
        Object v = s.get(key);
        return v == null ? fallback : (T) v;
    }
}
