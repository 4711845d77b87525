package io.jswoole.coroutine;

import io.jswoole.log.Log;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Swoole's coroutine API. A coroutine is a virtual thread of a {@link Scheduler}; coroutines of one scheduler run
 * one at a time, and a blocking call parks only the coroutine that made it.
 * <pre>{@code
 * long cid = Coroutine.go(() -> {
 *     Coroutine.defer(() -> System.out.println("last"));
 *     Coroutine.sleep(0.1);
 *     System.out.println("in coroutine " + Coroutine.getCid());
 * });
 * }</pre>
 */
public final class Coroutine {
    static final ScopedValue<Coroutine> CURRENT = ScopedValue.newInstance();
    private static final AtomicLong IDS = new AtomicLong();
    private static final Map<Long, Coroutine> LIVE = new ConcurrentHashMap<>();

    private final long id;
    private final long pcid;
    private final Scheduler scheduler;
    private final long startNanos = System.nanoTime();
    private ArrayDeque<Runnable> defers;
    private Map<Object, Object> context;
    volatile Thread thread;

    Coroutine(Scheduler scheduler, long pcid) {
        this.id = IDS.incrementAndGet();
        this.pcid = pcid;
        this.scheduler = scheduler;
    }

    /** Starts {@code task} as a coroutine of the current scheduler and returns its id ({@code go()}). */
    public static long go(Runnable task) {
        return Scheduler.current().go(task);
    }

    /** Alias of {@link #go}. */
    public static long create(Runnable task) {
        return go(task);
    }

    /** The current coroutine's id, or -1 outside a coroutine. */
    public static long getCid() {
        Coroutine co = currentOrNull();
        return co == null ? -1 : co.id;
    }

    /** The parent's id: -1 for a coroutine started outside any coroutine, and outside a coroutine. */
    public static long getPcid() {
        Coroutine co = currentOrNull();
        return co == null ? -1 : co.pcid;
    }

    /** Whether the coroutine {@code cid} is alive. */
    public static boolean exists(long cid) {
        return LIVE.containsKey(cid);
    }

    /**
     * Sleeps {@code seconds} (fractions allowed, millisecond resolution). In a coroutine only that coroutine
     * waits; the others of its scheduler keep running.
     */
    public static void sleep(double seconds) {
        long nanos = (long) (seconds * 1e9);
        if (nanos <= 0) {
            Thread.yield();
            return;
        }
        try {
            Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Runs {@code task} when the current coroutine exits, also when it exits by an exception; several run in
     * reverse order (LIFO).
     *
     * @throws IllegalStateException outside a coroutine
     */
    public static void defer(Runnable task) {
        Coroutine co = currentOrNull();
        if (co == null) {
            throw new IllegalStateException("Coroutine.defer must be called in a coroutine");
        }
        if (co.defers == null) {
            co.defers = new ArrayDeque<>();
        }
        co.defers.push(task);
    }

    /**
     * The current coroutine's context: a map that lives as long as the coroutine.
     *
     * @throws IllegalStateException outside a coroutine
     */
    public static Map<Object, Object> getContext() {
        Coroutine co = currentOrNull();
        if (co == null) {
            throw new IllegalStateException("Coroutine.getContext must be called in a coroutine");
        }
        if (co.context == null) {
            co.context = new HashMap<>();
        }
        return co.context;
    }

    /** Milliseconds since the coroutine {@code cid} started, or -1 when it does not exist. */
    public static long getElapsed(long cid) {
        Coroutine co = LIVE.get(cid);
        return co == null ? -1 : (System.nanoTime() - co.startNanos) / 1_000_000;
    }

    static Coroutine currentOrNull() {
        return CURRENT.isBound() ? CURRENT.get() : null;
    }

    long id() {
        return id;
    }

    Scheduler scheduler() {
        return scheduler;
    }

    void run(Runnable task) {
        LIVE.put(id, this);
        try {
            task.run();
        } catch (Throwable t) {
            Log.error("coroutine #" + id + " (" + scheduler.name() + "): uncaught exception", t);
        } finally {
            runDefers();
            LIVE.remove(id);
            exited();
        }
    }

    private void runDefers() {
        if (defers == null) {
            return;
        }
        Runnable d;
        while ((d = defers.poll()) != null) {
            try {
                d.run();
            } catch (Throwable t) {
                Log.error("coroutine #" + id + ": exception in a deferred task", t);
            }
        }
    }

    void exited() {
        scheduler.exited();
    }
}
