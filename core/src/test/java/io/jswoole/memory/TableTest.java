package io.jswoole.memory;

import io.jswoole.ErrorCode;
import io.jswoole.LastError;
import io.jswoole.SwooleException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class TableTest {
    private Table t;

    @BeforeEach
    void setUp() {
        t = new Table(100);
        t.column("id", Table.Type.INT);
        t.column("score", Table.Type.FLOAT);
        t.column("name", Table.Type.STRING, 8);
        t.create();
    }

    @AfterEach
    void tearDown() {
        t.destroy();
    }

    @Test
    void setAndGetRowsAndFields() {
        assertThat(t.set("a", Map.of("id", 7, "score", 1.5, "name", "alice"))).isTrue();
        assertThat(t.get("a")).containsExactly(Map.entry("id", 7L), Map.entry("score", 1.5), Map.entry("name", "alice"));
        assertThat(t.get("a", "id")).isEqualTo(7L);
        assertThat(t.get("a", "score")).isEqualTo(1.5);
        assertThat(t.get("a", "name")).isEqualTo("alice");
        assertThat(t.get("missing")).isNull();
        assertThat(t.get("missing", "id")).isNull();
    }

    @Test
    void setOnNewRowZeroesAbsentColumnsAndOnExistingRowKeepsThem() {
        t.set("a", Map.of("id", 1L));
        assertThat(t.get("a")).containsEntry("score", 0.0).containsEntry("name", "");
        t.set("a", Map.of("name", "bob"));
        assertThat(t.get("a")).containsEntry("id", 1L).containsEntry("name", "bob");
        t.set("a", Map.of("name", ""));
        assertThat(t.get("a", "name")).isEqualTo("");
    }

    @Test
    void valuesRoundTripAtTheirLimits() {
        t.set("x", Map.of("id", Long.MIN_VALUE, "score", -0.0, "name", "12345678"));
        assertThat(t.get("x")).containsEntry("id", Long.MIN_VALUE).containsEntry("name", "12345678");
        assertThat((Double) t.get("x", "score")).isEqualTo(-0.0);
        t.set("y", Map.of("name", "é€", "id", 3.0, "score", 2));
        assertThat(t.get("y")).containsEntry("name", "é€").containsEntry("id", 3L).containsEntry("score", 2.0);
        t.set("z", Map.of("name", new byte[] {'h', 'i'}));
        assertThat(t.get("z", "name")).isEqualTo("hi");
        String key63 = "k".repeat(63);
        assertThat(t.set(key63, Map.of("id", 63))).isTrue();
        assertThat(t.get(key63, "id")).isEqualTo(63L);
        assertThat(t.set("ключ", Map.of("id", 1))).isTrue();
        assertThat(t.exists("ключ")).isTrue();
    }

    @Test
    void addInsertsOnlyAndUpdateUpdatesOnly() {
        assertThat(t.update("a", Map.of("id", 1))).isFalse();
        assertThat(t.exists("a")).isFalse();
        assertThat(t.add("a", Map.of("id", 1))).isTrue();
        assertThat(t.add("a", Map.of("id", 2))).isFalse();
        assertThat(t.get("a", "id")).isEqualTo(1L);
        assertThat(t.update("a", Map.of("id", 3))).isTrue();
        assertThat(t.get("a", "id")).isEqualTo(3L);
    }

    @Test
    void delGetdelExistsAndCount() {
        for (int i = 0; i < 10; i++) {
            t.set("k" + i, Map.of("id", i, "name", "n" + i));
        }
        assertThat(t.count()).isEqualTo(10);
        assertThat(t.exists("k3")).isTrue();
        assertThat(t.del("k3")).isTrue();
        assertThat(t.del("k3")).isFalse();
        assertThat(t.exists("k3")).isFalse();
        assertThat(t.getdel("k4")).containsEntry("id", 4L).containsEntry("name", "n4");
        assertThat(t.getdel("k4")).isNull();
        assertThat(t.getdel("k5", "name")).isEqualTo("n5");
        assertThat(t.getdel("k5", "name")).isNull();
        assertThat(t.count()).isEqualTo(7);
        assertThat(t.stats()).containsEntry("num", 7L).containsEntry("delete_count", 3L)
                .containsEntry("insert_count", 10L);
    }

    @Test
    void cmpsetAndCmpdelCompareBeforeWriting() {
        t.set("a", Map.of("id", 1, "score", 0.5, "name", "x"));
        assertThat(t.cmpset("a", Map.of("id", 2), Map.of("name", "no"))).isFalse();
        assertThat(t.cmpset("a", Map.of("id", 1, "score", 0.5, "name", "x"), Map.of("id", 2, "name", "yes"))).isTrue();
        assertThat(t.get("a")).containsEntry("id", 2L).containsEntry("name", "yes").containsEntry("score", 0.5);
        assertThat(t.cmpset("absent", Map.of("id", 0), Map.of("id", 1))).isFalse();
        assertThat(t.exists("absent")).isFalse();
        assertThat(t.cmpdel("a", Map.of("name", "x"))).isFalse();
        assertThat(t.cmpdel("a", Map.of("name", "yes"))).isTrue();
        assertThat(t.exists("a")).isFalse();
        assertThat(t.cmpdel("a", Map.of())).isFalse();
    }

    @Test
    void incrAndDecrCreateRowsAndWrap() {
        assertThat(t.incr("c", "id")).isEqualTo(1);
        assertThat(t.incr("c", "id", 10)).isEqualTo(11);
        assertThat(t.decr("c", "id")).isEqualTo(10);
        assertThat(t.decr("c", "id", 20)).isEqualTo(-10);
        assertThat(t.incr("c", "score", 0.25)).isEqualTo(0.25);
        assertThat(t.decr("c", "score", 1.0)).isEqualTo(-0.75);
        assertThat(t.get("c", "name")).isEqualTo("");
        t.set("max", Map.of("id", Long.MAX_VALUE));
        assertThat(t.incr("max", "id")).isEqualTo(Long.MIN_VALUE);
        assertThatThrownBy(() -> t.incr("c", "name")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("STRING");
        assertThatThrownBy(() -> t.incr("c", "score")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("double");
        assertThatThrownBy(() -> t.incr("c", "id", 1.5)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void badKeysValuesAndColumnsAreClearErrorsThatChangeNothing() {
        String key64 = "k".repeat(64);
        assertThatThrownBy(() -> t.set(key64, Map.of("id", 1))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("64 bytes").hasMessageContaining("63");
        assertThatThrownBy(() -> t.get("")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> t.get(null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> t.set("a", Map.of("id", 1, "name", "123456789")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'name'").hasMessageContaining("9 bytes");
        assertThat(t.exists("a")).isFalse();
        assertThatThrownBy(() -> t.set("a", Map.of("nope", 1))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no column 'nope'");
        assertThatThrownBy(() -> t.get("a", "nope")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> t.set("a", Map.of("id", "12"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("INT");
        assertThatThrownBy(() -> t.set("a", Map.of("id", 1.5))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> t.set("a", Map.of("score", "x"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> t.set("a", Map.of("name", 5))).isInstanceOf(IllegalArgumentException.class);
        assertThat(t.count()).isZero();
    }

    @Test
    void schemaErrorsAndLifecycle() {
        assertThatThrownBy(() -> t.column("late", Table.Type.INT)).isInstanceOf(SwooleException.class);
        assertThatThrownBy(() -> t.create()).isInstanceOf(SwooleException.class);
        Table u = new Table(10);
        assertThatThrownBy(() -> u.column("s", Table.Type.STRING)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> u.column("s", Table.Type.STRING, 0)).isInstanceOf(IllegalArgumentException.class);
        u.column("a", Table.Type.INT);
        assertThatThrownBy(() -> u.column("a", Table.Type.FLOAT)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> u.get("x")).isInstanceOf(SwooleException.class).hasMessageContaining("create()");
        assertThatThrownBy(() -> new Table(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Table(10, 1.5)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Table(10).create()).isInstanceOf(SwooleException.class);
        assertThat(u.destroy()).isFalse();
    }

    @Test
    void sizeIsRoundedAndMemorySizeIsKnownBeforeAndAfterCreate() {
        assertThat(t.size()).isEqualTo(128);
        assertThat(new Table(1).size()).isEqualTo(64);
        assertThat(new Table(1024).size()).isEqualTo(1024);
        assertThat(new Table(1025).size()).isEqualTo(2048);
        Table u = new Table(1000).column("a", Table.Type.INT);
        long planned = u.memorySize();
        assertThat(planned).isGreaterThan(1024L * (80 + 8));
        u.create();
        assertThat(u.memorySize()).isEqualTo(planned);
        u.destroy();
    }

    @Test
    void fullTableRefusesNewKeysWithLastErrorAndStats() {
        Table small = new Table(64).column("v", Table.Type.INT);
        small.create();
        try {
            for (int i = 0; i < 64; i++) {
                assertThat(small.set("key-" + i, Map.of("v", i))).isTrue();
            }
            LastError.clear();
            assertThat(small.set("one-more", Map.of("v", 1))).isFalse();
            assertThat(LastError.error()).isEqualTo(ErrorCode.MALLOC_FAIL);
            assertThat(small.add("one-more", Map.of("v", 1))).isFalse();
            assertThatThrownBy(() -> small.incr("one-more", "v")).isInstanceOf(SwooleException.class)
                    .hasMessageContaining("full");
            assertThat(small.set("key-5", Map.of("v", 55))).isTrue();
            assertThat(small.stats()).containsEntry("num", 64L).containsEntry("available_slice_num", 0L)
                    .containsEntry("total_slice_num", 64L).containsEntry("full_count", 3L);
            assertThat(small.del("key-5")).isTrue();
            assertThat(small.set("one-more", Map.of("v", 1))).isTrue();
            assertThat(small.get("one-more", "v")).isEqualTo(1L);
        } finally {
            small.destroy();
        }
    }

    @Test
    void statsHaveSwoolesKeys() {
        for (int i = 0; i < 100; i++) {
            t.set("s" + i, Map.of("id", i));
        }
        t.incr("s1", "id");
        Map<String, Long> s = t.stats();
        assertThat(s).containsKeys("num", "conflict_count", "conflict_max_level", "insert_count", "update_count",
                "delete_count", "available_slice_num", "total_slice_num");
        assertThat(s).containsEntry("num", 100L).containsEntry("update_count", 1L)
                .containsEntry("available_slice_num", 28L).containsEntry("total_slice_num", 128L);
        assertThat(s.get("conflict_max_level")).isGreaterThanOrEqualTo(s.get("conflict_count") > 0 ? 2L : 0L);
    }

    @Test
    void iterationSeesEveryRowOnce() {
        for (int i = 0; i < 100; i++) {
            t.set("it" + i, Map.of("id", i, "name", "v" + i));
        }
        Map<String, Map<String, Object>> seen = new java.util.HashMap<>();
        for (Map.Entry<String, Map<String, Object>> e : t) {
            assertThat(seen.put(e.getKey(), e.getValue())).isNull();
        }
        assertThat(seen).hasSize(100);
        assertThat(seen.get("it42")).containsEntry("id", 42L).containsEntry("name", "v42");
    }

    @Test
    void segmentLivesInDevShmAndDestroyRemovesIt() throws Exception {
        Path dir = SharedMemory.directory();
        org.junit.jupiter.api.Assumptions.assumeTrue(dir != null, "no /dev/shm");
        Table named = new Table("named-test", 10, 0.2).column("a", Table.Type.INT);
        named.create();
        Path file = dir.resolve("table-named-test");
        assertThat(Files.exists(file)).isTrue();
        assertThat(Files.size(file)).isEqualTo(named.memorySize());
        Table twin = new Table("named-test", 10, 0.2).column("a", Table.Type.INT);
        assertThatThrownBy(twin::create).isInstanceOf(SwooleException.class).hasMessageContaining("already exists");
        assertThat(named.destroy()).isTrue();
        assertThat(named.destroy()).isFalse();
        assertThat(Files.exists(file)).isFalse();
        assertThatThrownBy(() -> named.get("a")).isInstanceOf(SwooleException.class).hasMessageContaining("destroyed");
        assertThatThrownBy(() -> new Table("bad/name", 10, 0.2)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void tablesCannotBeCreatedAfterSeal() {
        Table late = new Table(10).column("a", Table.Type.INT);
        SharedMemory.seal();
        try {
            assertThat(SharedMemory.sealed()).isTrue();
            assertThatThrownBy(late::create).isInstanceOf(SwooleException.class)
                    .hasMessage("tables must be created before Server.start()");
            Atomic local = new Atomic(5);
            assertThat(local.add()).isEqualTo(6);
            local.destroy();
        } finally {
            SharedMemory.unsealForTests();
        }
        late.create();
        late.destroy();
    }
}
