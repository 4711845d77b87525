package io.jswoole.memory;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Swoole's {@code Swoole\Atomic\Long}: a signed 64-bit counter in shared memory, exact across threads and worker
 * processes; arithmetic wraps on overflow. Sharing rules as {@link Atomic}.
 */
public final class AtomicLong {
    /** "JSWATOML" in ASCII. */
    private static final long MAGIC = 0x4A535741544F4D4CL;

    private final Segment segment;
    private final MemorySegment mem;

    /** A counter starting at 0. */
    public AtomicLong() {
        this(null, 0);
    }

    /** A counter starting at {@code value}. */
    public AtomicLong(long value) {
        this(null, value);
    }

    /** A named counter (segment {@code atomiclong-<name>}); an attaching worker keeps the master's value. */
    public AtomicLong(String name, long value) {
        this.segment = SharedObject.open("atomiclong", name, MAGIC, SharedObject.VALUE + 64,
                m -> m.set(ValueLayout.JAVA_LONG, SharedObject.VALUE, value));
        this.mem = segment.memory();
    }

    /** Adds {@code n} and answers the new value. */
    public long add(long n) {
        return (long) OwnerLock.LONG.getAndAdd(mem, SharedObject.VALUE, n) + n;
    }

    /** Adds 1 and answers the new value. */
    public long add() {
        return add(1);
    }

    /** Subtracts {@code n} and answers the new value. */
    public long sub(long n) {
        return add(-n);
    }

    /** Subtracts 1 and answers the new value. */
    public long sub() {
        return add(-1);
    }

    /** The current value. */
    public long get() {
        return (long) OwnerLock.LONG.getVolatile(mem, SharedObject.VALUE);
    }

    /** Sets the value. */
    public void set(long value) {
        OwnerLock.LONG.setVolatile(mem, SharedObject.VALUE, value);
    }

    /** Sets {@code value} if the current value is {@code expected}; true when it did. */
    public boolean cmpset(long expected, long value) {
        return OwnerLock.LONG.compareAndSet(mem, SharedObject.VALUE, expected, value);
    }

    /** Unmaps the counter (and removes its segment in the creating process); later use throws. */
    public void destroy() {
        segment.close();
    }
}
