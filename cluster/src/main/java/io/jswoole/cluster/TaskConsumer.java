package io.jswoole.cluster;

import io.jswoole.log.Log;
import io.lettuce.core.Consumer;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XAutoClaimArgs;
import io.lettuce.core.XClaimArgs;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;

/**
 * One consumer of a {@link ClusterTasks} queue in one JVM: a platform thread that, while it has a free slot, takes
 * back, every quarter of the visibility time, tasks left idle that long ({@code XAUTOCLAIM}: their consumer died,
 * hung, or failed them) and
 * reads new ones ({@code XREADGROUP ... >}, blocking 500 ms on a connection of its own); each task runs on a
 * virtual thread. While a task runs its claim is renewed ({@code XCLAIM ... JUSTID} every third of the visibility
 * time), so only a consumer that stops renewing loses its tasks. Attempts are counted in a hash beside the stream
 * ("n startMillis"), which gives the back-off of a failed task and its move to the dead-letter stream.
 */
final class TaskConsumer {
    private static final Scripts FINISH = new Scripts("""
            redis.call('XACK', KEYS[1], ARGV[1], ARGV[2])
            redis.call('XDEL', KEYS[1], ARGV[2])
            redis.call('HDEL', KEYS[2], ARGV[2], ARGV[2] .. ':err')
            if KEYS[3] ~= '' then redis.call('SET', KEYS[3], '=' .. ARGV[3], 'EX', ARGV[4]) end
            if KEYS[4] ~= '' then redis.call('SET', KEYS[4], '+' .. ARGV[3], 'EX', ARGV[5]) end
            return 1
            """);
    private static final Scripts DEAD = new Scripts("""
            redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[3], '*', 'id', ARGV[2], 'data', ARGV[4], 'key', ARGV[5],
                'attempts', ARGV[6], 'error', ARGV[7], 'origin', ARGV[8])
            redis.call('XACK', KEYS[1], ARGV[1], ARGV[2])
            redis.call('XDEL', KEYS[1], ARGV[2])
            redis.call('HDEL', KEYS[2], ARGV[2], ARGV[2] .. ':err')
            if KEYS[4] ~= '' then redis.call('DEL', KEYS[4]) end
            if KEYS[5] ~= '' then redis.call('SET', KEYS[5], '-', 'EX', ARGV[9]) end
            return 1
            """);

    /** How long a consumer keeps trying to acknowledge a finished task while Redis is away. */
    static final java.time.Duration FINISH_WAIT = java.time.Duration.ofSeconds(60);
    private final ClusterTasks tasks;
    private final Consumer<String> me;
    private final Semaphore slots;
    private final ExecutorService runners = Executors.newVirtualThreadPerTaskExecutor();
    private final Set<String> running = ConcurrentHashMap.newKeySet();
    private final String tries;
    private volatile boolean stopped;
    private Thread loop;
    private String cursor = "0-0";
    private long lastRenew;
    private long lastClaim;
    private boolean down;

    TaskConsumer(ClusterTasks tasks, String name, int concurrency) {
        this.tasks = tasks;
        this.me = Consumer.from(ClusterTasks.GROUP, name);
        this.slots = new Semaphore(concurrency);
        this.tries = tasks.prefix + ":tries";
    }

    void start() {
        loop = Thread.ofPlatform().daemon().name("jswoole-cluster-tasks-" + me.getName()).start(this::run);
    }

    void stop() {
        stopped = true;
        if (loop != null) {
            loop.interrupt();
        }
        runners.shutdown();
    }

