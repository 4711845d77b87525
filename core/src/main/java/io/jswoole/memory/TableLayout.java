package io.jswoole.memory;

import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * The byte layout of a {@link Table} segment. All offsets are in bytes; integers are in the platform's byte order
 * except key chunks, which are little-endian so that the key bytes lie in memory in order.
 * <pre>
 * Header (768 bytes)
 *   offset  size  field
 *   0       8     magic "JSWTABLE" (written last by the creator; an attaching process checks it)
 *   8       4     layout version ({@value #VERSION})
 *   12      4     capacity: rows the table holds (size() rounded up to a power of two, at least 64)
 *   16      4     bucket count (2 x capacity)
 *   20      4     row size
 *   24      4     column count
 *   32      8     schema hash (names, types and sizes of the columns)
 *   64      8     num: rows in use                                   (own cache line)
 *   128     8     free list head: tag (high 32 bits) | row index + 1 (low 32 bits), 0 = empty
 *   136     4     high-water mark: rows ever taken from the never-used tail
 *   192     8     conflict_max_level: longest chain seen at an insert
 *   256     512   8 stat stripes of 64 bytes, one picked by (pid, thread): insert, update, delete, conflict
 *                 and full counters (8 bytes each); stats() adds the stripes up
 * Buckets (16 bytes each, bucket count of them), from offset 768
 *   0       8     lock word: 0 free, else owner pid &lt;&lt; 32 (see OwnerLock); guards the whole chain
 *   8       4     head: index + 1 of the first row of the chain, 0 = empty
 * Rows (row size each, capacity of them), from the first 64-byte boundary after the buckets
 *   0       4     next: index + 1 of the next row in the chain or the free list, 0 = end
 *   4       4     key length in bytes (1..63)
 *   8       4     key hash (low 32 bits of the 64-bit hash; the bucket comes from the high bits)
 *   12      4     reserved
 *   16      64    key bytes, zero padded
 *   80      ...   columns in declaration order, each 8-byte aligned:
 *                   INT    8 bytes, signed 64-bit
 *                   FLOAT  8 bytes, IEEE 754 double
 *                   STRING 4-byte length, then size bytes (padded to 8)
 * </pre>
 * A new row is written completely before the single store that links it into its chain, and a row is unlinked
 * by a single store before it goes back to the free list, so a process killed inside a row lock leaves a valid
 * chain behind (at worst the row it was writing is torn, or its slot is lost until the table is recreated).
 */
record TableLayout(int capacity, int buckets, int rowSize, long rowsOffset, long bytes) {
    /** "JSWTABLE" in ASCII. */
    static final long MAGIC = 0x4A53575441424C45L;
    static final int VERSION = 1;
    static final int KEY_SIZE = 64;
    static final int MAX_KEY_BYTES = KEY_SIZE - 1;
    static final int MIN_CAPACITY = 64;
    static final int MAX_CAPACITY = 1 << 28;

    static final long H_MAGIC = 0, H_VERSION = 8, H_CAPACITY = 12, H_BUCKETS = 16, H_ROW_SIZE = 20,
            H_COLUMNS = 24, H_SCHEMA = 32;
    static final long H_NUM = 64;
    static final long H_FREE = 128, H_HWM = 136;
    static final long H_MAX_LEVEL = 192;
    static final long H_STATS = 256;
    static final int STRIPES = 8, STRIPE_SIZE = 64;
    static final int S_INSERT = 0, S_UPDATE = 8, S_DELETE = 16, S_CONFLICT = 24, S_FULL = 32;
    static final long BUCKETS_OFFSET = H_STATS + (long) STRIPES * STRIPE_SIZE;

    static final int BUCKET_SIZE = 16, B_LOCK = 0, B_HEAD = 8;

    static final int R_NEXT = 0, R_KEY_LEN = 4, R_HASH = 8, R_KEY = 16, R_DATA = R_KEY + KEY_SIZE;

    static final ValueLayout.OfLong KEY_CHUNK = ValueLayout.JAVA_LONG.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** The layout of a table of at least {@code size} rows whose columns take {@code dataSize} bytes a row. */
    static TableLayout of(int size, int dataSize) {
        int capacity = capacity(size);
        int buckets = capacity * 2;
        long rowSize = align(R_DATA + (long) dataSize, 8);
        if (rowSize > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("row too large: " + rowSize + " bytes");
        }
        long rows = align(BUCKETS_OFFSET + (long) buckets * BUCKET_SIZE, 64);
        long bytes = align(rows + capacity * rowSize, 4096);
        return new TableLayout(capacity, buckets, (int) rowSize, rows, bytes);
    }

    /** {@code size} rounded up to a power of two, at least {@value #MIN_CAPACITY}. */
    static int capacity(int size) {
        if (size < 1 || size > MAX_CAPACITY) {
            throw new IllegalArgumentException("table size must be 1.." + MAX_CAPACITY + ", got " + size);
        }
        int c = Integer.highestOneBit(Math.max(size, MIN_CAPACITY));
        return c < size ? c << 1 : c;
    }

    static long align(long v, int to) {
        return (v + to - 1) & -(long) to;
    }

    long bucketOffset(int bucket) {
        return BUCKETS_OFFSET + (long) bucket * BUCKET_SIZE;
    }

    long rowOffset(int index) {
        return rowsOffset + (long) index * rowSize;
    }

    /** Offset of the counter {@code field} in the stripe of the calling thread. */
    static long statOffset(int field) {
        long mix = OwnerLock.PID * 31 + Thread.currentThread().threadId();
        return H_STATS + (mix & (STRIPES - 1)) * STRIPE_SIZE + field;
    }
}
