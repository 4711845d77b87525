package io.jswoole.memory;

import io.jswoole.ErrorCode;
import io.jswoole.LastError;
import io.jswoole.SwooleException;
import io.jswoole.log.Log;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Map;

/**
 * Swoole's {@code Swoole\Table}: a fixed-size hash table of rows in shared memory, readable and writable from
 * every thread and every worker process. Declare columns, {@link #create()} it before {@code Server.start()},
 * then use string keys of 1 to 63 UTF-8 bytes.
 * <pre>{@code
 * Table t = new Table(1024);
 * t.column("hits", Table.Type.INT);
 * t.column("name", Table.Type.STRING, 32);
 * t.create();
 * t.set("alice", Map.of("name", "Alice"));
 * long hits = t.incr("alice", "hits");
 * }</pre>
 * Each operation is atomic: it holds the lock of the key's bucket (see {@link TableLayout}), which records the
 * owner's pid so that a process killed inside it does not block the others for long. Values: INT is a signed
 * 64-bit integer (Long), FLOAT a double, STRING at most its column's size in UTF-8 bytes (String; byte[] is
 * accepted on writes). A value that does not fit, a key that is too long and an unknown column are
 * {@link IllegalArgumentException}s, never truncated.
 * <p>Unlike Swoole, a table holds exactly {@link #size()} rows whatever the hash distribution (rows are shared
 * by all buckets), so {@code conflictProportion} is accepted for compatibility and has no effect. When all rows
 * are used, {@link #set} answers false, sets {@link LastError} to {@link ErrorCode#MALLOC_FAIL}, and
 * {@link #stats()} shows {@code available_slice_num} 0 and a growing {@code full_count}.
 */
public final class Table implements Iterable<Map.Entry<String, Map<String, Object>>> {
    /** Column types, with Swoole's numbers. */
    public enum Type {
        INT(1), FLOAT(6), STRING(7);

        private final int code;

        Type(int code) {
            this.code = code;
        }

        /** Swoole's {@code Table::TYPE_*} value. */
        public int code() {
            return code;
        }
    }

    /** The longest key, in UTF-8 bytes. */
    public static final int KEY_MAX_BYTES = TableLayout.MAX_KEY_BYTES;

    private final String name;
    private final int capacity;
    private final double conflictProportion;
    private final TableSchema schema = new TableSchema();
    private volatile TableStore store;
    private volatile boolean destroyed;
    private volatile boolean fullLogged;

    /** A table of at least {@code size} rows (rounded up to a power of two, at least 64). */
    public Table(int size) {
        this(null, size, 0.2);
    }

    /** As Swoole's constructor; {@code conflictProportion} (0 to 1) is checked and has no effect here. */
    public Table(int size, double conflictProportion) {
        this(null, size, conflictProportion);
    }

    /**
     * A table named {@code name}: its segment is {@code table-<name>} instead of the next sequence number, which
     * makes attaching independent of creation order.
     */
    public Table(String name, int size, double conflictProportion) {
        this.name = name == null ? null : SharedMemory.checkName(name);
        this.capacity = TableLayout.capacity(size);
        if (!(conflictProportion >= 0 && conflictProportion <= 1)) {
            throw new IllegalArgumentException("conflictProportion must be 0..1, got " + conflictProportion);
        }
        this.conflictProportion = conflictProportion;
    }

    /** Declares a column; {@code size} is the maximum bytes of a STRING and is ignored for INT and FLOAT. */
    public Table column(String name, Type type, int size) {
        synchronized (schema) {
            if (store != null || destroyed) {
                throw new SwooleException(ErrorCode.WRONG_OPERATION, "columns must be declared before create()");
            }
            schema.add(name, type, size);
        }
        return this;
    }

    /** Declares an INT or FLOAT column. */
    public Table column(String name, Type type) {
        if (type == Type.STRING) {
            throw new IllegalArgumentException("column '" + name + "': a STRING column needs a size");
        }
        return column(name, type, 8);
    }

