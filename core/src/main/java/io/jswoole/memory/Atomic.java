package io.jswoole.memory;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

/**
 * Swoole's {@code Swoole\Atomic}: an unsigned 32-bit counter in shared memory, exact across threads and worker
 * processes. Values are passed as {@code long} in 0..4294967295 and arithmetic wraps modulo 2^32.
 * <p>{@link #wait(double)} and {@link #wakeup(int)} make it a counting semaphore for processes: {@code wait}
 * blocks while the value is 0, then takes one (decrements it) and answers true; {@code wakeup(n)} sets a value of
 * 0 to {@code n}, releasing up to {@code n} waiters. (For {@code n = 1} this is Swoole's 0/1 futex protocol.)
 * Deviation: waiting is a poll on the shared word (spin, then park from 1 us doubling to 1 ms), not a futex, so a
 * wakeup is seen within about a millisecond; it parks virtual threads instead of pinning their carrier.
 * <p>Created before {@code Server.start()} it is shared with the workers (see {@link SharedMemory}); created
 * after, it is local to its process.
 */
public final class Atomic {
    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();
    /** "JSWATOMI" in ASCII. */
    private static final long MAGIC = 0x4A535741544F4D49L;
    private static final long MASK = 0xFFFF_FFFFL;

    private final Segment segment;
    private final MemorySegment mem;

    /** A counter starting at 0. */
    public Atomic() {
        this(null, 0);
    }

    /** A counter starting at {@code value} (0..4294967295). */
    public Atomic(long value) {
        this(null, value);
    }

    /** A named counter (segment {@code atomic-<name>}); an attaching worker keeps the master's value. */
    public Atomic(String name, long value) {
        int initial = (int) check(value);
        this.segment = SharedObject.open("atomic", name, MAGIC, SharedObject.VALUE + 64,
                m -> m.set(ValueLayout.JAVA_INT, SharedObject.VALUE, initial));
        this.mem = segment.memory();
    }

    /** Adds {@code n} (wrapping) and answers the new value. */
    public long add(long n) {
        return (((int) INT.getAndAdd(mem, SharedObject.VALUE, (int) n)) + (int) n) & MASK;
    }

    /** Adds 1 and answers the new value. */
    public long add() {
        return add(1);
    }

    /** Subtracts {@code n} (wrapping) and answers the new value. */
    public long sub(long n) {
        return add(-n);
    }

    /** Subtracts 1 and answers the new value. */
    public long sub() {
        return add(-1);
    }

    /** The current value, 0..4294967295. */
    public long get() {
        return ((int) INT.getVolatile(mem, SharedObject.VALUE)) & MASK;
    }

    /** Sets the value (0..4294967295). */
    public void set(long value) {
        INT.setVolatile(mem, SharedObject.VALUE, (int) check(value));
    }

    /** Sets {@code value} if the current value is {@code expected}; true when it did. */
    public boolean cmpset(long expected, long value) {
        return INT.compareAndSet(mem, SharedObject.VALUE, (int) check(expected), (int) check(value));
    }

    /**
     * {@link #wait(double)} with Swoole's default timeout of 1 second ({@code wait()} with no argument is
     * {@link Object#wait()}, hence the name).
     */
    public boolean await() {
        return wait(1.0);
    }

    /** The same as {@link #wait(double)}, under a name that an int argument cannot turn into Object.wait. */
    public boolean await(double timeoutSeconds) {
        return wait(timeoutSeconds);
    }

    /**
     * Blocks while the value is 0, at most {@code timeoutSeconds} (negative: no limit); when the value is not 0,
     * decrements it and answers true. False on timeout. Pass a double ({@code wait(1.0)}): {@code wait(1)} with an
     * int is {@link Object#wait(long)}.
     */
    public boolean wait(double timeoutSeconds) {
        long timeout = timeoutSeconds < 0 ? -1 : (long) (timeoutSeconds * 1e9);
        OwnerLock.Waiter w = new OwnerLock.Waiter(timeout, false);
        for (;;) {
            int v = (int) INT.getVolatile(mem, SharedObject.VALUE);
            if (v != 0) {
                if (INT.compareAndSet(mem, SharedObject.VALUE, v, v - 1)) {
                    return true;
                }
                continue;
            }
            if (w.pause() == OwnerLock.Waiter.TIMED_OUT) {
                return false;
            }
        }
    }

    /** {@link #wakeup(int)} of one waiter. */
    public boolean wakeup() {
        return wakeup(1);
    }

    /** If the value is 0, sets it to {@code n} so that up to {@code n} waiters return; false when it was not 0. */
    public boolean wakeup(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("wakeup count must be at least 1, got " + n);
        }
        return INT.compareAndSet(mem, SharedObject.VALUE, 0, n);
    }

    /** Unmaps the counter (and removes its segment in the creating process); later use throws. */
    public void destroy() {
        segment.close();
    }

    private static long check(long value) {
        if (value < 0 || value > MASK) {
            throw new IllegalArgumentException("Atomic holds an unsigned 32-bit value (0..4294967295), got " + value);
        }
        return value;
    }
}
