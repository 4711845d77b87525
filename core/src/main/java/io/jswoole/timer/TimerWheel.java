package io.jswoole.timer;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A hashed timing wheel with millisecond ticks, one per {@link io.jswoole.coroutine.Scheduler}: it holds every
 * deadline of that scheduler (Swoole timers, coroutine sleeps, the timeouts of channel and socket waits) and
 * expires them in batches on the scheduler's own carrier thread.
 * <p>Why not the JDK's timers: a virtual thread's {@code Thread.sleep} goes through a shared
 * {@code ScheduledThreadPoolExecutor} (a heap, a task object and a cross-thread hand-off per sleeper), which wakes
 * only about 100,000 sleepers per second on one carrier. Here adding and removing a node is O(1), and one tick task
 * on the carrier expires every due node of the elapsed slots at once, so waking a million sleepers costs roughly a
 * million O(1) list operations plus the unparks.
 * <p>Layout: {@value #SLOTS} slots of 1 ms; a node lives in slot {@code deadlineTick & MASK} whatever its round, and
 * a tick expires only the nodes whose tick has come. A bitmap of non-empty slots tells the {@link Ticker} when to
 * run the next tick, so an idle wheel costs nothing. A node never expires early: its tick is its deadline rounded
 * up to the next millisecond.
 * <p>Thread safety: every operation takes one uncontended lock (in a serial scheduler only the carrier touches the
 * wheel, but {@code Timer.clear} and waits of plain threads may come from elsewhere). Expiry callbacks run on the
 * carrier, outside the lock. This is an engine class: applications use {@link Timer} and
 * {@code Coroutine.sleep}.
 */
public final class TimerWheel {
    /** A deadline in a wheel; subclasses say what happens when it expires. */
    public abstract static class Node {
        long tick;
        Node prev;
        Node next;
        TimerWheel wheel;

        /** Called on the carrier, outside the wheel lock, when the deadline has passed. */
        protected abstract void expire();

        /** Whether this node is in a wheel now. */
        public final boolean scheduled() {
            return wheel != null;
        }
    }

    static final int SLOTS = 4096;
    private static final int MASK = SLOTS - 1;
    private static final long TICK_NANOS = 1_000_000L;

    private final Node[] heads = new Node[SLOTS];
    private final long[] occupied = new long[SLOTS / 64];
    private final ReentrantLock lock = new ReentrantLock();
    private final Executor carrier;
    private final long epoch = System.nanoTime();
    private final Runnable tickTask = this::tick;
    private final Runnable onEmpty;
    private long lastTick;
    private long wakeTick = Long.MAX_VALUE;
    private int size;

    /**
     * A wheel whose ticks run on {@code carrier}; {@code onEmpty} (may be null) runs on the carrier or the remover
     * whenever the wheel becomes empty.
     */
    public TimerWheel(Executor carrier, Runnable onEmpty) {
        this.carrier = carrier;
        this.onEmpty = onEmpty;
    }

    /** Adds {@code node} to expire at {@code deadlineNanos} ({@link System#nanoTime()} scale). */
    public void add(Node node, long deadlineNanos) {
        long delta = deadlineNanos - epoch;
        long tick = delta <= 0 ? 0 : (delta + TICK_NANOS - 1) / TICK_NANOS;
        boolean wake;
        lock.lock();
        try {
            if (node.wheel != null) {
                throw new IllegalStateException("timer node already scheduled");
            }
            if (tick <= lastTick) {
                tick = lastTick + 1;
            }
            node.tick = tick;
            node.wheel = this;
            int slot = (int) (tick & MASK);
            Node head = heads[slot];
            node.prev = null;
            node.next = head;
            if (head != null) {
                head.prev = node;
            }
            heads[slot] = node;
            occupied[slot >>> 6] |= 1L << slot;
            size++;
            wake = tick < wakeTick;
            if (wake) {
                wakeTick = tick;
            }
        } finally {
            lock.unlock();
        }
        if (wake) {
            Ticker.INSTANCE.wakeAt(this, epoch + tick * TICK_NANOS);
        }
    }

    /** Removes {@code node}; false when it was not in this wheel (it expired or was removed already). */
    public boolean remove(Node node) {
        boolean empty;
        lock.lock();
        try {
            if (node.wheel != this) {
                return false;
            }
            unlink(node);
            empty = size == 0;
        } finally {
            lock.unlock();
        }
        if (empty && onEmpty != null) {
            onEmpty.run();
        }
        return true;
    }

    /** Nodes waiting in this wheel. */
    public int size() {
        lock.lock();
        try {
            return size;
        } finally {
            lock.unlock();
        }
    }

    private void unlink(Node node) {
        int slot = (int) (node.tick & MASK);
        if (node.prev != null) {
            node.prev.next = node.next;
        } else {
            heads[slot] = node.next;
            if (node.next == null) {
                occupied[slot >>> 6] &= ~(1L << slot);
            }
        }
        if (node.next != null) {
            node.next.prev = node.prev;
        }
        node.prev = null;
        node.next = null;
        node.wheel = null;
        size--;
    }

    /** Called by the {@link Ticker}: runs a tick on the carrier. */
    void schedule() {
        try {
            carrier.execute(tickTask);
        } catch (RejectedExecutionException e) {
            // the scheduler is closed: its deadlines die with it
        }
    }

    /** Expires every node whose tick has come, in batches per slot, then asks the ticker for the next tick. */
    void tick() {
        List<Node> due = new ArrayList<>();
        long next;
        boolean empty;
        lock.lock();
        try {
            long now = (System.nanoTime() - epoch) / TICK_NANOS;
            if (now > lastTick) {
                long from = now - lastTick > SLOTS ? now - SLOTS + 1 : lastTick + 1;
                for (long t = from; t <= now; t++) {
                    int slot = (int) (t & MASK);
                    if ((occupied[slot >>> 6] & (1L << slot)) == 0) {
                        continue;
                    }
                    Node n = heads[slot];
                    while (n != null) {
                        Node following = n.next;
                        if (n.tick <= now) {
                            unlink(n);
                            due.add(n);
                        }
                        n = following;
                    }
                }
                lastTick = now;
            }
            next = size == 0 ? Long.MAX_VALUE : nextOccupiedTick();
            wakeTick = next;
            empty = size == 0;
        } finally {
            lock.unlock();
        }
        if (next != Long.MAX_VALUE) {
            Ticker.INSTANCE.wakeAt(this, epoch + next * TICK_NANOS);
        }
        for (Node n : due) {
            n.expire();
        }
        if (empty && !due.isEmpty() && onEmpty != null) {
            onEmpty.run();
        }
    }

    /** The first tick after {@code lastTick} whose slot holds a node (that node may belong to a later round). */
    private long nextOccupiedTick() {
        int start = (int) ((lastTick + 1) & MASK);
        for (int i = 0; i < SLOTS; ) {
            int slot = (start + i) & MASK;
            long bits = occupied[slot >>> 6] >>> (slot & 63);
            if (bits != 0) {
                int skip = Long.numberOfTrailingZeros(bits);
                return lastTick + 1 + i + skip;
            }
            i += 64 - (slot & 63);
        }
        return lastTick + 1;
    }
}
