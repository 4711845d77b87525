package io.jswoole.memory;

import io.jswoole.ErrorCode;
import io.jswoole.SwooleException;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One block of shared memory: a file under /dev/shm mapped into this process, or an anonymous block of this
 * process alone. The process that created a file removes it on {@link #close()}; a process that attached to it
 * only unmaps it.
 */
final class Segment {
    private final String name;
    private final MemorySegment memory;
    private final Arena arena;
    private final Path file;
    private final boolean creator;
    private volatile boolean closed;

    Segment(String name, MemorySegment memory, Arena arena, Path file, boolean creator) {
        this.name = name;
        this.memory = memory;
        this.arena = arena;
        this.file = file;
        this.creator = creator;
    }

    /** The segment's name, for example {@code table-counters} or {@code atomic-0}. */
    String name() {
        return name;
    }

    /** The mapped memory; throws once the segment is closed. */
    MemorySegment memory() {
        if (closed) {
            throw new SwooleException(ErrorCode.WRONG_OPERATION, "shared segment '" + name + "' was destroyed");
        }
        return memory;
    }

    /** The backing file, or {@code null} for an anonymous segment. */
    Path file() {
        return file;
    }

    /** True when this process created the segment (and so initialises and removes it). */
    boolean creator() {
        return creator;
    }

    boolean closed() {
        return closed;
    }

    long byteSize() {
        return memory.byteSize();
    }

    /** Unmaps the memory and, in the creating process, removes the file. Idempotent. */
    void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        arena.close();
        if (creator && file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                io.jswoole.log.Log.warning("cannot remove shared segment " + file + ": " + e.getMessage());
            }
            SharedMemory.forget(this);
        }
    }
}
