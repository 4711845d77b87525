package io.jswoole.memory;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class TableConcurrencyTest {
    @Test
    void concurrentIncrFromSeveralThreadsIsExact() throws Exception {
        Table t = new Table(256).column("n", Table.Type.INT).column("f", Table.Type.FLOAT);
        t.create();
        try {
            int threads = 4, per = 50_000;
            List<Thread> ts = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                ts.add(Thread.ofPlatform().start(() -> {
                    for (int j = 0; j < per; j++) {
                        t.incr("hot", "n");
                        t.incr("k" + (j % 64), "n", 2);
                        if (j % 100 == 0) {
                            t.incr("hot", "f", 0.5);
                        }
                    }
                }));
            }
            for (Thread th : ts) {
                th.join();
            }
            assertThat(t.get("hot", "n")).isEqualTo((long) threads * per);
            assertThat(t.get("hot", "f")).isEqualTo(threads * (per / 100) * 0.5);
            long sum = 0;
            for (int k = 0; k < 64; k++) {
                sum += (Long) t.get("k" + k, "n");
            }
            assertThat(sum).isEqualTo(2L * threads * per);
            assertThat(t.count()).isEqualTo(65);
        } finally {
            t.destroy();
        }
    }

    @Test
    void insertsAndDeletesRaceWithoutLosingRowsOrCount() throws Exception {
        Table t = new Table(128).column("n", Table.Type.INT);
        t.create();
        try {
            List<Thread> ts = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                int id = i;
                ts.add(Thread.ofPlatform().start(() -> {
                    for (int j = 0; j < 20_000; j++) {
                        String key = "t" + id + "-" + (j % 30);
                        if (!t.add(key, Map.of("n", j))) {
                            t.del(key);
                        }
                    }
                }));
            }
            for (Thread th : ts) {
                th.join();
            }
            int rows = 0;
            for (var ignored : t) {
                rows++;
            }
            assertThat(t.count()).isEqualTo(rows);
            assertThat(t.stats().get("available_slice_num")).isEqualTo(128L - rows);
            for (int i = 0; i < 128 - rows; i++) {
                assertThat(t.set("fill" + i, Map.of("n", 1))).isTrue();
            }
            assertThat(t.set("overflow", Map.of("n", 1))).isFalse();
        } finally {
            t.destroy();
        }
    }

    @Test
    void iterationWhileOthersWriteSeesStableRowsOnceAndConsistentValues() throws Exception {
        Table t = new Table(1024).column("a", Table.Type.INT).column("b", Table.Type.STRING, 20);
        t.create();
        try {
            for (int i = 0; i < 200; i++) {
                t.set("stable" + i, Map.of("a", i, "b", Integer.toString(i)));
            }
            AtomicBoolean stop = new AtomicBoolean();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            List<Thread> writers = new ArrayList<>();
            for (int w = 0; w < 2; w++) {
                int id = w;
                writers.add(Thread.ofPlatform().start(() -> {
                    try {
                        for (long i = 0; !stop.get(); i++) {
                            String key = "churn" + id + "-" + (i % 300);
                            if (i % 3 == 2) {
                                t.del(key);
                            } else {
                                t.set(key, Map.of("a", i, "b", Long.toString(i)));
                            }
                            t.incr("stable" + (i % 200), "a", 0);
                        }
                    } catch (Throwable e) {
                        failure.set(e);
                    }
                }));
            }
            for (int round = 0; round < 30; round++) {
                Set<String> keys = new HashSet<>();
                int stable = 0;
                for (Map.Entry<String, Map<String, Object>> e : t) {
                    assertThat(keys.add(e.getKey())).as("key seen twice: %s", e.getKey()).isTrue();
                    assertThat(e.getValue().get("b")).isEqualTo(e.getValue().get("a").toString());
                    if (e.getKey().startsWith("stable")) {
                        stable++;
                    }
                }
                assertThat(stable).isEqualTo(200);
            }
            stop.set(true);
            for (Thread th : writers) {
                th.join();
            }
            assertThat(failure.get()).isNull();
        } finally {
            t.destroy();
        }
    }
}
