package io.jswoole.memory;

import io.jswoole.ErrorCode;
import io.jswoole.SwooleException;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;

import static io.jswoole.memory.TableLayout.*;

/**
 * The hash table inside a created {@link Table} segment (layout in {@link TableLayout}): chains of rows under
 * bucket locks, a lock-free free list of rows, and striped counters. Callers hold the bucket lock around
 * {@link #find}, {@link #insert} and {@link #remove}.
 */
final class TableStore {
    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();
    private static final VarHandle LONG = OwnerLock.LONG;

    final Segment segment;
    final MemorySegment mem;
    final TableLayout layout;
    final TableSchema schema;
    private final int bucketMask;

    private TableStore(Segment segment, TableLayout layout, TableSchema schema) {
        this.segment = segment;
        this.mem = segment.memory();
        this.layout = layout;
        this.schema = schema;
        this.bucketMask = layout.buckets() - 1;
    }

    /** Initialises the header in the creating process, or checks it in an attaching one. */
    static TableStore open(Segment segment, TableLayout layout, TableSchema schema) {
        TableStore s = new TableStore(segment, layout, schema);
        MemorySegment m = s.mem;
        if (segment.creator()) {
            m.set(ValueLayout.JAVA_INT, H_VERSION, VERSION);
            m.set(ValueLayout.JAVA_INT, H_CAPACITY, layout.capacity());
            m.set(ValueLayout.JAVA_INT, H_BUCKETS, layout.buckets());
            m.set(ValueLayout.JAVA_INT, H_ROW_SIZE, layout.rowSize());
            m.set(ValueLayout.JAVA_INT, H_COLUMNS, schema.size());
            m.set(ValueLayout.JAVA_LONG, H_SCHEMA, schema.hash());
            LONG.setRelease(m, H_MAGIC, MAGIC);
        } else if ((long) LONG.getAcquire(m, H_MAGIC) != MAGIC
                || m.get(ValueLayout.JAVA_INT, H_VERSION) != VERSION
                || m.get(ValueLayout.JAVA_INT, H_CAPACITY) != layout.capacity()
                || m.get(ValueLayout.JAVA_INT, H_ROW_SIZE) != layout.rowSize()
                || m.get(ValueLayout.JAVA_INT, H_COLUMNS) != schema.size()
                || m.get(ValueLayout.JAVA_LONG, H_SCHEMA) != schema.hash()) {
            segment.close();
            throw new SwooleException(ErrorCode.WRONG_OPERATION, "shared table '" + segment.name()
                    + "' was created by the master with another size or other columns: create the same tables, "
                    + "with the same columns, in every process");
        }
        return s;
    }

    /** Offset of the bucket of a key hash (high bits pick the bucket, low bits are stored in the row). */
    long bucket(long hash) {
        return layout.bucketOffset((int) (hash >>> 33) & bucketMask);
    }

    void lock(long bucket) {
        OwnerLock.acquire(mem, bucket + B_LOCK, OwnerLock.PROCESS_WORD, false);
    }

    void unlock(long bucket) {
        OwnerLock.release(mem, bucket + B_LOCK);
    }

    /** The offset of the row holding the key, or -1. */
    long find(long bucket, byte[] key, int hash32) {
        int next = mem.get(ValueLayout.JAVA_INT, bucket + B_HEAD);
        while (next != 0) {
            long row = layout.rowOffset(next - 1);
            if (KeyCodec.matches(mem, row, key, hash32)) {
                return row;
            }
            next = mem.get(ValueLayout.JAVA_INT, row + R_NEXT);
        }
        return -1;
    }

    /** Adds a row (values written before it is linked); its offset, or -1 when no row is free. */
    long insert(long bucket, byte[] key, int hash32, TableSchema.Values values) {
        int index = allocate();
        if (index < 0) {
            stat(S_FULL);
            return -1;
        }
        long row = layout.rowOffset(index);
        KeyCodec.write(mem, row, key, hash32);
        schema.write(mem, row, values, true);
        int head = mem.get(ValueLayout.JAVA_INT, bucket + B_HEAD);
        mem.set(ValueLayout.JAVA_INT, row + R_NEXT, head);
        INT.setRelease(mem, bucket + B_HEAD, index + 1);
        LONG.getAndAdd(mem, H_NUM, 1L);
        stat(S_INSERT);
        if (head != 0) {
            stat(S_CONFLICT);
            noteLevel(chainLength(head) + 1);
        }
        return row;
    }

    /** Unlinks and frees the row holding the key; false when there is none. */
    boolean remove(long bucket, byte[] key, int hash32) {
        long link = bucket + B_HEAD;
        int next = mem.get(ValueLayout.JAVA_INT, link);
        while (next != 0) {
            long row = layout.rowOffset(next - 1);
            int after = mem.get(ValueLayout.JAVA_INT, row + R_NEXT);
            if (KeyCodec.matches(mem, row, key, hash32)) {
                INT.setRelease(mem, link, after);
                free(next - 1);
                LONG.getAndAdd(mem, H_NUM, -1L);
                stat(S_DELETE);
                return true;
            }
            link = row + R_NEXT;
            next = after;
        }
        return false;
    }