    /**
     * Allocates the table: creates its shared segment in the master (or alone), or attaches to the master's in
     * a worker. Throws after {@code Server.start()} ({@link SharedMemory#seal()}).
     */
    public boolean create() {
        synchronized (schema) {
            if (store != null || destroyed) {
                throw new SwooleException(ErrorCode.WRONG_OPERATION, "table already created");
            }
            if (schema.size() == 0) {
                throw new SwooleException(ErrorCode.WRONG_OPERATION, "table has no columns: call column() first");
            }
            TableLayout layout = TableLayout.of(capacity, schema.dataSize());
            Segment segment = SharedMemory.open("table", name, layout.bytes(), false);
            store = TableStore.open(segment, layout, schema);
        }
        return true;
    }

    /** Inserts or updates a row; absent columns of a new row are 0, 0.0 or "". False when the table is full. */
    public boolean set(String key, Map<String, ?> values) {
        return write(key, values, true, true);
    }

    /** Inserts a row only if the key is absent; false when it exists or the table is full. */
    public boolean add(String key, Map<String, ?> values) {
        return write(key, values, true, false);
    }

    /** Updates the given columns of an existing row; false when the key is absent. */
    public boolean update(String key, Map<String, ?> values) {
        return write(key, values, false, true);
    }

    /** The row as a map (column order; Long, Double, String), or {@code null} when the key is absent. */
    public Map<String, Object> get(String key) {
        TableStore s = store();
        byte[] k = KeyCodec.bytes(key);
        long h = KeyCodec.hash(k);
        long b = s.bucket(h);
        s.lock(b);
        try {
            long row = s.find(b, k, (int) h);
            return row < 0 ? null : schema.read(s.mem, row);
        } finally {
            s.unlock(b);
        }
    }

    /** One field (Long, Double or String), or {@code null} when the key is absent. */
    public Object get(String key, String field) {
        TableStore s = store();
        TableSchema.Column c = schema.column(field);
        byte[] k = KeyCodec.bytes(key);
        long h = KeyCodec.hash(k);
        long b = s.bucket(h);
        s.lock(b);
        try {
            long row = s.find(b, k, (int) h);
            return row < 0 ? null : TableSchema.read(s.mem, row, c);
        } finally {
            s.unlock(b);
        }
    }

    /** Reads and deletes a row in one step; {@code null} when absent. */
    @SuppressWarnings("unchecked")
    public Map<String, Object> getdel(String key) {
        return (Map<String, Object>) take(key, null);
    }

    /** Reads one field and deletes the row in one step; {@code null} when absent. */
    public Object getdel(String key, String field) {
        return take(key, schema.column(field));
    }

    private Object take(String key, TableSchema.Column c) {
        TableStore s = store();
        byte[] k = KeyCodec.bytes(key);
        long h = KeyCodec.hash(k);
        long b = s.bucket(h);
        s.lock(b);
        try {
            long row = s.find(b, k, (int) h);
            if (row < 0) {
                return null;
            }
            Object value = c == null ? schema.read(s.mem, row) : TableSchema.read(s.mem, row, c);
            s.remove(b, k, (int) h);
            return value;
        } finally {
            s.unlock(b);
        }
    }

    /** Deletes a row; false when the key is absent. */
    public boolean del(String key) {
        TableStore s = store();
        byte[] k = KeyCodec.bytes(key);
        long h = KeyCodec.hash(k);
        long b = s.bucket(h);
        s.lock(b);
        try {
            return s.remove(b, k, (int) h);
        } finally {
            s.unlock(b);
        }
    }

    /**
     * Compare-and-set: if the row exists and every column in {@code expected} equals the row's, writes
     * {@code values} and answers true; otherwise changes nothing. FLOAT values compare as {@link Double#equals}.
     */
    public boolean cmpset(String key, Map<String, ?> expected, Map<String, ?> values) {
        TableStore s = store();
        TableSchema.Values exp = schema.encode(expected);
        TableSchema.Values v = schema.encode(values);
        byte[] k = KeyCodec.bytes(key);
        long h = KeyCodec.hash(k);
        long b = s.bucket(h);
        s.lock(b);
        try {
            long row = s.find(b, k, (int) h);
            if (row < 0 || !schema.matches(s.mem, row, exp)) {
                return false;
            }
            schema.write(s.mem, row, v, false);
            s.stat(TableLayout.S_UPDATE);
            return true;
        } finally {
            s.unlock(b);
        }
    }

