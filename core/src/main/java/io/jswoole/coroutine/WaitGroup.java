package io.jswoole.coroutine;

import io.jswoole.ErrorCode;
import io.jswoole.LastError;
import java.util.concurrent.locks.ReentrantLock;

/**
 * {@code Swoole\Coroutine\WaitGroup}: waits until a counter of pending jobs drops to zero.
 * <pre>{@code
 * WaitGroup wg = new WaitGroup();
 * for (String url : urls) {
 *     wg.add();
 *     Coroutine.go(() -> { try { fetch(url); } finally { wg.done(); } });
 * }
 * wg.await(5);   // true when all are done, false on timeout
 * }</pre>
 * {@code wait} is a reserved method of {@link Object}, so Swoole's {@code wait(timeout)} is {@link #await}.
 */
public final class WaitGroup {
    private final ReentrantLock lock = new ReentrantLock();
    private final WaitQueue waiters = new WaitQueue();
    private int count;

    public WaitGroup() {
    }

    /** A wait group whose counter starts at {@code delta}. */
    public WaitGroup(int delta) {
        add(delta);
    }

    /** Adds one pending job. */
    public void add() {
        add(1);
    }

    /**
     * Adds {@code delta} (may be negative) to the counter; at zero every waiter wakes.
     *
     * @throws IllegalStateException when the counter would go below zero
     */
    public void add(int delta) {
        lock.lock();
        try {
            if (count + delta < 0) {
                throw new IllegalStateException("WaitGroup misuse: negative counter");
            }
            count += delta;
            if (count == 0) {
                waiters.wakeAll(Waiter.OK);
            }
        } finally {
            lock.unlock();
        }
    }

    /** One job is done. */
    public void done() {
        add(-1);
    }

    /** The counter. */
    public int count() {
        lock.lock();
        try {
            return count;
        } finally {
            lock.unlock();
        }
    }

    /** Waits forever for the counter to reach zero; false only when canceled. */
    public boolean await() {
        return await(-1);
    }

    /**
     * Waits up to {@code timeout} seconds (negative: forever) for the counter to reach zero.
     *
     * @return true at zero, false on timeout ({@link ErrorCode#CO_TIMEDOUT}) or cancel
     */
    public boolean await(double timeout) {
        long nanos = Channel.nanos(timeout);
        Waiter w;
        lock.lock();
        try {
            if (count == 0) {
                return true;
            }
            if (nanos == 0) {
                return LastError.fail(ErrorCode.CO_TIMEDOUT);
            }
            w = Waiter.of(Coroutine.currentOrNull(), null, nanos);
            waiters.add(w);
        } finally {
            lock.unlock();
        }
        int r = Waiter.await(w, nanos);
        if (r == Waiter.OK) {
            return true;
        }
        lock.lock();
        try {
            waiters.remove(w);
        } finally {
            lock.unlock();
        }
        return LastError.fail(r == Waiter.CANCELED ? ErrorCode.CO_CANCELED : ErrorCode.CO_TIMEDOUT);
    }
}
