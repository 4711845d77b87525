package io.jswoole.memory;

import io.jswoole.log.Log;

import java.lang.foreign.MemorySegment;

/**
 * Swoole's {@code Swoole\Lock} across threads and worker processes: {@link Type#MUTEX}, {@link Type#RWLOCK} and
 * {@link Type#SPINLOCK}. Sharing rules as {@link Atomic} (create it before {@code Server.start()}).
 * <p>The exclusive word records its owner's pid (see {@link OwnerLock}): a process killed while holding the lock
 * blocks the others for at most about {@value OwnerLock#MAX_CHECK_MS} ms of waiting, after which a waiter in
 * {@link #lock()} or {@link #lockwait(double)} takes it over. A read-write lock counts its readers per process
 * in {@value #READER_SLOTS} slots that also record pids, so dead readers are reclaimed the same way; writers have
 * priority over new readers. {@link #unlock()} releases first what the calling thread took; another thread of
 * the owning process may also release an exclusive lock. Waiting is a
 * spin then a park (1 us doubling to 1 ms); a SPINLOCK only spins and yields. Not reentrant.
 */
public final class Lock {
    /** Lock kinds, with Swoole's constant values. */
    public enum Type {
        RWLOCK(1), MUTEX(3), SPINLOCK(5);

        private final int code;

        Type(int code) {
            this.code = code;
        }

        /** Swoole's {@code SWOOLE_*} value. */
        public int code() {
            return code;
        }
    }

    /** Processes that can hold a read lock at the same time. */
    public static final int READER_SLOTS = 64;
    /** "JSWLOCK" in ASCII, the type code in the low byte. */
    private static final long MAGIC = 0x4A53574C4F434B00L;
    private static final long WORD = SharedObject.VALUE;

    private final Type type;
    private final Segment segment;
    private final MemorySegment mem;

    /** A mutex. */
    public Lock() {
        this(null, Type.MUTEX);
    }

    /** A lock of the given type. */
    public Lock(Type type) {
        this(null, type);
    }

    /** A named lock (segment {@code lock-<name>}). */
    public Lock(String name, Type type) {
        if (type == null) {
            throw new IllegalArgumentException("lock type must not be null");
        }
        this.type = type;
        this.segment = SharedObject.open("lock", name, MAGIC | type.code(),
                SharedObject.EXTRA + READER_SLOTS * 8L, m -> { });
        this.mem = segment.memory();
    }

    /** The lock's type. */
    public Type type() {
        return type;
    }

    /** Takes the lock exclusively, waiting as long as needed. */
    public boolean lock() {
        return lockwait(-1);
    }

    /** Takes the lock exclusively if it is free now (or held by a dead process); false otherwise. */
    public boolean trylock() {
        if (!OwnerLock.tryAcquireOrRecover(mem, WORD, OwnerLock.threadWord())) {
            return false;
        }
        if (type == Type.RWLOCK && readers(true)) {
            OwnerLock.release(mem, WORD);
            return false;
        }
        return true;
    }

    /** Takes the lock exclusively within {@code timeoutSeconds} (negative: no limit); false on timeout. */
    public boolean lockwait(double timeoutSeconds) {
        long timeout = timeoutSeconds < 0 ? -1 : (long) (timeoutSeconds * 1e9);
        long start = System.nanoTime();
        long me = OwnerLock.threadWord();
        if (!OwnerLock.tryAcquire(mem, WORD, me)
                && !OwnerLock.acquireSlow(mem, WORD, me, timeout, type == Type.SPINLOCK)) {
            return false;
        }
        if (type != Type.RWLOCK) {
            return true;
        }
        long left = timeout < 0 ? -1 : Math.max(0, timeout - (System.nanoTime() - start));
        OwnerLock.Waiter w = new OwnerLock.Waiter(left, false);
        for (;;) {
            if (!readers(false)) {
                return true;
            }
            int step = w.pause();
            if (step == OwnerLock.Waiter.TIMED_OUT) {
                OwnerLock.release(mem, WORD);
                return false;
            }
            if (step == OwnerLock.Waiter.CHECK_OWNER) {
                readers(true);
            }
        }
    }

    /** Takes a shared (read) lock; for a mutex or spin lock, the same as {@link #lock()}. */
    public boolean lockRead() {
        return lockRead(-1);
    }

    /** Takes a shared lock if no writer holds or waits for the lock; false otherwise. */
    public boolean trylockRead() {
        return type == Type.RWLOCK ? lockRead(0) : trylock();
    }

