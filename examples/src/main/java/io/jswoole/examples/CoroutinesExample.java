package io.jswoole.examples;

import io.jswoole.coroutine.Coroutine;
import java.util.Map;

/**
 * {@code ./jswoole run coroutines --count N --sleep-ms M}: starts N coroutines that each sleep M ms inside
 * {@code Coroutine.run} and prints {@code finished in <ms> ms} once all of them have finished.
 */
public final class CoroutinesExample {
    private CoroutinesExample() {
    }

    public static void main(String[] args) {
        int count = 10_000;
        long sleepMs = 1000;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--count" -> count = Integer.parseInt(args[++i]);
                case "--sleep-ms" -> sleepMs = Long.parseLong(args[++i]);
                default -> {
                    System.err.println("usage: coroutines [--count N] [--sleep-ms M]");
                    System.exit(2);
                }
            }
        }
        if (count < 0 || sleepMs < 0) {
            System.err.println("--count and --sleep-ms must not be negative");
            System.exit(2);
        }
        int n = count;
        double seconds = sleepMs / 1000.0;
        Coroutine.set(Map.of("max_coroutine", Math.max(100_000, n + 1)));
        long t0 = System.nanoTime();
        Coroutine.run(() -> {
            for (int i = 0; i < n; i++) {
                Coroutine.go(() -> Coroutine.sleep(seconds));
            }
        });
        System.out.println("finished in " + (System.nanoTime() - t0) / 1_000_000 + " ms");
    }
}
