package io.jswoole.coroutine;

import io.jswoole.ErrorCode;
import io.jswoole.LastError;
import java.util.concurrent.locks.ReentrantLock;

/**
 * {@code Swoole\Coroutine\Lock}: a coroutine mutex. Coroutines of one scheduler never run in parallel, but a
 * coroutine that waits (I/O, sleep) inside a critical section lets the others in; this lock keeps them out until
 * {@link #unlock}, parking only the coroutines that wait for it. Ownership is per coroutine (per thread outside
 * coroutines); as in Swoole, locking a lock one already holds succeeds at once and one {@link #unlock} releases it.
 * The lock is handed to waiters in FIFO order.
 */
public final class Lock {
    private final ReentrantLock guard = new ReentrantLock();
    private final WaitQueue waiters = new WaitQueue();
    private Object owner;

    /** Takes the lock, waiting forever; false only when canceled ({@link ErrorCode#CO_CANCELED}). */
    public boolean lock() {
        return lock(-1);
    }

    /**
     * Takes the lock, waiting up to {@code timeout} seconds (negative: forever, 0: {@link #trylock}).
     *
     * @return false on timeout ({@link ErrorCode#CO_TIMEDOUT}) or cancel ({@link ErrorCode#CO_CANCELED})
     */
    public boolean lock(double timeout) {
        long nanos = Channel.nanos(timeout);
        Object me = self();
        Waiter w;
        guard.lock();
        try {
            if (owner == null || owner == me) {
                owner = me;
                return true;
            }
            if (nanos == 0) {
                return LastError.fail(ErrorCode.CO_TIMEDOUT);
            }
            w = Waiter.of(Coroutine.currentOrNull(), me, nanos);
            waiters.add(w);
        } finally {
            guard.unlock();
        }
        int r = Waiter.await(w, nanos);
        if (r == Waiter.OK) {
            return true;
        }
        guard.lock();
        try {
            waiters.remove(w);
        } finally {
            guard.unlock();
        }
        return LastError.fail(r == Waiter.CANCELED ? ErrorCode.CO_CANCELED : ErrorCode.CO_TIMEDOUT);
    }

    /** Takes the lock only if it is free (or already ours). */
    public boolean trylock() {
        return lock(0);
    }

    /**
     * Releases the lock and hands it to the oldest waiter.
     *
     * @return false when the caller does not hold it ({@link ErrorCode#CO_MUTEX_DOUBLE_UNLOCK})
     */
    public boolean unlock() {
        guard.lock();
        try {
            if (owner != self()) {
                return LastError.fail(ErrorCode.CO_MUTEX_DOUBLE_UNLOCK);
            }
            owner = null;
            Waiter w;
            while ((w = waiters.poll()) != null) {
                if (w.claim(Waiter.OK)) {
                    owner = w.item;
                    w.unpark();
                    break;
                }
            }
            return true;
        } finally {
            guard.unlock();
        }
    }

    /** Whether some coroutine holds the lock. */
    public boolean isLocked() {
        guard.lock();
        try {
            return owner != null;
        } finally {
            guard.unlock();
        }
    }

    private static Object self() {
        Coroutine co = Coroutine.currentOrNull();
        return co != null ? co : Thread.currentThread();
    }
}
