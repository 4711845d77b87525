package io.jswoole.server;

import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The order of one connection's events: the {@code connect} callback finishes before any {@code receive}
 * callback starts, and the {@code close} callback starts after every {@code receive} callback has finished.
 * Receive callbacks of one connection may overlap when they block. In BASE and THREAD mode the gate lives in the
 * {@link Connection}; a PROCESS-mode worker keeps one per fd it serves.
 */
final class EventGate {
    private final ReentrantLock gateLock = new ReentrantLock();
    private final Condition gateChanged = gateLock.newCondition();
    private boolean connected;
    private int inflight;
    /** A gate that never waits (a worker JVM with no connect/close events to order). */
    private final boolean open;

    EventGate() {
        this(false);
    }

    private EventGate(boolean open) {
        this.open = open;
        this.connected = open;
    }

    /** A gate for a connection whose connect event is not awaited. */
    static EventGate connected() {
        EventGate g = new EventGate();
        g.connected = true;
        return g;
    }

    /** A gate that never waits and counts nothing. */
    static EventGate open() {
        return new EventGate(true);
    }


    /** No connect callback will run: receives may start at once. */
    void markConnected() {
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
    void receiveQueued() {
        if (open) {
            return;
        }
        gateLock.lock();
        try {
            inflight++;
        } finally {
            gateLock.unlock();
        }
    }

    /** Before a receive callback: waits for the connect callback to finish. */
    void awaitConnected() {
        if (open) {
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

    void exitReceive() {
        if (open) {
            return;
        }
        gateLock.lock();
        try {
            if (--inflight == 0) {
                gateChanged.signalAll();
            }
        } finally {
            gateLock.unlock();
        }
    }

    /** True when no callback of this connection runs or waits, so close work may run at once. */
    boolean idle() {
        gateLock.lock();
        try {
            return connected && inflight == 0;
        } finally {
            gateLock.unlock();
        }
    }

    /** Before the close callback: waits until connect has finished and no receive callback runs. */
    void awaitIdle() {
        if (open) {
            return;
        }
        gateLock.lock();
        try {
            while (!connected || inflight > 0) {
                gateChanged.awaitUninterruptibly();
            }
        } finally {
            gateLock.unlock();
        }
    }
}
