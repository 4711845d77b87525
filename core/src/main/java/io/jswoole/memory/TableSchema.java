package io.jswoole.memory;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The columns of a {@link Table}: where each lies in a row, how user values are checked and encoded, and how a
 * row is read back. Values are checked and encoded before any lock is taken, so a bad value changes nothing.
 */
final class TableSchema {
    static final int MAX_STRING_SIZE = 16 << 20;

    /** One column; {@code offset} is from the start of the row. */
    record Column(String name, Table.Type type, int size, int offset, int index) {
    }

    /** Encoded values for some of the columns: INT and FLOAT as 64-bit patterns, STRING as UTF-8 bytes. */
    static final class Values {
        final boolean[] present;
        final long[] bits;
        final byte[][] strings;

        Values(int columns) {
            present = new boolean[columns];
            bits = new long[columns];
            strings = new byte[columns][];
        }
    }

    private final List<Column> columns = new ArrayList<>();
    private final Map<String, Column> byName = new HashMap<>();
    private int dataSize;

    /** Adds a column; {@code size} counts only for STRING (maximum bytes). */
    void add(String name, Table.Type type, int size) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("column name must not be empty");
        }
        if (type == null) {
            throw new IllegalArgumentException("column '" + name + "': type must not be null");
        }
        if (byName.containsKey(name)) {
            throw new IllegalArgumentException("column '" + name + "' is already defined");
        }
        int bytes;
        if (type == Table.Type.STRING) {
            if (size < 1 || size > MAX_STRING_SIZE) {
                throw new IllegalArgumentException("column '" + name + "': STRING size must be 1.."
                        + MAX_STRING_SIZE + " bytes, got " + size);
            }
            bytes = (int) TableLayout.align(4L + size, 8);
        } else {
            bytes = 8;
        }
        Column c = new Column(name, type, type == Table.Type.STRING ? size : 8,
                TableLayout.R_DATA + dataSize, columns.size());
        columns.add(c);
        byName.put(name, c);
        dataSize += bytes;
    }

    int dataSize() {
        return dataSize;
    }

    int size() {
        return columns.size();
    }

    List<Column> columns() {
        return columns;
    }

    /** The column named {@code name}; a clear error when there is none. */
    Column column(String name) {
        Column c = byName.get(name);
        if (c == null) {
            throw new IllegalArgumentException("no column '" + name + "' in this table (columns: "
                    + byName.keySet() + ")");
        }
        return c;
    }

    /** A hash of names, types and sizes, stored in the header so that attaching processes can check it. */
    long hash() {
        StringBuilder sb = new StringBuilder();
        for (Column c : columns) {
            sb.append(c.name()).append(':').append(c.type()).append(':').append(c.size()).append(';');
        }
        return KeyCodec.hash(sb.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** Checks and encodes {@code values}; every key must be a column. */
    Values encode(Map<String, ?> values) {
        if (values == null) {
            throw new IllegalArgumentException("values must not be null");
        }
        Values v = new Values(columns.size());
        for (Map.Entry<String, ?> e : values.entrySet()) {
            Column c = column(e.getKey());
            v.present[c.index()] = true;
            Object o = e.getValue();
            switch (c.type()) {
                case INT -> v.bits[c.index()] = toLong(c, o);
                case FLOAT -> v.bits[c.index()] = Double.doubleToRawLongBits(toDouble(c, o));
                case STRING -> v.strings[c.index()] = toBytes(c, o);
            }
        }
        return v;
    }

    /** Writes the present values; with {@code fresh}, absent columns are zeroed (0, 0.0, ""). */
    void write(MemorySegment mem, long row, Values v, boolean fresh) {
        for (Column c : columns) {
            long at = row + c.offset();
            boolean has = v != null && v.present[c.index()];
            if (!has && !fresh) {
                continue;
            }
            if (c.type() == Table.Type.STRING) {
                byte[] b = has ? v.strings[c.index()] : null;
                int len = b == null ? 0 : b.length;
                mem.set(ValueLayout.JAVA_INT, at, len);
                if (len > 0) {
                    MemorySegment.copy(b, 0, mem, ValueLayout.JAVA_BYTE, at + 4, len);
                }
            } else {
                mem.set(ValueLayout.JAVA_LONG, at, has ? v.bits[c.index()] : 0L);
            }
        }
    }

    /** True when every present value equals the row's (doubles compare by bit pattern, as Double.equals). */
    boolean matches(MemorySegment mem, long row, Values v) {
        for (Column c : columns) {
            if (!v.present[c.index()]) {
                continue;
            }
            long at = row + c.offset();
            if (c.type() == Table.Type.STRING) {
                byte[] b = v.strings[c.index()];
                if (mem.get(ValueLayout.JAVA_INT, at) != b.length
                        || MemorySegment.mismatch(mem, at + 4, at + 4 + b.length,
                        MemorySegment.ofArray(b), 0, b.length) != -1) {
                    return false;
                }
            } else if (c.type() == Table.Type.FLOAT) {
                long stored = Double.doubleToLongBits(mem.get(ValueLayout.JAVA_DOUBLE, at));
                if (stored != Double.doubleToLongBits(Double.longBitsToDouble(v.bits[c.index()]))) {
                    return false;
                }
            } else if (mem.get(ValueLayout.JAVA_LONG, at) != v.bits[c.index()]) {
                return false;
            }
        }
        return true;
    }

    /** The row as a map in column order: Long, Double or String values. */
    Map<String, Object> read(MemorySegment mem, long row) {
        Map<String, Object> m = LinkedHashMap.newLinkedHashMap(columns.size());
        for (Column c : columns) {
            m.put(c.name(), read(mem, row, c));
        }
        return m;
    }

    /** One field: Long, Double or String. */
    static Object read(MemorySegment mem, long row, Column c) {
        long at = row + c.offset();
        return switch (c.type()) {
            case INT -> mem.get(ValueLayout.JAVA_LONG, at);
            case FLOAT -> mem.get(ValueLayout.JAVA_DOUBLE, at);
            case STRING -> {
                int len = mem.get(ValueLayout.JAVA_INT, at);
                byte[] b = new byte[len];
                MemorySegment.copy(mem, ValueLayout.JAVA_BYTE, at + 4, b, 0, len);
                yield new String(b, StandardCharsets.UTF_8);
            }
        };
    }

    private static long toLong(Column c, Object o) {
        if (o instanceof Long || o instanceof Integer || o instanceof Short || o instanceof Byte) {
            return ((Number) o).longValue();
        }
        if (o instanceof BigInteger b && b.bitLength() < 64) {
            return b.longValue();
        }
        if ((o instanceof Double || o instanceof Float) && isIntegral(((Number) o).doubleValue())) {
            return (long) ((Number) o).doubleValue();
        }
        throw new IllegalArgumentException("column '" + c.name() + "' is INT (64-bit): cannot store "
                + describe(o));
    }

    private static boolean isIntegral(double d) {
        return d == Math.rint(d) && d >= -0x1p63 && d < 0x1p63;
    }

    private static double toDouble(Column c, Object o) {
        if (o instanceof Number n) {
            return n.doubleValue();
        }
        throw new IllegalArgumentException("column '" + c.name() + "' is FLOAT: cannot store " + describe(o));
    }

    private static byte[] toBytes(Column c, Object o) {
        byte[] b;
        if (o instanceof CharSequence s) {
            b = s.toString().getBytes(StandardCharsets.UTF_8);
        } else if (o instanceof byte[] raw) {
            b = raw;
        } else {
            throw new IllegalArgumentException("column '" + c.name() + "' is STRING: cannot store " + describe(o));
        }
        if (b.length > c.size()) {
            throw new IllegalArgumentException("value for column '" + c.name() + "' is " + b.length
                    + " bytes, longer than the column's size " + c.size());
        }
        return b;
    }

    private static String describe(Object o) {
        return o == null ? "null" : o.getClass().getSimpleName() + " " + o;
    }
}
