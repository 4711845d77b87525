package io.jswoole.coroutine;

/**
 * A FIFO of {@link Waiter}s with O(1) removal (a waiter that timed out or was canceled leaves from the middle).
 * Not thread-safe: the owner guards it with its own lock.
 */
final class WaitQueue {
    private Waiter head;
    private Waiter tail;
    private int size;

    void add(Waiter w) {
        w.queue = this;
        w.prev = tail;
        w.next = null;
        if (tail == null) {
            head = w;
        } else {
            tail.next = w;
        }
        tail = w;
        size++;
    }

    /** The oldest waiter, removed; null when empty. */
    Waiter poll() {
        Waiter w = head;
        if (w != null) {
            remove(w);
        }
        return w;
    }

    /** Removes {@code w} if it is still in this queue. */
    boolean remove(Waiter w) {
        if (w.queue != this) {
            return false;
        }
        if (w.prev == null) {
            head = w.next;
        } else {
            w.prev.next = w.next;
        }
        if (w.next == null) {
            tail = w.prev;
        } else {
            w.next.prev = w.prev;
        }
        w.prev = null;
        w.next = null;
        w.queue = null;
        size--;
        return true;
    }

    /** Settles every waiter still waiting with {@code result} and empties the queue. */
    void wakeAll(int result) {
        Waiter w;
        while ((w = poll()) != null) {
            w.wake(result);
        }
    }

    int size() {
        return size;
    }

    boolean isEmpty() {
        return size == 0;
    }
}
