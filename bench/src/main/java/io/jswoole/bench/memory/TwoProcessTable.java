package io.jswoole.bench.memory;

import io.jswoole.memory.Atomic;
import io.jswoole.memory.AtomicLong;
import io.jswoole.memory.SharedMemory;
import io.jswoole.memory.Table;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Scaling of a shared {@link Table} from one process to two: a timed loop of {@code incr} (then {@code get}) on
 * random keys, first in this process alone, then in this process and a child JVM attached to the same segment
 * ({@code JSWOOLE_SHM_ATTACH}) at the same time. Prints ops/s and checks that the incr totals are exact.
 * <p>Usage: {@code java -cp bench/target/benchmarks.jar io.jswoole.bench.memory.TwoProcessTable [seconds] [--pin]};
 * with {@code --pin} the child runs under {@code taskset -c 1} (start this process under {@code taskset -c 0}).
 */
public final class TwoProcessTable {
    private static final int KEYS = 16_384;
    private static final String[] OPS = {"incr", "get"};
    private static final long WARMUP_NANOS = 2_000_000_000L;

    private TwoProcessTable() {
    }

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 && !args[0].startsWith("--") ? Integer.parseInt(args[0]) : 5;
        boolean pin = List.of(args).contains("--pin");
        Table table = new Table("bench", 65_536, 0.2);
        table.column("n", Table.Type.INT);
        table.column("s", Table.Type.STRING, 32);
        table.create();
        Atomic go = new Atomic("go", 0);
        Atomic done = new Atomic("done", 0);
        AtomicLong childOps = new AtomicLong("child-ops", 0);
        AtomicLong childIncrs = new AtomicLong("child-incrs", 0);
        String[] keys = keys();
        long nanos = seconds * 1_000_000_000L;
        if (SharedMemory.attaching()) {
            for (String op : OPS) {
                go.wait(-1.0);
                long warm = loop(table, keys, op, WARMUP_NANOS, 0x2545F491);
                long measured = loop(table, keys, op, nanos, 0x2545F491);
                if (op.equals("incr")) {
                    childIncrs.set(warm + measured);
                }
                childOps.set(measured);
                done.add();
            }
            return;
        }
        for (String k : keys) {
            table.set(k, Map.of("n", 0, "s", "x"));
        }
        Process child = startChild(pin, seconds);
        long incrs = 0;
        for (int round = 0; round < OPS.length; round++) {
            String op = OPS[round];
            long warmAlone = loop(table, keys, op, WARMUP_NANOS, 0x1234567);
            long alone = loop(table, keys, op, nanos, 0x1234567);
            go.wakeup(1);
            long warm = loop(table, keys, op, WARMUP_NANOS, 0x7654321);
            long mine = loop(table, keys, op, nanos, 0x7654321);
            while (done.get() < round + 1) {
                Thread.sleep(10);
            }
            long theirs = childOps.get();
            if (op.equals("incr")) {
                incrs = warmAlone + alone + warm + mine + childIncrs.get();
            }
            System.out.printf("%-5s 1 process: %,.0f ops/s | 2 processes: %,.0f + %,.0f = %,.0f ops/s (x%.2f)%n", op,
                    alone / (double) seconds, mine / (double) seconds, theirs / (double) seconds,
                    (mine + theirs) / (double) seconds, (mine + theirs) / (double) alone);
        }
        child.waitFor();
        long total = 0;
        for (String k : keys) {
            total += (Long) table.get(k, "n");
        }
        System.out.printf("incr total in the table: %,d, incr calls made by both processes: %,d (%s)%n", total, incrs,
                total == incrs ? "exact" : "MISMATCH");
        table.destroy();
    }

    private static String[] keys() {
        String[] keys = new String[KEYS];
        for (int k = 0; k < KEYS; k++) {
            keys[k] = "user:" + Integer.toHexString(k * 0x9E3779B1);
        }
        return keys;
    }

    /** Runs {@code op} on pseudo-random keys for {@code nanos}; answers the number of operations. */
    static long loop(Table table, String[] keys, String op, long nanos, int seed) {
        boolean incr = op.equals("incr");
        long end = System.nanoTime() + nanos;
        long ops = 0;
        long sink = 0;
        int x = seed;
        do {
            for (int j = 0; j < 1024; j++) {
                x ^= x << 13;
                x ^= x >>> 17;
                x ^= x << 5;
                String key = keys[x & (KEYS - 1)];
                sink += incr ? table.incr(key, "n") : (Long) table.get(key, "n");
            }
            ops += 1024;
        } while (System.nanoTime() < end);
        if (sink == 42) {
            System.out.print("");
        }
        return ops;
    }

    private static Process startChild(boolean pin, int seconds) throws Exception {
        List<String> cmd = new ArrayList<>();
        if (pin) {
            cmd.addAll(List.of("taskset", "-c", "1"));
        }
        cmd.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                TwoProcessTable.class.getName(), Integer.toString(seconds)));
        ProcessBuilder pb = new ProcessBuilder(cmd).inheritIO();
        pb.environment().put(SharedMemory.ATTACH_ENV, SharedMemory.directory().toString());
        return pb.start();
    }
}
