package io.jswoole.timer;

import java.util.PriorityQueue;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The one daemon thread that wakes {@link TimerWheel}s: it keeps, per wheel, the time of its next non-empty slot
 * and, when it comes, submits that wheel's tick to the wheel's carrier. It never runs user code and never touches
 * a wheel's nodes, so a busy carrier delays only its own timers.
 */
final class Ticker {
    static final Ticker INSTANCE = new Ticker();

    private record Wake(TimerWheel wheel, long at) implements Comparable<Wake> {
        @Override
        public int compareTo(Wake o) {
            return Long.compare(at - o.at, 0);
        }
    }

    private final PriorityQueue<Wake> heap = new PriorityQueue<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private Thread thread;

    private Ticker() {
    }

    boolean started() {
        return thread != null;
    }

    /** Asks for a tick of {@code wheel} at {@code atNanos}. */
    void wakeAt(TimerWheel wheel, long atNanos) {
        lock.lock();
        try {
            if (thread == null) {
                thread = Thread.ofPlatform().daemon().name("jswoole-timer").start(this::loop);
            }
            Wake w = new Wake(wheel, atNanos);
            heap.add(w);
            if (heap.peek() == w) {
                changed.signal();
            }
        } finally {
            lock.unlock();
        }
    }

    private void loop() {
        while (true) {
            TimerWheel due = null;
            lock.lock();
            try {
                Wake head = heap.peek();
                if (head == null) {
                    changed.awaitUninterruptibly();
                    continue;
                }
                long wait = head.at - System.nanoTime();
                if (wait > 0) {
                    changed.awaitNanos(wait);
                    continue;
                }
                heap.poll();
                due = head.wheel;
            } catch (InterruptedException e) {
                // daemon thread: keep serving
            } finally {
                lock.unlock();
            }
            if (due != null) {
                due.schedule();
            }
        }
    }
}
