package io.jswoole.cluster;

import io.jswoole.ErrorCode;
import io.jswoole.LastError;
import io.jswoole.log.Log;
import io.jswoole.server.Server;
import io.jswoole.server.spi.ClusterSupport;
import io.lettuce.core.RedisBusyException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.XGroupCreateArgs;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.api.sync.RedisCommands;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A durable task queue shared by every node: Swoole's {@code task()}/{@code taskwait()}/{@code onTask} when the
 * task may run on any host. Tasks are entries of a Redis stream read through a consumer group, so they outlive the
 * nodes (all of them may restart; the tasks are still there) and are delivered at least once: a consumer that dies
 * or hangs mid-task stops renewing its claim, and after {@link #visibility} another consumer takes the task
 * ({@code XAUTOCLAIM}); a task whose handler throws is retried with a doubling back-off ({@link #backoff}), and after
 * {@link #maxAttempts} attempts it goes to the dead-letter stream ({@link #deadLetterKey()}). A task given an
 * idempotency key is enqueued once per key and, once done, never run again (for {@link #keyTtl}).
 * <pre>{@code
 * var tasks = ClusterTasks.of(server, "mail");            // any node, any worker
 * tasks.onTask(t -> send(t.data()));                      // where tasks run: e.g. in onWorkerStart of a task worker
 * tasks.start("task" + workerId, 4);                      // a consumer that runs 4 tasks at once
 * tasks.task("{\"to\":\"bob\"}");                         // fire and forget; taskwait(data, timeout) waits
 * }</pre>
 * Swoole's {@code Server::task()} goes to this host's task workers and is lost with them; this queue is the
 * {@code message_queue_key} idea across hosts. Data and results are strings (serialize objects yourself).
 */
public final class ClusterTasks {
    static final String GROUP = "jswoole";
    /** Dead letters kept ({@code XADD MAXLEN ~}). */
    static final int DEAD_MAX = 10_000;
    /** How long the outcome of a waited-for task is kept for its waiter (read if the reply was missed). */
    static final long RESULT_SECONDS = 60;
    private static final Scripts ENQUEUE = new Scripts("""
            if tonumber(redis.call('XLEN', KEYS[1])) >= tonumber(ARGV[2]) then return '!full' end
            if KEYS[2] ~= '' then
              local had = redis.call('GET', KEYS[2])
              if had then return '=' .. had end
              redis.call('SET', KEYS[2], '', 'EX', ARGV[1])
            end
            return redis.call('XADD', KEYS[1], '*', unpack(ARGV, 3))
            """);

    /** One task as its handler sees it. */
    public record Task(String id, String data, String key, int attempt) {
    }

    /** What runs a task: the answer goes back to a {@link #taskwait} caller; a throw means retry. */
    @FunctionalInterface
    public interface Handler {
        String run(Task task) throws Exception;
    }

    final Server server;
    final String queue;
    final String prefix;
    private volatile int maxAttempts = 5;
    private volatile Duration visibility = Duration.ofSeconds(5);
    private volatile Duration backoff = Duration.ofSeconds(1);
    private volatile Duration keyTtl = Duration.ofDays(1);
    private volatile int maxQueued = 1_000_000;
    private volatile Handler handler;
    private final List<TaskConsumer> consumers = new ArrayList<>();
    private volatile boolean grouped;

    private ClusterTasks(Server server, String queue) {
        if (queue == null || !queue.matches("[A-Za-z0-9_.-]{1,64}")) {
            throw new IllegalArgumentException("a cluster task queue name has 1-64 letters, digits, '_', '.', '-',"
                    + " got " + queue);
        }
        this.server = server;
        this.queue = queue;
        this.prefix = Registry.PREFIX + "tasks:{" + queue + "}";
    }

    /** The queue {@code name} of {@code server}'s cluster (every node that names it shares it). */
    public static ClusterTasks of(Server server, String name) {
        return new ClusterTasks(server, name);
    }

    /** Attempts before a task goes to the dead-letter stream (1-100; 5). */
    public ClusterTasks maxAttempts(int n) {
        if (n < 1 || n > 100) {
            throw new IllegalArgumentException("maxAttempts must be 1..100, got " + n);
        }
        maxAttempts = n;
        return this;
    }

    /**
     * How long a task may go without its consumer renewing the claim (every third of it, while the task runs)
     * before another consumer takes it (100 ms - 1 h; 5 s).
     */
    public ClusterTasks visibility(Duration d) {
        visibility = range("visibility", d, Duration.ofMillis(100), Duration.ofHours(1));
        return this;
    }

    /** The wait before the second attempt of a failed task, doubled for each later one, at most 64x (1 s). */
    public ClusterTasks backoff(Duration d) {
        backoff = range("backoff", d, Duration.ZERO, Duration.ofHours(1));
        return this;
    }

    /** How long an idempotency key is remembered (1 s - 30 days; 1 day). */
    public ClusterTasks keyTtl(Duration d) {
        keyTtl = range("keyTtl", d, Duration.ofSeconds(1), Duration.ofDays(30));
        return this;
    }

    /** Tasks the queue holds at most (queued plus running); {@link #task} answers null beyond (1,000,000). */
    public ClusterTasks maxQueued(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("maxQueued must be at least 1, got " + n);
        }
        maxQueued = n;
        return this;
    }

    /** The handler this JVM's consumers run ({@code onTask}). */
    public ClusterTasks onTask(Handler h) {
        handler = h;
        return this;
    }

    /**
     * Starts a consumer in this JVM that runs up to {@code concurrency} tasks at once on virtual threads.
     * {@code name} must be unique in the cluster and stable across restarts (for example {@code "task" + workerId}):
     * with this node's id it names the consumer in the group, so a restarted node does not leave old names behind.
     */
    public synchronized ClusterTasks start(String name, int concurrency) {
        if (handler == null) {
            throw new IllegalStateException("set onTask(handler) before start()");
        }
        if (concurrency < 1 || concurrency > 1024) {
            throw new IllegalArgumentException("concurrency must be 1..1024, got " + concurrency);
        }
        TaskConsumer c = new TaskConsumer(this, node().nodeId + "/" + name, concurrency);
        consumers.add(c);
        c.start();
        return this;
    }

    /** Stops this JVM's consumers; their running tasks finish, or are retried elsewhere when they do not. */
    public synchronized void stop() {
        consumers.forEach(TaskConsumer::stop);
        consumers.clear();
    }

    /**
     * Enqueues a task: its id, or null when the queue is full ({@link LastError} 2002) or Redis is away (1005, at
     * once, or within 2 s when Redis is cut off; a call in flight when the connection dropped may have enqueued it:
     * give such a task an idempotency key and retry). A task with
     * an {@code idempotencyKey} (null for none) already enqueued answers {@code "="} and is not enqueued again.
     */
    public String task(String data, String idempotencyKey) {
        String id = enqueue(data, idempotencyKey, "", 0);
        return id != null && id.startsWith("=") ? "=" : id;
    }

    /** {@link #task(String, String)} without a key. */
    public String task(String data) {
        return task(data, null);
    }

    /**
     * Enqueues a task and waits for its result from whatever node runs it: null after {@code timeout}
     * ({@link LastError} {@link ErrorCode#TASK_TIMEOUT}), or when it ended in the dead-letter stream, or at once when
     * it cannot be enqueued (Redis away, 1005). Redis going away while it waits is waited out until the timeout (the
     * outcome is kept a minute for it). A key that was
     * done already answers its stored result at once; one still queued waits for that task.
     */
    public String taskwait(String data, String idempotencyKey, Duration timeout) {
        RedisNode node = node();
        CompletableFuture<byte[]> answer = new CompletableFuture<>();
        long wait = node.expect(answer);
        long end = System.nanoTime() + timeout.toNanos();
        try {
            String id = enqueue(data, idempotencyKey, node.replyChannel(), wait);
            if (id == null) {
                return null;
            }
            if (id.startsWith("=")) {
                return awaitKey(idempotencyKey, id.substring(1), end);
            }
            try {
                while (true) { // the reply, or every half second the kept outcome (a reply missed while unsubscribed)
                    long left = end - System.nanoTime();
                    try {
                        return result(answer.get(Math.max(0, Math.min(left, 500_000_000L)), TimeUnit.NANOSECONDS));
                    } catch (TimeoutException e) {
                        String kept = kept(node, wait); // null also while Redis is away: wait on till the timeout
                        if (kept != null) {
                            return result(kept.getBytes(StandardCharsets.UTF_8));
                        }
                        if (left <= 500_000_000L) {
                            return awaitKey(idempotencyKey, null, end);
                        }
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            } catch (java.util.concurrent.ExecutionException e) {
                return null;
            }
        } finally {
            node.unexpect(wait);
        }
    }

    /** The outcome kept for a waiter, or null (none yet, or Redis away: logged once by the node). */
    private String kept(RedisNode node, long wait) {
        try {
            RedisCommands<String, String> r = redis();
            String v = r == null ? null : r.get(resultKey(node.replyChannel(), Long.toString(wait)));
            node.redisUp();
            return v;
        } catch (RuntimeException e) {
            if (e instanceof IllegalStateException) {
                throw e;
            }
            node.redisDown(e);
            return null;
        }
    }

    /** {@link #taskwait(String, String, Duration)} without a key. */
    public String taskwait(String data, Duration timeout) {
        return taskwait(data, null, timeout);
    }

    /** The stream of the tasks. */
    public String streamKey() {
        return prefix;
    }

    /** The dead-letter stream: one entry per task that failed {@link #maxAttempts} times (fields id, data, key,
     * attempts, error). */
    public String deadLetterKey() {
        return prefix + ":dead";
    }

    int maxAttempts() {
        return maxAttempts;
    }

    Duration visibility() {
        return visibility;
    }

    /** The wait before attempt {@code n + 1} after {@code n} failed attempts. */
    long backoffMillis(int n) {
        return backoff.toMillis() << Math.min(6, Math.max(0, n - 1));
    }

    long keyTtlSeconds() {
        return keyTtl.toSeconds();
    }

    Handler handler() {
        return handler;
    }

    String resultKey(String replyChannel, String wait) {
        return prefix + ":result:" + replyChannel.substring(Registry.PREFIX.length()) + ":" + wait;
    }

    String keyKey(String key) {
        return prefix + ":key:" + key;
    }

    RedisNode node() {
        return (RedisNode) ClusterSupport.node(server).orElseThrow(() -> new IllegalStateException(
                "the server is not in a cluster: set cluster_redis and cluster_node_id, then start it"));
    }

    /** The command connection with the group created; null (LastError 1005) while Redis is away. */
    RedisCommands<String, String> redis() {
        var c = node().commands();
        if (c == null) {
            LastError.set(ErrorCode.SESSION_NOT_EXIST);
            return null;
        }
        RedisCommands<String, String> r = c.sync();
        if (!grouped) {
            try {
                r.xgroupCreate(XReadArgs.StreamOffset.from(prefix, "0"), GROUP, XGroupCreateArgs.Builder.mkstream());
            } catch (RedisBusyException e) {
                // BUSYGROUP: another node made it
            }
            grouped = true;
        }
        return r;
    }

    /** The consumer group is gone (Redis restarted empty): create it at the next call. */
    void regroup() {
        grouped = false;
    }

    private String enqueue(String data, String key, String replyTo, long wait) {
        if (data == null) {
            throw new IllegalArgumentException("task data must not be null");
        }
        if (key != null && (key.isEmpty() || key.length() > 200)) {
            throw new IllegalArgumentException("an idempotency key has 1-200 characters, got " + key.length());
        }
        try {
            RedisCommands<String, String> r = redis();
            if (r == null) {
                return null;
            }
            List<String> args = new ArrayList<>(List.of(Long.toString(keyTtlSeconds()), Integer.toString(maxQueued),
                    "data", data, "origin", node().nodeId));
            if (key != null) {
                args.addAll(List.of("key", key));
            }
            if (!replyTo.isEmpty()) {
                args.addAll(List.of("reply", replyTo, "wait", Long.toString(wait)));
            }
            String id = ENQUEUE.run(r, ScriptOutputType.VALUE, new String[] {prefix, key == null ? "" : keyKey(key)},
                    args.toArray(String[]::new));
            node().redisUp();
            if ("!full".equals(id)) {
                Log.warning("cluster task queue '" + queue + "' is full (" + maxQueued + " tasks): task refused");
                LastError.set(ErrorCode.TASK_DISPATCH_FAIL);
                return null;
            }
            return id;
        } catch (RuntimeException e) {
            if (e instanceof IllegalArgumentException || e instanceof IllegalStateException) {
                throw e;
            }
            node().redisDown(e); // one line per outage, however many calls fail
            LastError.set(ErrorCode.SESSION_NOT_EXIST);
            return null;
        }
    }

    /** Polls the key's stored result ("" while queued, "=" + result once done) until {@code end}. */
    private String awaitKey(String key, String had, long end) {
        if (key == null) {
            LastError.set(ErrorCode.TASK_TIMEOUT);
            return null;
        }
        String v = had;
        while (true) {
            if (v != null && v.startsWith("=")) {
                return v.substring(1);
            }
            if (System.nanoTime() >= end) {
                LastError.set(ErrorCode.TASK_TIMEOUT);
                return null;
            }
            try {
                Thread.sleep(20);
                RedisCommands<String, String> r = redis();
                v = r == null ? null : r.get(keyKey(key));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            } catch (RuntimeException e) {
                v = null;
            }
        }
    }

    private static String result(byte[] a) {
        if (a.length > 0 && a[0] == '+') {
            return new String(a, 1, a.length - 1, StandardCharsets.UTF_8);
        }
        LastError.set(ErrorCode.TASK_TIMEOUT);
        return null; // '-': the task ended in the dead-letter stream
    }

    private static Duration range(String what, Duration d, Duration min, Duration max) {
        if (d == null || d.compareTo(min) < 0 || d.compareTo(max) > 0) {
            throw new IllegalArgumentException(what + " must be " + min + " - " + max + ", got " + d);
        }
        return d;
    }
}
