package io.jswoole.memory;

import io.jswoole.ErrorCode;
import io.jswoole.SwooleException;

import java.lang.foreign.MemorySegment;

/**
 * Segments of the small shared objects ({@link Atomic}, {@link AtomicLong}, {@link Lock}). Layout:
 * <pre>
 *   offset  size  field
 *   0       8     magic of the kind (written last by the creator, checked by attaching processes)
 *   64      8     the value or lock word (own cache line)
 *   128     8 x n Lock only: reader slots of a read-write lock
 * </pre>
 */
final class SharedObject {
    static final long VALUE = 64;
    static final long EXTRA = 128;

    private SharedObject() {
    }

    /**
     * Opens the segment of a small object. After {@link SharedMemory#seal()} it is local to this process; a
     * creator calls {@code init} before publishing the magic.
     */
    static Segment open(String kind, String name, long magic, long bytes, java.util.function.Consumer<MemorySegment> init) {
        Segment s = SharedMemory.open(kind, name == null ? null : SharedMemory.checkName(name), bytes, true);
        MemorySegment m = s.memory();
        if (s.creator()) {
            init.accept(m);
            OwnerLock.LONG.setRelease(m, 0L, magic);
        } else if ((long) OwnerLock.LONG.getAcquire(m, 0L) != magic) {
            s.close();
            throw new SwooleException(ErrorCode.WRONG_OPERATION, "shared object '" + s.name()
                    + "' in the master is not a " + kind + " of this kind: create the same objects in every process");
        }
        return s;
    }
}
