package io.jswoole.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Swoole's {@code tests/swoole_table/*.phpt} on jswoole's {@link Table}. */
class TableParityTest {
    /**
     * {@code tests/swoole_table/key_value.phpt}: set, get (row and field), exists, incr, decr, count, del. A field
     * of a column that does not exist: Swoole returns false; jswoole refuses the column name with an
     * IllegalArgumentException; an absent key gives null (Swoole's false).
     */
    @Test
    void keyValueOperations() {
        Table t = new Table(65536).column("id", Table.Type.INT).column("name", Table.Type.STRING, 128)
                .column("num", Table.Type.FLOAT);
        try {
            assertThat(t.create()).isTrue();
            assertThat(t.set("test_key", Map.of("id", 1, "name", "rango", "num", 3.1415926))).isTrue();
            assertThat(t.get("test_key")).containsEntry("id", 1L);
            assertThat(t.get("test_key", "id")).isEqualTo(1L);
            assertThat(t.get("test_key", "name")).isEqualTo("rango");
            assertThat(t.get("test_key", "num")).isEqualTo(3.1415926);
            assertThatThrownBy(() -> t.get("test_key", "id_no_exists")).isInstanceOf(IllegalArgumentException.class);
            assertThat(t.get("test_key_no_exists")).isNull();
            assertThat(t.exists("test_key")).isTrue();
            assertThat(t.exists("test_key_not_exists")).isFalse();
            assertThat(t.incr("test_key", "id", 2)).isEqualTo(3);
            assertThat(t.get("test_key", "id")).isEqualTo(3L);
            assertThat(t.decr("test_key", "id", 2)).isEqualTo(1);
            assertThat(t.get("test_key", "id")).isEqualTo(1L);
            t.set("hello_world", Map.of("id", 100, "name", "xinhua", "num", 399.66));
            assertThat(t.count()).isEqualTo(2);
            assertThat(t.del("test_key")).isTrue();
            assertThat(t.exists("test_key")).isFalse();
        } finally {
            t.destroy();
        }
    }

    /**
     * {@code tests/swoole_table/del.phpt}: incr creates the row (other columns zero), a set of one column keeps the
     * others, del returns true and the row is then absent, and an incr after the del starts a fresh row at 1.
     */
    @Test
    void delThenIncrStartsAFreshRow() {
        Table t = new Table(1024, 0.25).column("state", Table.Type.INT).column("remainLen", Table.Type.INT)
                .column("data", Table.Type.STRING, 64);
        List<Object> out = new ArrayList<>();
        try {
            t.create();
            for (int i = 0; i < 3; i++) {
                t.incr("table", "state");
                long state = (Long) t.get("table", "state");
                out.add(state);
                Object data = t.get("table", "data");
                t.set("table", Map.of("data", data + "abc"));
                out.add(t.get("table"));
                if (state == 1) {
                    t.incr("table", "remainLen", 3);
                } else if (Long.valueOf(3).equals(t.get("table", "remainLen"))) {
                    out.add(t.del("table"));
                    out.add(t.get("table"));
                }
            }
        } finally {
            t.destroy();
        }
        assertThat(out).containsExactly(1L, Map.of("state", 1L, "remainLen", 0L, "data", "abc"),
                2L, Map.of("state", 2L, "remainLen", 3L, "data", "abcabc"), true, null,
                1L, Map.of("state", 1L, "remainLen", 0L, "data", "abc"));
    }

    /**
     * {@code tests/swoole_table/int.phpt}: INT columns of 1, 2, 4 and 8 bytes keep their negative and positive
     * extremes, and incr/decr work on them.
     */
    @Test
    void intColumnsOfEverySize() {
        Table t = new Table(65536).column("i8", Table.Type.INT, 1).column("i16", Table.Type.INT, 2)
                .column("i32", Table.Type.INT, 4).column("i64", Table.Type.INT, 8);
        try {
            t.create();
            t.set("k", Map.of("i8", -120, "i16", -30000, "i32", -1247483648, "i64", -9023372036854775808L));
            assertThat(t.get("k")).containsEntry("i8", -120L).containsEntry("i16", -30000L)
                    .containsEntry("i32", -1247483648L).containsEntry("i64", -9023372036854775808L);
            t.incr("k", "i8", 8);
            assertThat(t.get("k", "i8")).isEqualTo(-112L);
            t.decr("k", "i32", 8);
            assertThat(t.get("k", "i32")).isEqualTo(-1247483656L);
            t.set("k", Map.of("i8", 120, "i16", 30000, "i32", 1247483648L, "i64", 9023372036854775808L));
            assertThat(t.get("k")).containsEntry("i8", 120L).containsEntry("i16", 30000L)
                    .containsEntry("i32", 1247483648L).containsEntry("i64", 9023372036854775808L);
            t.incr("k", "i8", 4);
            assertThat(t.get("k", "i8")).as("1-byte column past 127").isEqualTo(124L);
            t.decr("k", "i32", 8);
            assertThat(t.get("k", "i32")).isEqualTo(1247483640L);
        } finally {
            t.destroy();
        }
    }
}
