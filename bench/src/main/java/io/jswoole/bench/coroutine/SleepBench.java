package io.jswoole.bench.coroutine;

import io.jswoole.coroutine.Coroutine;
import io.jswoole.coroutine.Scheduler;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * N coroutines each sleeping M ms in one scheduler: creation time, time until all have finished, peak RSS.
 * <pre>
 * java --add-opens java.base/java.lang=ALL-UNNAMED -cp ... io.jswoole.bench.coroutine.SleepBench MODE N M
 * </pre>
 * MODE {@code jswoole}: {@code Coroutine.run} + {@code Coroutine.sleep} (timing wheel);
 * {@code jswoole-jdksleep}: the same serial scheduler but the JDK's {@code Thread.sleep} timers;
 * {@code jdk}: plain virtual threads on the JDK's default scheduler (every core) with {@code Thread.sleep}.
 */
public final class SleepBench {
    private SleepBench() {
    }

    public static void main(String[] args) throws Exception {
        String mode = args.length > 0 ? args[0] : "jswoole";
        int n = args.length > 1 ? Integer.parseInt(args[1]) : 1_000_000;
        long ms = args.length > 2 ? Long.parseLong(args[2]) : 1000;
        Coroutine.set(Map.of("max_coroutine", n + 10));
        warmUp(mode);
        long t0 = System.nanoTime();
        long[] created = new long[1];
        switch (mode) {
            case "jswoole", "jswoole-jdksleep" -> {
                boolean jdk = mode.endsWith("jdksleep");
                Coroutine.run(() -> {
                    for (int i = 0; i < n; i++) {
                        if (jdk) {
                            Coroutine.go(() -> {
                                try {
                                    Thread.sleep(ms);
                                } catch (InterruptedException e) {
                                    Thread.currentThread().interrupt();
                                }
                            });
                        } else {
                            Coroutine.go(() -> Coroutine.sleep(ms / 1000.0));
                        }
                    }
                    created[0] = System.nanoTime();
                    System.out.println("peak coroutines " + Scheduler.current().coroutinePeak());
                });
            }
            case "jdk" -> {
                CountDownLatch done = new CountDownLatch(n);
                for (int i = 0; i < n; i++) {
                    Thread.ofVirtual().start(() -> {
                        try {
                            Thread.sleep(ms);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        done.countDown();
                    });
                }
                created[0] = System.nanoTime();
                done.await();
            }
            default -> throw new IllegalArgumentException("mode: jswoole | jswoole-jdksleep | jdk");
        }
        long end = System.nanoTime();
        System.out.printf("%s: %,d coroutines sleeping %d ms: created in %d ms, all finished %d ms after start,"
                        + " peak RSS %d MB%n", mode, n, ms, (created[0] - t0) / 1_000_000, (end - t0) / 1_000_000,
                peakRssKb() / 1024);
    }

    /**
     * Two rounds of 100,000 short sleeps, so that the measured run executes compiled code: a continuation frozen
     * in code that the JIT replaces meanwhile is thawed through a slow path (about 20 us instead of 1 us).
     */
    private static void warmUp(String mode) throws InterruptedException {
        for (int round = 0; round < 2; round++) {
            if (mode.equals("jdk")) {
                CountDownLatch done = new CountDownLatch(100_000);
                for (int i = 0; i < 100_000; i++) {
                    Thread.ofVirtual().start(() -> {
                        try {
                            Thread.sleep(50);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        done.countDown();
                    });
                }
                done.await();
            } else {
                Coroutine.run(() -> {
                    for (int i = 0; i < 100_000; i++) {
                        Coroutine.go(() -> Coroutine.sleep(0.05));
                    }
                });
            }
        }
        System.gc();
    }

    /** VmHWM of /proc/self/status, in KB (0 when unavailable). */
    static long peakRssKb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (Exception e) {
            return 0;
        }
        return 0;
    }
}
