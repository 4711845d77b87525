package io.jswoole.server.worker;

import io.jswoole.server.reactor.Connection;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The order of one connection's events: the {@code connect} callback finishes before any {@code receive}
 * callback starts, and the {@code close} callback starts after every {@code receive} callback has finished.
 * Receive callbacks of one connection may overlap when they block. In BASE and THREAD mode the gate lives in the
 * {@link Connection}; a PROCESS-mode worker keeps one per fd it serves.
 * <p>Every request passes the gate three times (queued, connected, done), so those passes take no lock: a
 * counter and a flag that only ever turns true. The gate's monitor is for the waits, which are rare (a receive
 * that arrives while connect still runs, a close while receives run); a receive that ends takes it only when a
 * close waits for it. A monitor rather than a lock object: every connection has a gate, and since JDK 24 a virtual
 * thread waits on a monitor without pinning its carrier.
 */
public final class EventGate {
    private static final VarHandle INFLIGHT;

    static {
        try {
            INFLIGHT = MethodHandles.lookup().findVarHandle(EventGate.class, "inflight", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Turns true once (the connect callback finished) and never back. */
    private volatile boolean connected;
    /** Receive events queued or running (through {@link #INFLIGHT}). */
    private volatile int inflight;
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
        synchronized (this) {
            connected = true;
            notifyAll();
        }
    }

    /** A receive event was handed to a worker (counted until {@link #exitReceive}). */
    public void receiveQueued() {
        if (!open) {
            INFLIGHT.getAndAdd(this, 1);
        }
    }

    /** Before a receive callback: waits for the connect callback to finish. */
    void awaitConnected() {
        if (open || connected) {
            return;
        }
        boolean interrupted = false;
        synchronized (this) {
            while (!connected) {
                interrupted |= waitUninterruptibly();
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    public void exitReceive() {
        if (open) {
            return;
        }
        // the decrement and the read of idleWaiters are ordered against awaitIdle's increment and its read of
        // inflight (all volatile): either the waiter sees 0, or this sees the waiter and signals under the lock
        if ((int) INFLIGHT.getAndAdd(this, -1) == 1 && idleWaiters > 0) {
            synchronized (this) {
                notifyAll();
            }
        }
    }

    /** True when no callback of this connection runs or waits, so close work may run at once. */
    public boolean idle() {
        return connected && inflight == 0;
    }

    /** Before the close callback: waits until connect has finished and no receive callback runs. */
    public void awaitIdle() {
        if (open) {
            return;
        }
        boolean interrupted = false;
        synchronized (this) {
            idleWaiters++;
            try {
                while (!connected || inflight > 0) {
                    interrupted |= waitUninterruptibly();
                }
            } finally {
                idleWaiters--;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** One {@code wait()}, under the monitor; true when it was interrupted (the caller keeps waiting). */
    private boolean waitUninterruptibly() {
        try {
            wait();
            return false;
        } catch (InterruptedException e) {
            return true;
        }
    }
}
