package io.jswoole.coroutine;

import io.jswoole.ErrorCode;
import io.jswoole.LastError;
import java.util.ArrayDeque;
import java.util.concurrent.locks.ReentrantLock;

/**
 * {@code Swoole\Coroutine\Channel}: a bounded queue between coroutines. {@link #pop} waits while it is empty and
 * {@link #push} while it is full; only the waiting coroutine parks. When a consumer already waits, a push hands the
 * value straight to it (one switch, no queueing).
 * <p>Timeouts are in seconds: negative waits forever, 0 does not wait. After a failed call {@link #errCode()} says
 * why, with Swoole's values: {@link #CHANNEL_TIMEOUT}, {@link #CHANNEL_CLOSED}, {@link #CHANNEL_CANCELED} (and
 * {@link LastError} holds {@link ErrorCode#CO_TIMEDOUT} or {@link ErrorCode#CO_CANCELED}). After {@link #close},
 * pops still drain what is buffered, then fail with {@link #CHANNEL_CLOSED}.
 * <p>Unlike Swoole's, a channel may be shared between schedulers and plain threads (a plain thread parks itself);
 * {@code null} cannot be pushed, since {@code null} is the failure result of {@link #pop}.
 *
 * @param <T> element type
 */
public final class Channel<T> {
    /** The last operation succeeded. */
    public static final int CHANNEL_OK = 0;
    /** The last operation timed out. */
    public static final int CHANNEL_TIMEOUT = -1;
    /** The channel is closed. */
    public static final int CHANNEL_CLOSED = -2;
    /** The waiting coroutine was canceled. */
    public static final int CHANNEL_CANCELED = -3;

    /** {@link Channel#stats()}: waiting consumers and producers, and buffered elements. */
    public record Stats(int consumerNum, int producerNum, int queueNum) {
    }

    private final int capacity;
    private final ArrayDeque<T> queue;
    private final WaitQueue consumers = new WaitQueue();
    private final WaitQueue producers = new WaitQueue();
    private final ReentrantLock lock = new ReentrantLock();
    private final boolean external;
    private boolean closed;
    private volatile int errCode;

    /** A channel of capacity 1. */
    public Channel() {
        this(1);
    }

    /** A channel buffering up to {@code capacity} elements (at least 1). */
    public Channel(int capacity) {
        this(capacity, false);
    }

    private Channel(int capacity, boolean external) {
        this.external = external;
        if (capacity < 1) {
            throw new IllegalArgumentException("channel capacity must be at least 1, got " + capacity);
        }
        this.capacity = capacity;
        this.queue = new ArrayDeque<>(Math.min(capacity, 1024));
    }

    /**
     * A channel fed from outside the scheduler (I/O threads, callbacks of a library): waiting on it never counts
     * as "blocked forever" for the deadlock check of {@link Coroutine#run}.
     */
    public static <T> Channel<T> external(int capacity) {
        return new Channel<>(capacity, true);
    }

    /** Pushes {@code value}, waiting forever while the channel is full. */
    public boolean push(T value) {
        return push(value, -1);
    }

    /**
     * Pushes {@code value}, waiting up to {@code timeout} seconds while the channel is full.
     *
     * @return false when closed, timed out or canceled ({@link #errCode()})
     */
    public boolean push(T value, double timeout) {
        if (value == null) {
            throw new NullPointerException("a channel cannot carry null");
        }
        long nanos = nanos(timeout);
        Waiter w;
        lock.lock();
        try {
            if (closed) {
                return fail(CHANNEL_CLOSED);
            }
            Waiter c;
            while ((c = consumers.poll()) != null) {
                c.item = value;
                if (c.claim(Waiter.OK)) {
                    c.unpark();
                    errCode = CHANNEL_OK;
                    return true;
                }
                c.item = null;
            }
            if (queue.size() < capacity) {
                queue.add(value);
                errCode = CHANNEL_OK;
                return true;
            }
            if (nanos == 0) {
                return fail(CHANNEL_TIMEOUT);
            }
            w = Waiter.of(Coroutine.currentOrNull(), value, external ? Long.MAX_VALUE : nanos);
            producers.add(w);
        } finally {
            lock.unlock();
        }
        return settle(w, Waiter.await(w, nanos), producers) != null;
    }