    private void run() {
        StatefulRedisConnection<String, String> own = null;
        while (!stopped) {
            try {
                RedisCommands<String, String> r = tasks.redis();
                if (r == null) {
                    Thread.sleep(500);
                    continue;
                }
                if (own == null) {
                    own = tasks.node().connectOwn();
                }
                renew(r);
                if (!slots.tryAcquire(100, java.util.concurrent.TimeUnit.MILLISECONDS)) {
                    continue; // every slot busy: wait for one (renewing meanwhile)
                }
                slots.release();
                int free = slots.availablePermits();
                long now = System.currentTimeMillis();
                if (free > 0 && now - lastClaim >= tasks.visibility().toMillis() / 4) {
                    lastClaim = now;
                    var claimed = r.xautoclaim(tasks.prefix, XAutoClaimArgs.Builder.xautoclaim(me,
                            tasks.visibility(), cursor).count(free));
                    cursor = claimed.getId();
                    for (StreamMessage<String, String> m : claimed.getMessages()) {
                        dispatch(r, m, true);
                    }
                }
                free = slots.availablePermits();
                if (free > 0) {
                    List<StreamMessage<String, String>> fresh = own.sync().xreadgroup(me,
                            XReadArgs.Builder.block(Math.min(500, tasks.visibility().toMillis() / 4)).count(free), XReadArgs.StreamOffset.lastConsumed(tasks.prefix));
                    for (StreamMessage<String, String> m : fresh) {
                        dispatch(r, m, false);
                    }
                }
                tasks.node().redisUp();
                if (down) {
                    down = false;
                    Log.notice("cluster tasks '" + tasks.queue + "': consumer " + me.getName() + " reads again");
                }
            } catch (InterruptedException e) {
                break;
            } catch (RuntimeException e) {
                if (stopped || e instanceof IllegalStateException) {
                    break; // stopped, or the server left the cluster (it stopped)
                }
                if (String.valueOf(e.getMessage()).startsWith("NOGROUP")) {
                    tasks.regroup(); // a Redis without persistence restarted: the group is made again
                }
                if (!(e instanceof RedisCommandExecutionException)) {
                    tasks.node().redisDown(e); // Redis away: the node's one line for the outage
                } else if (!down) {
                    down = true;
                    Log.warning("cluster tasks '" + tasks.queue + "': consumer " + me.getName() + " cannot read: "
                            + e.getMessage() + " (retrying every second)");
                }
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException ie) {
                    break;
                }
            }
        }
        if (own != null) {
            own.closeAsync();
        }
    }

    /** Renews the claim of the running tasks, every third of the visibility time. */
    private void renew(RedisCommands<String, String> r) {
        long now = System.currentTimeMillis();
        if (running.isEmpty() || now - lastRenew < tasks.visibility().toMillis() / 3) {
            return;
        }
        lastRenew = now;
        r.xclaim(tasks.prefix, me, new XClaimArgs().justid().minIdleTime(0), running.toArray(String[]::new));
    }

    /** Decides what to do with a delivered entry, on the loop thread; the task itself runs on a virtual thread. */
    private void dispatch(RedisCommands<String, String> r, StreamMessage<String, String> m, boolean claimed) {
        Map<String, String> body = m.getBody();
        String id = m.getId();
        if (running.contains(id)) {
            return; // ours, running: the renewal was late
        }
        String data = body == null ? null : body.get("data");
        String key = body == null ? null : body.get("key");
        String[] was = split(r.hget(tries, id));
        int attempts = was == null ? 0 : Integer.parseInt(was[0]);
        if (claimed && was != null
                && System.currentTimeMillis() < Long.parseLong(was[1]) + tasks.backoffMillis(attempts)) {
            return; // not due yet: it stays pending and is claimed again after the visibility time
        }
        if (data == null || attempts >= tasks.maxAttempts()) {
            dead(r, m, attempts, data == null ? "malformed entry (no data field)" : r.hget(tries, id + ":err"));
            return;
        }
        if (key != null) {
            String done = r.get(tasks.keyKey(key));
            if (done != null && done.startsWith("=")) { // done already (its node died before the ack): not again
                finish(r, m, done.substring(1));
                return;
            }
        }
        int attempt = attempts + 1;
        r.hset(tries, id, attempt + " " + System.currentTimeMillis());
        running.add(id);
        slots.acquireUninterruptibly();
        runners.execute(() -> {
            try {
                String result;
                try {
                    result = tasks.handler().run(new ClusterTasks.Task(id, data, key, attempt));
                } catch (Throwable t) {
                    failed(id, attempt, t);
                    return;
                }
                finishing(m, result == null ? "" : result);
            } finally {
                running.remove(id);
                slots.release();
            }
        });
    }

    private void failed(String id, int attempt, Throwable t) {
        String why = t.getClass().getSimpleName() + ": " + t.getMessage();
        Log.warning("cluster tasks '" + tasks.queue + "': task " + id + " failed (attempt " + attempt + " of "
                + tasks.maxAttempts() + "): " + why);
        try {
            tasks.redis().hset(tries, id + ":err", why.length() > 500 ? why.substring(0, 500) : why);
        } catch (RuntimeException ignored) {
            // Redis away: the attempt count stands, the error text is lost
        }
    }

    /**
     * Acknowledges a task that ran, retrying every quarter second while Redis is away: the task stays in
     * {@link #running}, so its claim is renewed once Redis is back, and a task that finished during an outage is not
     * run again. After {@link #FINISH_WAIT} it is given up (logged): another consumer runs it again (at least once).
     */
    private void finishing(StreamMessage<String, String> m, String result) {
        long end = System.nanoTime() + FINISH_WAIT.toNanos();
        while (true) {
            try {
                RedisCommands<String, String> r = tasks.redis();
                if (r != null) {
                    finish(r, m, result);
                    return;
                }
            } catch (RuntimeException e) {
                if (e instanceof IllegalStateException || e instanceof RedisCommandExecutionException) {
                    Log.warning("cluster tasks '" + tasks.queue + "': task " + m.getId() + " ran but was not"
                            + " acknowledged: " + e.getMessage());
                    return;
                }
                tasks.node().redisDown(e);
            }
            if (System.nanoTime() > end) {
                Log.warning("cluster tasks '" + tasks.queue + "': task " + m.getId() + " ran but cluster_redis was"
                        + " away for " + FINISH_WAIT.toSeconds() + " s; another consumer will run it again");
                return;
            }
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void finish(RedisCommands<String, String> r, StreamMessage<String, String> m, String result) {
        String key = m.getBody().get("key");
        FINISH.run(r, ScriptOutputType.INTEGER, new String[] {tasks.prefix, tries,
                key == null ? "" : tasks.keyKey(key), resultKey(m)}, ClusterTasks.GROUP, m.getId(), result,
                Long.toString(tasks.keyTtlSeconds()), Long.toString(ClusterTasks.RESULT_SECONDS));
        reply(m, ("+" + result).getBytes(StandardCharsets.UTF_8));
    }

    private void dead(RedisCommands<String, String> r, StreamMessage<String, String> m, int attempts, String error) {
        Map<String, String> b = m.getBody() == null ? Map.of() : m.getBody();
        String key = b.get("key");
        DEAD.run(r, ScriptOutputType.INTEGER, new String[] {tasks.prefix, tries, tasks.deadLetterKey(),
                key == null ? "" : tasks.keyKey(key), resultKey(m)}, ClusterTasks.GROUP, m.getId(),
                Integer.toString(ClusterTasks.DEAD_MAX), b.getOrDefault("data", ""), key == null ? "" : key,
                Integer.toString(attempts), error == null ? "" : error, b.getOrDefault("origin", ""),
                Long.toString(ClusterTasks.RESULT_SECONDS));
        Log.warning("cluster tasks '" + tasks.queue + "': task " + m.getId() + " moved to " + tasks.deadLetterKey()
                + " after " + attempts + " attempts" + (error == null ? "" : ": " + error));
        reply(m, new byte[] {'-'});
    }

    /** Where a waited-for task's outcome is kept a minute, for a waiter whose reply channel missed it; "" if none. */
    private String resultKey(StreamMessage<String, String> m) {
        String to = m.getBody() == null ? null : m.getBody().get("reply");
        String wait = m.getBody() == null ? null : m.getBody().get("wait");
        return to == null || wait == null ? "" : tasks.resultKey(to, wait);
    }

    private void reply(StreamMessage<String, String> m, byte[] payload) {
        String to = m.getBody().get("reply");
        String wait = m.getBody().get("wait");
        if (to != null && wait != null) {
            tasks.node().replyTo(to, Long.parseLong(wait), payload);
        }
    }

    private static String[] split(String v) {
        if (v == null) {
            return null;
        }
        String[] p = v.split(" ", 2);
        return p.length == 2 ? p : null;
    }
}
