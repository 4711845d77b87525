package io.jswoole.coroutine;

import io.jswoole.timer.TimerWheel;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.LockSupport;

/**
 * One suspension of one coroutine (or plain thread): the token every jswoole wait parks on. Exactly one party
 * settles it, by a compare-and-set from {@link #WAITING}: the waker ({@link #OK}, {@link #CLOSED}), the timing
 * wheel ({@link #TIMEOUT}) or {@link Coroutine#cancel} ({@link #CANCELED}). The loser of that race does nothing, so
 * a wake-up, a timeout and a cancel can never both take effect.
 * <p>A waiter is also the node of the wait queue it sits in ({@link WaitQueue}) and of the timing wheel, so a wait
 * costs one small object. A waker hands a value over by writing {@link #item} before settling.
 */
final class Waiter extends TimerWheel.Node {
    static final int WAITING = 0;
    static final int OK = 1;
    static final int TIMEOUT = 2;
    static final int CANCELED = 3;
    static final int CLOSED = 4;

    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(Waiter.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final Thread thread = Thread.currentThread();
    final Coroutine co;
    /** True while this wait counts as "blocked forever" for the deadlock check of its scheduler. */
    boolean forever;
    volatile int state;
    Object item;
    Waiter prev;
    Waiter next;
    WaitQueue queue;

    Waiter(Coroutine co) {
        this.co = co;
    }

    Waiter(Coroutine co, Object item) {
        this.co = co;
        this.item = item;
    }

    /** Settles this wait with {@code result} if nobody did yet; the caller must then {@link #unpark()}. */
    boolean claim(int result) {
        if (!STATE.compareAndSet(this, WAITING, result)) {
            return false;
        }
        if (forever) {
            co.scheduler().unblocked();
        }
        return true;
    }

    void unpark() {
        LockSupport.unpark(thread);
    }

    /** Settles and wakes; false when the wait was settled already. */
    boolean wake(int result) {
        if (claim(result)) {
            unpark();
            return true;
        }
        return false;
    }

    @Override
    protected void expire() {
        wake(TIMEOUT);
    }

    /**
     * A waiter for the calling coroutine (or plain thread). A coroutine's untimed wait ({@code timeoutNanos < 0})
     * counts as "blocked forever" for its scheduler's deadlock check from now until it is settled; pass any
     * non-negative value for a wait that something outside the scheduler will settle.
     */
    static Waiter of(Coroutine co, Object item, long timeoutNanos) {
        Waiter w = new Waiter(co, item);
        if (co != null && timeoutNanos < 0) {
            w.forever = true;
            co.scheduler().blocked();
        }
        return w;
    }

    /**
     * Parks the caller until {@code w} is settled or {@code timeoutNanos} passes (negative: no timeout) and returns
     * the result. Coroutines time out on their scheduler's wheel, plain threads with {@code parkNanos}.
     */
    static int await(Waiter w, long timeoutNanos) {
        Coroutine co = w.co;
        if (co == null) {
            long deadline = System.nanoTime() + timeoutNanos;
            while (w.state == Waiter.WAITING) {
                if (timeoutNanos < 0) {
                    LockSupport.park(w);
                } else {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        w.claim(Waiter.TIMEOUT);
                    } else {
                        LockSupport.parkNanos(w, left);
                    }
                }
            }
            return w.state;
        }
        co.canceled = false;
        co.waiter = w;
        Scheduler s = co.scheduler();
        if (timeoutNanos >= 0) {
            s.timers().add(w, System.nanoTime() + timeoutNanos);
        } else if (w.forever) {
            s.checkDeadlockSoon();
        }
        while (w.state == Waiter.WAITING) {
            LockSupport.park(w);
        }
        if (w.scheduled()) {
            s.timers().remove(w);
        }
        co.waiter = null;
        return w.state;
    }
}
