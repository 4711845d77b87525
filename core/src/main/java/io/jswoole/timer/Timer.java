package io.jswoole.timer;

import io.jswoole.coroutine.Scheduler;
import io.jswoole.log.Log;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongConsumer;

/**
 * Swoole's millisecond timers: {@code tick}, {@code after}, {@code clear}, {@code clearAll}, {@code exists},
 * {@code info}, {@code list}, {@code stats}.
 * <p>A timer belongs to the {@link Scheduler} that created it (in a server: the worker); its callback runs there,
 * as a coroutine when the scheduler has {@code enable_coroutine}. Deadlines use the monotonic clock
 * ({@link System#nanoTime()}), so a wall-clock jump moves no timer. When a worker stops, its timers are cleared.
 * <p>One daemon thread keeps every timer of the process in a heap and hands expired ones to their schedulers; it
 * never runs user code.
 */
public final class Timer {
    /** What {@link #info} reports about a timer, with Swoole's field names. */
    public record Info(long execMsec, long execCount, long interval, long round, boolean removed) {
    }

    /** What {@link #stats} reports: whether the timer thread runs, live timers, and rounds of expiry so far. */
    public record Stats(boolean initialized, int num, long round) {
    }

    private static final AtomicLong IDS = new AtomicLong();
    private static final Map<Long, Entry> ALL = new ConcurrentHashMap<>();
    private static final PriorityQueue<Entry> HEAP = new PriorityQueue<>();
    private static final ReentrantLock LOCK = new ReentrantLock();
    private static final Condition CHANGED = LOCK.newCondition();
    private static final AtomicLong ROUND = new AtomicLong();
    private static Thread thread;

    private Timer() {
    }

    /**
     * Calls {@code callback} with the timer id every {@code ms} milliseconds until {@link #clear} is called.
     *
     * @return the timer id (from 1)
     */
    public static long tick(long ms, LongConsumer callback) {
        return add(ms, ms, callback);
    }

    /** Calls {@code callback} once, {@code ms} milliseconds from now; returns the timer id. */
    public static long after(long ms, Runnable callback) {
        return add(ms, 0, id -> callback.run());
    }

    /** Stops the timer {@code id}; false when it does not exist (any more). */
    public static boolean clear(long id) {
        Entry e = ALL.remove(id);
        if (e == null) {
            return false;
        }
        e.removed = true;
        LOCK.lock();
        try {
            HEAP.remove(e);
        } finally {
            LOCK.unlock();
        }
        return true;
    }

    /** Clears every timer of the current scheduler (the current worker in a server). */
    public static boolean clearAll() {
        clearAll(Scheduler.current());
        return true;
    }

    /** Clears every timer owned by {@code scheduler}; called when a worker stops. */
    public static void clearAll(Scheduler scheduler) {
        for (Entry e : ALL.values()) {
            if (e.owner == scheduler) {
                clear(e.id);
            }
        }
    }

    public static boolean exists(long id) {
        return ALL.containsKey(id);
    }

    /** Details of the timer {@code id}, empty when it does not exist. */
    public static Optional<Info> info(long id) {
        Entry e = ALL.get(id);
        if (e == null) {
            return Optional.empty();
        }
        long left = Math.max(0, (e.deadline - System.nanoTime()) / 1_000_000);
        return Optional.of(new Info(left, e.execCount, e.interval, e.round, e.removed));
    }

    /** The ids of the current scheduler's timers. */
    public static List<Long> list() {
        Scheduler s = Scheduler.current();
        List<Long> ids = new ArrayList<>();
        for (Entry e : ALL.values()) {
            if (e.owner == s) {
                ids.add(e.id);
            }
        }
        ids.sort(null);
        return ids;
    }

    public static Stats stats() {
        return new Stats(thread != null, ALL.size(), ROUND.get());
    }

    private static long add(long ms, long interval, LongConsumer callback) {
        if (ms < 1) {
            throw new IllegalArgumentException("Timer: msec must be at least 1, got " + ms);
        }
        Entry e = new Entry(IDS.incrementAndGet(), Scheduler.current(), callback, interval,
                System.nanoTime() + ms * 1_000_000);
        ALL.put(e.id, e);
        LOCK.lock();
        try {
            if (thread == null) {
                thread = Thread.ofPlatform().daemon().name("jswoole-timer").start(Timer::loop);
            }
            HEAP.add(e);
            if (HEAP.peek() == e) {
                CHANGED.signal();
            }
        } finally {
            LOCK.unlock();
        }
        return e.id;
    }

    private static void loop() {
        List<Entry> due = new ArrayList<>();
        while (true) {
            LOCK.lock();
            try {
                long now = System.nanoTime();
                Entry head;
                while ((head = HEAP.peek()) != null && head.deadline - now <= 0) {
                    HEAP.poll();
                    due.add(head);
                    if (head.interval > 0) {
                        // next deadline on the tick grid; skip missed ticks rather than firing a burst
                        long next = head.deadline + head.interval * 1_000_000;
                        head.deadline = next - now > 0 ? next : now + head.interval * 1_000_000;
                        HEAP.add(head);
                    }
                }
                if (due.isEmpty()) {
                    try {
                        if (head == null) {
                            CHANGED.await();
                        } else {
                            CHANGED.awaitNanos(head.deadline - now);
                        }
                    } catch (InterruptedException ignored) {
                        // daemon thread: keep serving
                    }
                    continue;
                }
            } finally {
                LOCK.unlock();
            }
            ROUND.incrementAndGet();
            for (Entry e : due) {
                fire(e);
            }
            due.clear();
        }
    }

    private static void fire(Entry e) {
        if (e.removed) {
            return;
        }
        if (e.interval == 0) {
            ALL.remove(e.id);
        }
        if (e.owner.isClosed()) {
            clear(e.id);
            return;
        }
        try {
            e.owner.dispatch(() -> {
                e.execCount++;
                e.round = ROUND.get();
                e.callback.accept(e.id);
            });
        } catch (RuntimeException ex) {
            Log.warning("timer #" + e.id + " could not run in " + e.owner.name() + ": " + ex.getMessage());
        }
    }

    private static final class Entry implements Comparable<Entry> {
        final long id;
        final Scheduler owner;
        final LongConsumer callback;
        final long interval;
        long deadline;
        volatile long execCount;
        volatile long round;
        volatile boolean removed;

        Entry(long id, Scheduler owner, LongConsumer callback, long interval, long deadline) {
            this.id = id;
            this.owner = owner;
            this.callback = callback;
            this.interval = interval;
            this.deadline = deadline;
        }

        @Override
        public int compareTo(Entry o) {
            return Long.compare(deadline - o.deadline, 0);
        }
    }
}