    /** Pops an element, waiting forever while the channel is empty; {@code null} when closed or canceled. */
    public T pop() {
        return pop(-1);
    }

    /**
     * Pops an element, waiting up to {@code timeout} seconds while the channel is empty.
     *
     * @return the element, or {@code null} when closed and drained, timed out or canceled ({@link #errCode()})
     */
    @SuppressWarnings("unchecked")
    public T pop(double timeout) {
        long nanos = nanos(timeout);
        Waiter w;
        lock.lock();
        try {
            T v = queue.poll();
            if (v != null) {
                Waiter p;
                while ((p = producers.poll()) != null) {
                    if (p.claim(Waiter.OK)) {
                        queue.add((T) p.item);
                        p.unpark();
                        break;
                    }
                }
                errCode = CHANNEL_OK;
                return v;
            }
            if (closed) {
                fail(CHANNEL_CLOSED);
                return null;
            }
            if (nanos == 0) {
                fail(CHANNEL_TIMEOUT);
                return null;
            }
            w = Waiter.of(Coroutine.currentOrNull(), null, external ? Long.MAX_VALUE : nanos);
            consumers.add(w);
        } finally {
            lock.unlock();
        }
        return (T) settle(w, Waiter.await(w, nanos), consumers);
    }

    /** After a wait: the item (or a non-null marker for a push) on success, else records the error. */
    private Object settle(Waiter w, int result, WaitQueue from) {
        if (result == Waiter.OK) {
            errCode = CHANNEL_OK;
            return w.item;
        }
        lock.lock();
        try {
            from.remove(w);
        } finally {
            lock.unlock();
        }
        switch (result) {
            case Waiter.TIMEOUT -> fail(CHANNEL_TIMEOUT);
            case Waiter.CANCELED -> fail(CHANNEL_CANCELED);
            default -> fail(CHANNEL_CLOSED);
        }
        return null;
    }

    private boolean fail(int code) {
        errCode = code;
        switch (code) {
            case CHANNEL_TIMEOUT -> LastError.set(ErrorCode.CO_TIMEDOUT);
            case CHANNEL_CANCELED -> LastError.set(ErrorCode.CO_CANCELED);
            default -> LastError.set(ErrorCode.WRONG_OPERATION);
        }
        return false;
    }

    static long nanos(double seconds) {
        return seconds < 0 ? -1 : (long) (seconds * 1e9);
    }

    /**
     * Closes the channel: every waiting producer and consumer wakes with {@link #CHANNEL_CLOSED}; later pushes
     * fail. Returns false when it was closed already.
     */
    public boolean close() {
        lock.lock();
        try {
            if (closed) {
                return false;
            }
            closed = true;
            consumers.wakeAll(Waiter.CLOSED);
            producers.wakeAll(Waiter.CLOSED);
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Why the last push or pop failed, {@link #CHANNEL_OK} when it did not. */
    public int errCode() {
        return errCode;
    }

    public int capacity() {
        return capacity;
    }

    /** Buffered elements. */
    public int length() {
        lock.lock();
        try {
            return queue.size();
        } finally {
            lock.unlock();
        }
    }

    public boolean isEmpty() {
        return length() == 0;
    }

    public boolean isFull() {
        return length() >= capacity;
    }

    public boolean isClosed() {
        lock.lock();
        try {
            return closed;
        } finally {
            lock.unlock();
        }
    }

    /** {@code stats()}: {@code consumer_num}, {@code producer_num}, {@code queue_num}. */
    public Stats stats() {
        lock.lock();
        try {
            return new Stats(consumers.size(), producers.size(), queue.size());
        } finally {
            lock.unlock();
        }
    }
}
