package io.jswoole.server.worker;

import io.jswoole.server.reactor.Connection;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The order of one connection's events: the {@code connect} callback finishes before any {@code receive}
 * callback starts, and the {@code close} callback starts after every {@code receive} callback has finished.
 * Receive callbacks of one connection may overlap when they block. In BASE and THREAD mode the gate lives in the
 * {@link Connection}; a PROCESS-mode worker keeps one per fd it serves.
 * <p>Every request passes the gate three times (queued, connected, done), so those passes take no lock: a
 * counter and a flag that only ever turns true. The lock and its condition are for the waits, which are rare
 * (a receive that arrives while connect still runs, a close while receives run); a receive that ends takes the
 * lock only when a close waits for it.
 */
public final class EventGate {
    private final ReentrantLock gateLock = new ReentrantLock();
    private final Condition gateChanged = gateLock.newCondition();
    /** Turns true once (the connect callback finished) and never back. */
    private volatile boolean connected;
    private final AtomicInteger inflight = new AtomicInteger();
    /** Threads in {@link #awaitIdle} now: a receive that ends wakes them only when there are some. */
    private volatile int idleWaiters;
    /** A gate that never waits (a worker JVM with no connect/close events to order). */
    private final boolean open;

    public EventGate() {
        this(false);
    }

    private EventGate(boolean open) {
        this.open = open;
        this.connected = open;
    }

    /** A gate for a connection whose connect event is not awaited. */
    public static EventGate connected() {
        EventGate g = new EventGate();
        g.connected = true;
        return g;
    }

    /** A gate that never waits and counts nothing. */
    public static EventGate open() {
        return new EventGate(true);
    }

    /** No connect callback will run: receives may start at once. */
    public void markConnected() {
        if (open) {
            return;
        }
        gateLock.lock();
        try {
            connected = true;
            gateChanged.signalAll();
        } finally {
            gateLock.unlock();
        }
    }

    /** A receive event was handed to a worker (counted until {@link #exitReceive}). */
    public void receiveQueued() {
        if (!open) {
            inflight.incrementAndGet();
        }
    }

    /** Before a receive callback: waits for the connect callback to finish. */
    void awaitConnected() {
        if (open || connected) {
            return;
        }
        gateLock.lock();
        try {
            while (!connected) {
                gateChanged.awaitUninterruptibly();
            }
        } finally {
            gateLock.unlock();
        }
    }

    public void exitReceive() {
        if (open) {
            return;
        }
        // the decrement and the read of idleWaiters are ordered against awaitIdle's increment and its read of
        // inflight (all volatile): either the waiter sees 0, or this sees the waiter and signals under the lock
        if (inflight.decrementAndGet() == 0 && idleWaiters > 0) {
            gateLock.lock();
            try {
                gateChanged.signalAll();
            } finally {
                gateLock.unlock();
            }
        }
    }

    /** True when no callback of this connection runs or waits, so close work may run at once. */
    public boolean idle() {
        return connected && inflight.get() == 0;
    }

    /** Before the close callback: waits until connect has finished and no receive callback runs. */
    public void awaitIdle() {
        if (open) {
            return;
        }
        gateLock.lock();
        try {
            idleWaiters++;
            while (!connected || inflight.get() > 0) {
                gateChanged.awaitUninterruptibly();
            }
        } finally {
            idleWaiters--;
            gateLock.unlock();
        }
    }
}
