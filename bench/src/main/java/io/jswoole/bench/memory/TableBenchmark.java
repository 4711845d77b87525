package io.jswoole.bench.memory;

import io.jswoole.memory.Table;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One thread on a {@link Table} in /dev/shm: 65,536 rows (INT, FLOAT and a 32-byte STRING column), 16,384 live
 * distinct keys of 6 to 13 bytes visited in a fixed scrambled order. Compare with Swoole's documented ~2,000,000 reads
 * and writes per second for one thread.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xmx512m"})
public class TableBenchmark {
    private static final int KEYS = 16_384;

    private Table table;
    private String[] keys;
    private Map<String, Object> row;
    private int i;

    @Setup(Level.Trial)
    public void setUp() {
        table = new Table(65_536);
        table.column("n", Table.Type.INT);
        table.column("f", Table.Type.FLOAT);
        table.column("s", Table.Type.STRING, 32);
        table.create();
        keys = new String[KEYS];
        for (int k = 0; k < KEYS; k++) {
            keys[k] = "user:" + Integer.toHexString(k * 0x9E3779B1);
            table.set(keys[k], Map.of("n", k, "f", k * 0.5, "s", "value-" + k));
        }
        row = Map.of("n", 42L, "f", 1.5, "s", "hello world");
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        table.destroy();
    }

    private String next() {
        return keys[(i = (i + 1) & (KEYS - 1))];
    }

    /** get(key, field) of an INT column. */
    @Benchmark
    public Object getField() {
        return table.get(next(), "n");
    }

    /** get(key): the whole row as a map (3 columns, one String decoded). */
    @Benchmark
    public Object getRow() {
        return table.get(next());
    }

    /** exists(key). */
    @Benchmark
    public boolean exists() {
        return table.exists(next());
    }

    /** set(key, 3 columns) on existing rows. */
    @Benchmark
    public boolean set() {
        return table.set(next(), row);
    }

    /** incr(key, INT column). */
    @Benchmark
    public long incr() {
        return table.incr(next(), "n");
    }
}
