package io.jswoole.memory;

import io.jswoole.log.Log;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.LockSupport;

/**
 * Exclusive locks on one 64-bit word of shared memory that record their owner, so that a process killed while
 * holding one cannot wedge the others.
 * <p>The word is 0 when free, else {@code ownerPid << 32 | tag} (the tag tells threads apart for diagnostics;
 * exclusion between threads of one process comes from the word itself). A waiter spins briefly, then yields and
 * parks with a growing pause (1 us to 1 ms; a spin lock only spins and yields). Every so often while it waits
 * (first after 1 ms, then at doubling intervals up to {@value #MAX_CHECK_MS} ms) it asks the OS whether the
 * owner's pid is still alive ({@link ProcessHandle#of}); if not it takes the word over with a CAS. So a lock held
 * by a dead process is recovered within about {@value #MAX_CHECK_MS} ms of waiting. A lock held by this same
 * process is never taken over. Caveat: if the dead owner's pid is reused by a new process before a waiter checks,
 * the waiter keeps waiting for that process.
 */
final class OwnerLock {
    static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();
    static final long PID = ProcessHandle.current().pid();
    /** The word a process writes when it does not tell its threads apart (table row locks). */
    static final long PROCESS_WORD = PID << 32;
    static final int MAX_CHECK_MS = 64;

    private static final long FIRST_CHECK_NS = 1_000_000L;
    private static final long MAX_CHECK_NS = MAX_CHECK_MS * 1_000_000L;
    private static final long MAX_PARK_NS = 1_000_000L;
    private static final int SPINS = 128;

    private OwnerLock() {
    }

    /** This thread's word: this pid and the low 32 bits of the thread id. */
    static long threadWord() {
        return PROCESS_WORD | (Thread.currentThread().threadId() & 0xFFFF_FFFFL);
    }

    /** The pid recorded in a lock word. */
    static long ownerPid(long word) {
        return word >>> 32;
    }

    /** True when the OS knows a live process with this pid. */
    static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    /** One attempt: takes the free word. */
    static boolean tryAcquire(MemorySegment s, long offset, long me) {
        return LONG.compareAndSet(s, offset, 0L, me);
    }

    /** One attempt that also takes the word over from a dead owner. */
    static boolean tryAcquireOrRecover(MemorySegment s, long offset, long me) {
        if (LONG.compareAndSet(s, offset, 0L, me)) {
            return true;
        }
        long w = (long) LONG.getVolatile(s, offset);
        return w == 0 ? LONG.compareAndSet(s, offset, 0L, me) : recover(s, offset, w, me);
    }

    /** Takes the word, waiting as long as needed. */
    static void acquire(MemorySegment s, long offset, long me, boolean spinOnly) {
        if (!LONG.compareAndSet(s, offset, 0L, me)) {
            acquireSlow(s, offset, me, -1, spinOnly);
        }
    }

    /**
     * Takes the word within {@code timeoutNanos} (negative: no limit); false on timeout. Recovers the word from a
     * dead owner.
     */
    static boolean acquireSlow(MemorySegment s, long offset, long me, long timeoutNanos, boolean spinOnly) {
        Waiter w = new Waiter(timeoutNanos, spinOnly);
        for (;;) {
            long word = (long) LONG.getVolatile(s, offset);
            if (word == 0) {
                if (LONG.compareAndSet(s, offset, 0L, me)) {
                    return true;
                }
                continue;
            }
            int step = w.pause();
            if (step == Waiter.TIMED_OUT) {
                return false;
            }
            if (step == Waiter.CHECK_OWNER && recover(s, offset, word, me)) {
                return true;
            }
        }
    }

    /** Frees the word. */
    static void release(MemorySegment s, long offset) {
        LONG.setRelease(s, offset, 0L);
    }

    /** Replaces {@code seen} by {@code me} if its owner is another process that is dead. */
    static boolean recover(MemorySegment s, long offset, long seen, long me) {
        long pid = ownerPid(seen);
        if (pid == PID || alive(pid)) {
            return false;
        }
        if (LONG.compareAndSet(s, offset, seen, me)) {
            Log.warning("shared lock held by dead process " + pid + " recovered by process " + PID);
            return true;
        }
        return false;
    }

    /** The waiting policy shared by every blocking lock of this package. */
    static final class Waiter {
        static final int AGAIN = 0, CHECK_OWNER = 1, TIMED_OUT = 2;

        private final long timeoutNanos;
        private final boolean spinOnly;
        private boolean started;
        private long start;
        private long nextCheck;
        private long checkInterval = FIRST_CHECK_NS;
        private long park = 1_000L;
        private int spins;
        private int yields;

        Waiter(long timeoutNanos, boolean spinOnly) {
            this.timeoutNanos = timeoutNanos;
            this.spinOnly = spinOnly;
        }

        /** Waits a little; tells whether to check the owner's liveness now, or that the time is up. */
        int pause() {
            if (spins < SPINS) {
                spins++;
                Thread.onSpinWait();
                if (timeoutNanos != 0) {
                    return AGAIN;
                }
            }
            long now = System.nanoTime();
            if (!started) {
                started = true;
                start = now;
                nextCheck = now + checkInterval;
            }
            if (timeoutNanos >= 0 && now - start >= timeoutNanos) {
                return TIMED_OUT;
            }
            if (spinOnly) {
                if ((++yields & 63) == 0) {
                    Thread.yield();
                } else {
                    Thread.onSpinWait();
                }
            } else {
                LockSupport.parkNanos(park);
                park = Math.min(park * 2, MAX_PARK_NS);
            }
            if (now - nextCheck >= 0) {
                checkInterval = Math.min(checkInterval * 2, MAX_CHECK_NS);
                nextCheck = now + checkInterval;
                return CHECK_OWNER;
            }
            return AGAIN;
        }
    }
}
