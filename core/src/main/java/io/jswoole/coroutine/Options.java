package io.jswoole.coroutine;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/** The process-wide coroutine options of {@link Coroutine#set}, with Swoole's keys and defaults. */
final class Options {
    /** Swoole's default {@code max_coroutine}. */
    static final int DEFAULT_MAX_COROUTINE = 100_000;
    static final AtomicInteger RUNS = new AtomicInteger();
    static volatile int maxCoroutine = DEFAULT_MAX_COROUTINE;
    static volatile boolean deadlockCheck = true;

    private Options() {
    }

    static void set(Map<String, ?> options) {
        for (Map.Entry<String, ?> e : options.entrySet()) {
            switch (e.getKey()) {
                case "max_coroutine" -> {
                    int max = ((Number) e.getValue()).intValue();
                    if (max < 1) {
                        throw new IllegalArgumentException("max_coroutine must be at least 1, got " + max);
                    }
                    maxCoroutine = max;
                    Scheduler s = Scheduler.currentOrNull();
                    if (s != null) {
                        s.maxCoroutine(max);
                    }
                }
                case "deadlock_check" -> deadlockCheck = Boolean.TRUE.equals(e.getValue())
                        || e.getValue() instanceof Number n && n.intValue() != 0;
                default -> throw new IllegalArgumentException("unknown coroutine option: " + e.getKey());
            }
        }
    }

    static Map<String, Object> get() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("max_coroutine", maxCoroutine);
        m.put("deadlock_check", deadlockCheck);
        return m;
    }
}