    /** Adds one to a counter in the calling thread's stripe. */
    void stat(int field) {
        LONG.getAndAdd(mem, TableLayout.statOffset(field), 1L);
    }

    int count() {
        return (int) (long) LONG.getVolatile(mem, H_NUM);
    }

    /** Swoole's stats keys, plus {@code full_count}: inserts refused because no row was free. */
    Map<String, Long> stats() {
        long[] sums = new long[5];
        for (int s = 0; s < STRIPES; s++) {
            for (int f = 0; f < sums.length; f++) {
                sums[f] += (long) LONG.getVolatile(mem, H_STATS + (long) s * STRIPE_SIZE + f * 8L);
            }
        }
        long num = count();
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("num", num);
        m.put("conflict_count", sums[S_CONFLICT / 8]);
        m.put("conflict_max_level", (long) LONG.getVolatile(mem, H_MAX_LEVEL));
        m.put("insert_count", sums[S_INSERT / 8]);
        m.put("update_count", sums[S_UPDATE / 8]);
        m.put("delete_count", sums[S_DELETE / 8]);
        m.put("available_slice_num", layout.capacity() - num);
        m.put("total_slice_num", (long) layout.capacity());
        m.put("full_count", sums[S_FULL / 8]);
        return m;
    }

    /** Copies the rows of one bucket under its lock: the unit of weakly consistent iteration. */
    List<Map.Entry<String, Map<String, Object>>> readBucket(int index) {
        long bucket = layout.bucketOffset(index);
        if ((int) INT.getVolatile(mem, bucket + B_HEAD) == 0) {
            return List.of();
        }
        List<Map.Entry<String, Map<String, Object>>> rows = new ArrayList<>(2);
        lock(bucket);
        try {
            int next = mem.get(ValueLayout.JAVA_INT, bucket + B_HEAD);
            while (next != 0) {
                long row = layout.rowOffset(next - 1);
                rows.add(new AbstractMap.SimpleImmutableEntry<>(KeyCodec.read(mem, row), schema.read(mem, row)));
                next = mem.get(ValueLayout.JAVA_INT, row + R_NEXT);
            }
        } finally {
            unlock(bucket);
        }
        return rows;
    }

    /** Weakly consistent iteration, one bucket copied at a time (see {@link Table#iterator()}). */
    Iterator<Map.Entry<String, Map<String, Object>>> iterator() {
        return new Iterator<>() {
            private int bucket;
            private List<Map.Entry<String, Map<String, Object>>> batch = List.of();
            private int pos;

            @Override
            public boolean hasNext() {
                while (pos >= batch.size()) {
                    if (bucket >= layout.buckets()) {
                        return false;
                    }
                    batch = readBucket(bucket++);
                    pos = 0;
                }
                return true;
            }

            @Override
            public Map.Entry<String, Map<String, Object>> next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return batch.get(pos++);
            }
        };
    }

    private int chainLength(int head) {
        int n = 0;
        for (int next = head; next != 0 && n <= layout.capacity(); n++) {
            next = mem.get(ValueLayout.JAVA_INT, layout.rowOffset(next - 1) + R_NEXT);
        }
        return n;
    }

    private void noteLevel(long level) {
        long seen;
        while ((seen = (long) LONG.getVolatile(mem, H_MAX_LEVEL)) < level) {
            if (LONG.compareAndSet(mem, H_MAX_LEVEL, seen, level)) {
                return;
            }
        }
    }

    /** Takes a row from the free list, else from the never-used tail; -1 when the table is full. */
    private int allocate() {
        for (;;) {
            long head = (long) LONG.getVolatile(mem, H_FREE);
            int first = (int) head;
            if (first == 0) {
                break;
            }
            int next = (int) INT.getOpaque(mem, layout.rowOffset(first - 1) + R_NEXT);
            long replaced = (((head >>> 32) + 1) << 32) | (next & 0xFFFF_FFFFL);
            if (LONG.compareAndSet(mem, H_FREE, head, replaced)) {
                return first - 1;
            }
        }
        for (;;) {
            int used = (int) INT.getVolatile(mem, H_HWM);
            if (used >= layout.capacity()) {
                return -1;
            }
            if (INT.compareAndSet(mem, H_HWM, used, used + 1)) {
                return used;
            }
        }
    }

    /** Pushes a row on the free list; the tag in the high bits defeats ABA between processes. */
    private void free(int index) {
        long row = layout.rowOffset(index);
        for (;;) {
            long head = (long) LONG.getVolatile(mem, H_FREE);
            mem.set(ValueLayout.JAVA_INT, row + R_NEXT, (int) head);
            long replaced = (((head >>> 32) + 1) << 32) | ((index + 1) & 0xFFFF_FFFFL);
            if (LONG.compareAndSet(mem, H_FREE, head, replaced)) {
                return;
            }
        }
    }
}
