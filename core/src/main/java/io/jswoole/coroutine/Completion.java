package io.jswoole.coroutine;

import io.jswoole.ErrorCode;
import io.jswoole.SwooleException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A one-shot result that coroutines wait for: the bridge from work done elsewhere (an I/O thread, a Netty future,
 * a helper thread) to a parked coroutine. Any thread completes it once; every waiter wakes. Waiting parks only the
 * coroutine (a plain thread parks itself), can time out, and can be {@linkplain Coroutine#cancel canceled}.
 * <p>Because the result comes from outside the scheduler, such a wait never counts as "blocked forever" for the
 * deadlock check of {@link Coroutine#run}.
 *
 * @param <T> result type
 */
public final class Completion<T> {
    private final ReentrantLock lock = new ReentrantLock();
    private final WaitQueue waiters = new WaitQueue();
    private boolean done;
    private T value;
    private Throwable error;

    /** Completes with {@code result}; false when already completed. */
    public boolean complete(T result) {
        return settle(result, null);
    }

    /** Completes with a failure; false when already completed. */
    public boolean fail(Throwable cause) {
        return settle(null, cause);
    }

    private boolean settle(T result, Throwable cause) {
        lock.lock();
        try {
            if (done) {
                return false;
            }
            done = true;
            value = result;
            error = cause;
            waiters.wakeAll(Waiter.OK);
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Whether it has completed (with a result or a failure). */
    public boolean isDone() {
        lock.lock();
        try {
            return done;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits up to {@code timeout} seconds (negative: forever, 0: only look) for the result.
     *
     * @throws SwooleException {@link ErrorCode#CO_TIMEDOUT} on timeout, {@link ErrorCode#CO_CANCELED} when the
     *                         waiting coroutine was canceled (the completion stays usable for a later wait)
     * @throws CompletionException wrapping the failure given to {@link #fail}
     */
    public T await(double timeout) {
        long nanos = Channel.nanos(timeout);
        Waiter w;
        lock.lock();
        try {
            if (done) {
                return result();
            }
            if (nanos == 0) {
                throw new SwooleException(ErrorCode.CO_TIMEDOUT, "not completed");
            }
            w = new Waiter(Coroutine.currentOrNull());
            waiters.add(w);
        } finally {
            lock.unlock();
        }
        int r = Waiter.await(w, nanos);
        lock.lock();
        try {
            waiters.remove(w);
            if (r == Waiter.OK || done) {
                return result();
            }
        } finally {
            lock.unlock();
        }
        throw r == Waiter.CANCELED ? new SwooleException(ErrorCode.CO_CANCELED, "canceled")
                : new SwooleException(ErrorCode.CO_TIMEDOUT, "timed out after " + timeout + " s");
    }

    private T result() {
        if (error != null) {
            throw error instanceof CompletionException ce ? ce : new CompletionException(error);
        }
        return value;
    }
}
