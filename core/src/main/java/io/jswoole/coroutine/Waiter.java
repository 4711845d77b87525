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
}