    /**
     * Releases the exclusive lock taken by this thread, else one read lock of this process, else the exclusive
     * lock taken by another thread of this process. False when this process holds nothing.
     */
    public boolean unlock() {
        long w = (long) OwnerLock.LONG.getVolatile(mem, WORD);
        if (w != 0 && w == OwnerLock.threadWord()) {
            OwnerLock.release(mem, WORD);
            return true;
        }
        if (type == Type.RWLOCK && leaveSlot()) {
            return true;
        }
        if (w != 0 && OwnerLock.ownerPid(w) == OwnerLock.PID
                && OwnerLock.LONG.compareAndSet(mem, WORD, w, 0L)) {
            return true;
        }
        return false;
    }

    /** Unmaps the lock (and removes its segment in the creating process); later use throws. */
    public void destroy() {
        segment.close();
    }

    /** Test hook (crash tests): the raw lock word. */
    long word() {
        return (long) OwnerLock.LONG.getVolatile(mem, WORD);
    }

    private boolean lockRead(long timeout) {
        if (type != Type.RWLOCK) {
            return timeout < 0 ? lock() : trylock();
        }
        OwnerLock.Waiter waiter = new OwnerLock.Waiter(timeout, false);
        for (;;) {
            long writer = (long) OwnerLock.LONG.getVolatile(mem, WORD);
            if (writer == 0) {
                int slot = enterSlot();
                if (slot >= 0) {
                    if ((long) OwnerLock.LONG.getVolatile(mem, WORD) == 0) {
                        return true;
                    }
                    leaveSlot();
                }
            }
            int step = waiter.pause();
            if (step == OwnerLock.Waiter.TIMED_OUT) {
                return false;
            }
            if (step == OwnerLock.Waiter.CHECK_OWNER || timeout == 0) {
                if (writer != 0) {
                    OwnerLock.recover(mem, WORD, writer, 0L);
                }
                readers(true);
            }
        }
    }

    private static long slot(int i) {
        return SharedObject.EXTRA + 8L * i;
    }

    /** Adds one reader for this process: to its slot, else to a free one. The slot index, or -1 if all taken. */
    private int enterSlot() {
        int start = (int) (OwnerLock.PID % READER_SLOTS);
        for (int i = 0; i < READER_SLOTS; i++) {
            int idx = (start + i) % READER_SLOTS;
            long s;
            while ((s = (long) OwnerLock.LONG.getVolatile(mem, slot(idx))) != 0 && OwnerLock.ownerPid(s) == OwnerLock.PID) {
                if (OwnerLock.LONG.compareAndSet(mem, slot(idx), s, s + 1)) {
                    return idx;
                }
            }
        }
        for (int i = 0; i < READER_SLOTS; i++) {
            int idx = (start + i) % READER_SLOTS;
            if (OwnerLock.LONG.compareAndSet(mem, slot(idx), 0L, OwnerLock.PROCESS_WORD | 1)) {
                return idx;
            }
        }
        return -1;
    }

    /** Removes one reader of this process; a slot whose count drops to 0 is freed. */
    private boolean leaveSlot() {
        for (int idx = 0; idx < READER_SLOTS; idx++) {
            long s;
            while ((s = (long) OwnerLock.LONG.getVolatile(mem, slot(idx))) != 0 && OwnerLock.ownerPid(s) == OwnerLock.PID) {
                long next = (s & 0xFFFF_FFFFL) == 1 ? 0L : s - 1;
                if (OwnerLock.LONG.compareAndSet(mem, slot(idx), s, next)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** True when some live process holds a read lock; with {@code reclaim}, frees the slots of dead ones. */
    private boolean readers(boolean reclaim) {
        boolean busy = false;
        for (int idx = 0; idx < READER_SLOTS; idx++) {
            long s = (long) OwnerLock.LONG.getVolatile(mem, slot(idx));
            if (s == 0) {
                continue;
            }
            long pid = OwnerLock.ownerPid(s);
            if (reclaim && pid != OwnerLock.PID && !OwnerLock.alive(pid)) {
                if (OwnerLock.LONG.compareAndSet(mem, slot(idx), s, 0L)) {
                    Log.warning("read lock held by dead process " + pid + " reclaimed by process " + OwnerLock.PID);
                }
                continue;
            }
            busy = true;
        }
        return busy;
    }
}
