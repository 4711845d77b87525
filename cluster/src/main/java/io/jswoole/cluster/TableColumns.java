package io.jswoole.cluster;

import io.jswoole.memory.Table;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The columns of a {@link ClusterTable}, checked as the local {@link Table} checks them (the same rules and messages:
 * INT is a 64-bit integer, FLOAT a double, STRING at most its size in UTF-8 bytes; a value that does not fit is
 * refused, never truncated), and how values are written to and read from a Redis hash field (decimal text, which is
 * what {@code HINCRBY} and {@code HINCRBYFLOAT} work on).
 */
final class TableColumns {
    static final int MAX_STRING_SIZE = 16 << 20;

    record Column(String name, Table.Type type, int size) {
    }

    private final Map<String, Column> byName = new LinkedHashMap<>();

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
        if (type == Table.Type.STRING && (size < 1 || size > MAX_STRING_SIZE)) {
            throw new IllegalArgumentException("column '" + name + "': STRING size must be 1.." + MAX_STRING_SIZE
                    + " bytes, got " + size);
        }
        byName.put(name, new Column(name, type, type == Table.Type.STRING ? size : 8));
    }

    int size() {
        return byName.size();
    }

    List<Column> columns() {
        return new ArrayList<>(byName.values());
    }

    Column column(String name) {
        Column c = byName.get(name);
        if (c == null) {
            throw new IllegalArgumentException("no column '" + name + "' in this table (columns: "
                    + byName.keySet() + ")");
        }
        return c;
    }

    /** Names, types and sizes: what every node must declare alike. */
    String describe() {
        StringBuilder sb = new StringBuilder();
        for (Column c : byName.values()) {
            sb.append(c.name()).append(':').append(c.type()).append(':').append(c.size()).append(';');
        }
        return sb.toString();
    }

    /** {@code values} checked and encoded as field, text, field, text...; every key must be a column. */
    List<String> encode(Map<String, ?> values) {
        if (values == null) {
            throw new IllegalArgumentException("values must not be null");
        }
        List<String> out = new ArrayList<>(values.size() * 2);
        for (Map.Entry<String, ?> e : values.entrySet()) {
            Column c = column(e.getKey());
            out.add(c.name());
            out.add(switch (c.type()) {
                case INT -> Long.toString(toLong(c, e.getValue()));
                case FLOAT -> Double.toString(toDouble(c, e.getValue()));
                case STRING -> toText(c, e.getValue());
            });
        }
        return out;
    }

    /** A row read back from its hash fields, in column order: absent fields are 0, 0.0 or "". */
    Map<String, Object> decode(Map<String, String> fields) {
        Map<String, Object> row = LinkedHashMap.newLinkedHashMap(byName.size());
        for (Column c : byName.values()) {
            row.put(c.name(), decode(c, fields.get(c.name())));
        }
        return row;
    }

    static Object decode(Column c, String text) {
        return switch (c.type()) {
            case INT -> text == null ? 0L : Long.parseLong(text);
            case FLOAT -> text == null ? 0.0 : Double.parseDouble(text);
            case STRING -> text == null ? "" : text;
        };
    }

    private static long toLong(Column c, Object o) {
        if (o instanceof Long || o instanceof Integer || o instanceof Short || o instanceof Byte) {
            return ((Number) o).longValue();
        }
        if (o instanceof BigInteger b && b.bitLength() < 64) {
            return b.longValue();
        }
        if (o instanceof Double || o instanceof Float) {
            double d = ((Number) o).doubleValue();
            if (d == Math.rint(d) && d >= -0x1p63 && d < 0x1p63) {
                return (long) d;
            }
        }
        throw new IllegalArgumentException("column '" + c.name() + "' is INT (64-bit): cannot store " + show(o));
    }

    private static double toDouble(Column c, Object o) {
        if (o instanceof Number n && Double.isFinite(n.doubleValue())) {
            return n.doubleValue();
        }
        throw new IllegalArgumentException("column '" + c.name() + "' is FLOAT: cannot store " + show(o)
                + (o instanceof Number ? " (a cluster table holds finite numbers: Redis's HINCRBYFLOAT)" : ""));
    }

    private static String toText(Column c, Object o) {
        byte[] b;
        if (o instanceof CharSequence s) {
            b = s.toString().getBytes(StandardCharsets.UTF_8);
        } else if (o instanceof byte[] raw) {
            b = raw;
        } else {
            throw new IllegalArgumentException("column '" + c.name() + "' is STRING: cannot store " + show(o));
        }
        if (b.length > c.size()) {
            throw new IllegalArgumentException("value for column '" + c.name() + "' is " + b.length
                    + " bytes, longer than the column's size " + c.size());
        }
        return new String(b, StandardCharsets.UTF_8);
    }

    private static String show(Object o) {
        return o == null ? "null" : o.getClass().getSimpleName() + " " + o;
    }
}