    /** Compare-and-delete: deletes the row only if every column in {@code expected} equals the row's. */
    public boolean cmpdel(String key, Map<String, ?> expected) {
        TableStore s = store();
        TableSchema.Values exp = schema.encode(expected);
        byte[] k = KeyCodec.bytes(key);
        long h = KeyCodec.hash(k);
        long b = s.bucket(h);
        s.lock(b);
        try {
            long row = s.find(b, k, (int) h);
            return row >= 0 && schema.matches(s.mem, row, exp) && s.remove(b, k, (int) h);
        } finally {
            s.unlock(b);
        }
    }

    /** True when the key has a row. */
    public boolean exists(String key) {
        TableStore s = store();
        byte[] k = KeyCodec.bytes(key);
        long h = KeyCodec.hash(k);
        long b = s.bucket(h);
        s.lock(b);
        try {
            return s.find(b, k, (int) h) >= 0;
        } finally {
            s.unlock(b);
        }
    }

    /** Adds 1 to an INT column and answers the new value; see {@link #incr(String, String, long)}. */
    public long incr(String key, String column) {
        return incr(key, column, 1L);
    }

    /**
     * Adds {@code by} to an INT column (wrapping on overflow) and answers the new value. An absent key gets a new
     * row (other columns zero), as in Swoole; when the table is full that throws a {@link SwooleException}
     * with {@link ErrorCode#MALLOC_FAIL}.
     */
    public long incr(String key, String column, long by) {
        TableSchema.Column c = numeric(column, Type.INT);
        TableStore s = store();
        byte[] k = KeyCodec.bytes(key);
        long h = KeyCodec.hash(k);
        long b = s.bucket(h);
        s.lock(b);
        try {
            long row = rowForUpdate(s, b, k, (int) h);
            long at = row + c.offset();
            long value = s.mem.get(ValueLayout.JAVA_LONG, at) + by;
            s.mem.set(ValueLayout.JAVA_LONG, at, value);
            return value;
        } finally {
            s.unlock(b);
        }
    }

    /** Adds {@code by} to a FLOAT column and answers the new value; absent keys as in {@link #incr}. */
    public double incr(String key, String column, double by) {
        TableSchema.Column c = numeric(column, Type.FLOAT);
        TableStore s = store();
        byte[] k = KeyCodec.bytes(key);
        long h = KeyCodec.hash(k);
        long b = s.bucket(h);
        s.lock(b);
        try {
            long row = rowForUpdate(s, b, k, (int) h);
            long at = row + c.offset();
            double value = s.mem.get(ValueLayout.JAVA_DOUBLE, at) + by;
            s.mem.set(ValueLayout.JAVA_DOUBLE, at, value);
            return value;
        } finally {
            s.unlock(b);
        }
    }

    /** Subtracts 1 from an INT column and answers the new value. */
    public long decr(String key, String column) {
        return incr(key, column, -1L);
    }

    /** Subtracts {@code by} from an INT column and answers the new value. */
    public long decr(String key, String column, long by) {
        return incr(key, column, -by);
    }

    /** Subtracts {@code by} from a FLOAT column and answers the new value. */
    public double decr(String key, String column, double by) {
        return incr(key, column, -by);
    }

    /** Rows in use, across all processes. */
    public int count() {
        return store().count();
    }

    /** Rows the table holds: the requested size rounded up to a power of two (at least 64). */
    public int size() {
        return capacity;
    }

    /** The conflict proportion given to the constructor (no effect; see the class comment). */
    public double conflictProportion() {
        return conflictProportion;
    }

