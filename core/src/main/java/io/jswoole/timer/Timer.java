package io.jswoole.timer;

import io.jswoole.coroutine.Scheduler;
import io.jswoole.log.Log;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;

/**
 * Swoole's millisecond timers: {@code tick}, {@code after}, {@code clear}, {@code clearAll}, {@code exists},
 * {@code info}, {@code list}, {@code stats}.
 * <p>A timer belongs to the {@link Scheduler} that created it (in a server: the worker); its callback runs there,
 * as a coroutine when the scheduler has {@code enable_coroutine}. Deadlines use the monotonic clock
 * ({@link System#nanoTime()}), so a wall-clock jump moves no timer. When a worker stops, its timers are cleared.
 * <p>Timers live in their scheduler's {@link TimerWheel} (O(1) add and clear, expiry in batches on the carrier);
 * one daemon thread only says when a wheel has a slot due.
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
    private static final AtomicLong ROUND = new AtomicLong();

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
        e.owner.timers().remove(e);
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
        return new Stats(Ticker.INSTANCE.started(), ALL.size(), ROUND.get());
    }

    /** Timers of {@code scheduler} alive now (Swoole timers only, not coroutine sleeps). */
    public static int count(Scheduler scheduler) {
        int n = 0;
        for (Entry e : ALL.values()) {
            if (e.owner == scheduler) {
                n++;
            }
        }
        return n;
    }

    private static long add(long ms, long interval, LongConsumer callback) {
        if (ms < 1) {
            throw new IllegalArgumentException("Timer: msec must be at least 1, got " + ms);
        }
        Entry e = new Entry(IDS.incrementAndGet(), Scheduler.current(), callback, interval);
        e.deadline = System.nanoTime() + ms * 1_000_000;
        ALL.put(e.id, e);
        e.owner.timers().add(e, e.deadline);
        return e.id;
    }

    private static final class Entry extends TimerWheel.Node {
        final long id;
        final Scheduler owner;
        final LongConsumer callback;
        final long interval;
        volatile long deadline;
        volatile long execCount;
        volatile long round;
        volatile boolean removed;

        Entry(long id, Scheduler owner, LongConsumer callback, long interval) {
            this.id = id;
            this.owner = owner;
            this.callback = callback;
            this.interval = interval;
        }

        @Override
        protected void expire() {
            if (removed) {
                return;
            }
            long round = ROUND.incrementAndGet();
            if (owner.isClosed()) {
                clear(id);
                return;
            }
            if (interval > 0) {
                // next deadline on the tick grid; skip missed ticks rather than firing a burst
                long now = System.nanoTime();
                long next = deadline + interval * 1_000_000;
                deadline = next - now > 0 ? next : now + interval * 1_000_000;
                owner.timers().add(this, deadline);
            } else {
                ALL.remove(id);
                removed = true;
            }
            try {
                owner.dispatch(() -> {
                    execCount++;
                    this.round = round;
                    callback.accept(id);
                });
            } catch (RuntimeException ex) {
                Log.warning("timer #" + id + " could not run in " + owner.name() + ": " + ex.getMessage());
            }
        }
    }
}
