package io.jswoole.timer;

import java.util.PriorityQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;

/**
 * The one daemon thread that wakes {@link TimerWheel}s: it keeps, per wheel, the time of its next non-empty slot
 * and, when it comes, submits that wheel's tick to the wheel's carrier. It never runs user code and never touches
 * a wheel's nodes, so a busy carrier delays only its own timers.
 * <p>Asking for a wake never blocks: the caller may be a scheduler's only carrier (a wheel's tick runs there), and a
 * carrier that parks on a lock whose next owner is one of its own virtual threads would wait for good (seen with a
 * lock here: the lock went to a virtual thread that only that parked carrier could run). Callers add to an inbox
 * and wake the thread only when their time is earlier than the one it sleeps until.
 */
final class Ticker {
    static final Ticker INSTANCE = new Ticker();

    private record Wake(TimerWheel wheel, long at) implements Comparable<Wake> {
        @Override
        public int compareTo(Wake o) {
            return Long.compare(at - o.at, 0);
        }
    }

    private final ConcurrentLinkedQueue<Wake> inbox = new ConcurrentLinkedQueue<>();
    /** The ticker thread's own: wakes by time. */
    private final PriorityQueue<Wake> heap = new PriorityQueue<>();
    /** True while the thread sleeps (or is about to) until {@link #sleepsUntil} (or for good, with no wake due). */
    private volatile boolean sleeping;
    private volatile boolean sleepsForever;
    private volatile long sleepsUntil;
    private volatile Thread thread;

    private Ticker() {
    }

    boolean started() {
        return thread != null;
    }

    /** Asks for a tick of {@code wheel} at {@code atNanos}. */
    void wakeAt(TimerWheel wheel, long atNanos) {
        inbox.add(new Wake(wheel, atNanos));
        Thread t = thread;
        if (t == null) {
            synchronized (this) { // once, and never from under another wake: the thread itself never asks
                t = thread;
                if (t == null) {
                    thread = t = Thread.ofPlatform().daemon().name("jswoole-timer").start(this::loop);
                }
            }
        }
        // read after the add: either the thread sees this wake when it looks at the inbox before sleeping, or this
        // sees that it sleeps (the flags are written before that look) and wakes it if it sleeps too long
        if (sleeping && (sleepsForever || atNanos - sleepsUntil < 0)) {
            LockSupport.unpark(t);
        }
    }

    private void loop() {
        while (true) {
            drainInbox();
            Wake head = heap.peek();
            long now = System.nanoTime();
            if (head != null && head.at - now <= 0) {
                heap.poll();
                head.wheel.schedule();
                continue;
            }
            sleepsForever = head == null;
            sleepsUntil = head == null ? 0 : head.at;
            sleeping = true;
            if (inbox.isEmpty()) {
                if (head == null) {
                    LockSupport.park(this);
                } else {
                    LockSupport.parkNanos(this, head.at - now);
                }
            }
            sleeping = false;
        }
    }

    private void drainInbox() {
        Wake w;
        while ((w = inbox.poll()) != null) {
            heap.add(w);
        }
    }
}