    /** Bytes of shared memory: the segment's size once created, else what {@link #create()} would map. */
    public long memorySize() {
        TableStore s = store;
        if (s != null) {
            return s.segment.byteSize();
        }
        synchronized (schema) {
            return TableLayout.of(capacity, schema.dataSize()).bytes();
        }
    }

    /**
     * Swoole's statistics: {@code num, conflict_count, conflict_max_level, insert_count, update_count,
     * delete_count, available_slice_num, total_slice_num}, plus {@code full_count} (inserts refused because the
     * table was full).
     */
    public Map<String, Long> stats() {
        return store().stats();
    }

    /**
     * Iterates over the rows, bucket by bucket: each bucket is copied under its lock, so every entry is a
     * consistent row, but rows written elsewhere during the iteration may or may not be seen. Never throws
     * {@link java.util.ConcurrentModificationException}; a key is seen at most once.
     */
    @Override
    public Iterator<Map.Entry<String, Map<String, Object>>> iterator() {
        return store().iterator();
    }

    /**
     * Unmaps the table; in the creating process also removes its segment. False when it was not created or was
     * already destroyed. Any later use throws.
     */
    public boolean destroy() {
        TableStore s;
        synchronized (schema) {
            s = store;
            if (s == null || destroyed) {
                return false;
            }
            destroyed = true;
            store = null;
        }
        s.segment.close();
        return true;
    }

    /** Test hook (crash tests): takes the lock of the key's bucket and never releases it. */
    void lockRowForever(String key) {
        TableStore s = store();
        s.lock(s.bucket(KeyCodec.hash(KeyCodec.bytes(key))));
    }

    /** The shared memory of the table, for tests that inspect it. */
    MemorySegment memory() {
        return store().mem;
    }

    private boolean write(String key, Map<String, ?> values, boolean insert, boolean update) {
        TableStore s = store();
        TableSchema.Values v = schema.encode(values);
        byte[] k = KeyCodec.bytes(key);
        long h = KeyCodec.hash(k);
        long b = s.bucket(h);
        s.lock(b);
        try {
            long row = s.find(b, k, (int) h);
            if (row >= 0) {
                if (!update) {
                    return false;
                }
                schema.write(s.mem, row, v, false);
                s.stat(TableLayout.S_UPDATE);
                return true;
            }
            if (!insert) {
                return false;
            }
            if (s.insert(b, k, (int) h, v) < 0) {
                return full(key);
            }
            return true;
        } finally {
            s.unlock(b);
        }
    }

    private long rowForUpdate(TableStore s, long b, byte[] k, int h32) {
        long row = s.find(b, k, h32);
        if (row >= 0) {
            s.stat(TableLayout.S_UPDATE);
            return row;
        }
        row = s.insert(b, k, h32, null);
        if (row < 0) {
            String key = new String(k, StandardCharsets.UTF_8);
            full(key);
            throw new SwooleException(ErrorCode.MALLOC_FAIL, "table is full (" + capacity
                    + " rows): cannot add key '" + key + "'");
        }
        return row;
    }

    private boolean full(String key) {
        if (!fullLogged) {
            fullLogged = true;
            Log.warning("table " + (name == null ? "" : "'" + name + "' ") + "is full (" + capacity
                    + " rows): cannot add key '" + key + "'; later failures are counted in stats() full_count");
        }
        return LastError.fail(ErrorCode.MALLOC_FAIL);
    }

    private TableSchema.Column numeric(String column, Type type) {
        TableSchema.Column c = schema.column(column);
        if (c.type() != type) {
            throw new IllegalArgumentException("column '" + column + "' is " + c.type() + ": "
                    + (c.type() == Type.STRING ? "it cannot be incremented"
                    : "use the " + (c.type() == Type.INT ? "long" : "double") + " variant of incr/decr"));
        }
        return c;
    }

    private TableStore store() {
        TableStore s = store;
        if (s == null) {
            throw new SwooleException(ErrorCode.WRONG_OPERATION,
                    destroyed ? "table was destroyed" : "table is not created: call create() first");
        }
        return s;
    }
}
