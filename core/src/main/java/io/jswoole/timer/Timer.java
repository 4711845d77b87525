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

    /**
     * Stops the timer {@code id}; false when it does not exist (any more). A cleared timer never runs again, also
     * when its deadline had already come and its callback was queued in the same round of expiry. While a callback
     * of the timer is still queued or running (a timer cleared from its own callback), {@link #info} keeps
     * reporting it with {@code removed} true, as Swoole does; then it is forgotten.
     */
    public static boolean clear(long id) {
        Entry e = ALL.get(id);
        if (e == null) {
            return false;
        }
        boolean forget;
        synchronized (e) {
            if (e.removed) {
                return false;
            }
            e.removed = true;
            forget = e.pending == 0;
        }
        e.owner.timers().remove(e);
        if (forget) {
            ALL.remove(id, e);
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
                if (scheduler.isClosed()) {
                    ALL.remove(e.id, e); // a callback still queued there will never run to forget it
                }
            }
        }
    }

    /** Whether the timer {@code id} exists and was not cleared. */
    public static boolean exists(long id) {
        Entry e = ALL.get(id);
        return e != null && !e.removed;
    }

    /**
     * Details of the timer {@code id}, empty when it does not exist: once it has fired for the last time or was
     * cleared, and no callback of it is queued or running any more.
     */
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
            if (e.owner == s && !e.removed) {
                ids.add(e.id);
            }
        }
        ids.sort(null);
        return ids;
    }

    public static Stats stats() {
        int live = 0;
        for (Entry e : ALL.values()) {
            if (!e.removed) {
                live++;
            }
        }
        return new Stats(Ticker.INSTANCE.started(), live, ROUND.get());
    }

    /** Timers of {@code scheduler} alive now (Swoole timers only, not coroutine sleeps). */
    public static int count(Scheduler scheduler) {
        int n = 0;
        for (Entry e : ALL.values()) {
            if (e.owner == scheduler && !e.removed) {
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
        /** Cleared, or a one-shot timer that has run: never runs (again). Set under the entry's lock. */
        volatile boolean removed;
        /** Callbacks queued or running (guarded by the entry's lock); the entry stays in ALL while there are some. */
        int pending;

        Entry(long id, Scheduler owner, LongConsumer callback, long interval) {
            this.id = id;
            this.owner = owner;
            this.callback = callback;
            this.interval = interval;
        }

        @Override
        protected void expire() {
            if (owner.isClosed()) {
                clear(id);
                return;
            }
            synchronized (this) {
                if (removed) {
                    return;
                }
                pending++;
            }
            long round = ROUND.incrementAndGet();
            if (interval > 0) {
                // next deadline on the tick grid; skip missed ticks rather than firing a burst
                long now = System.nanoTime();
                long next = deadline + interval * 1_000_000;
                deadline = next - now > 0 ? next : now + interval * 1_000_000;
                owner.timers().add(this, deadline);
                if (removed) {
                    // cleared from another thread between the check above and the add: clear() found no node
                    owner.timers().remove(this);
                }
            }
            try {
                // the callback runs after this round of expiry: a timer of the same round (or anything else that
                // runs before it) may clear this one in between, and then it must not run
                owner.dispatch(() -> {
                    try {
                        if (!removed) {
                            execCount++;
                            this.round = round;
                            callback.accept(id);
                        }
                    } finally {
                        ran();
                    }
                });
            } catch (RuntimeException ex) {
                ran();
                Log.warning("timer #" + id + " could not run in " + owner.name() + ": " + ex.getMessage());
            }
        }

        /** A queued callback ran (or was skipped): a one-shot timer is done, a cleared one forgotten. */
        private void ran() {
            boolean forget;
            synchronized (this) {
                pending--;
                if (interval == 0) {
                    removed = true;
                }
                forget = removed && pending == 0;
            }
            if (forget) {
                ALL.remove(id, this);
            }
        }
    }
}
