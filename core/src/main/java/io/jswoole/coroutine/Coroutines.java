package io.jswoole.coroutine;

import io.jswoole.log.Log;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Function;

/**
 * Swoole's coroutine library functions {@code batch}, {@code parallel} and {@code map}: start coroutines in the
 * current scheduler and wait for them. Called outside a coroutine they use the shared fallback scheduler and park
 * the calling thread.
 */
public final class Coroutines {
    private Coroutines() {
    }

    /**
     * {@code Swoole\Coroutine\batch}: runs every task in its own coroutine and waits up to {@code timeout} seconds
     * (negative: forever) for all of them.
     *
     * @return the results under the tasks' keys, in the tasks' order; a task that failed or had not finished by the
     *         timeout maps to {@code null}
     */
    public static <K, V> Map<K, V> batch(Map<K, ? extends Callable<? extends V>> tasks, double timeout) {
        Map<K, V> results = Collections.synchronizedMap(new LinkedHashMap<>());
        for (K k : tasks.keySet()) {
            results.put(k, null);
        }
        WaitGroup wg = new WaitGroup();
        for (Map.Entry<K, ? extends Callable<? extends V>> e : tasks.entrySet()) {
            wg.add();
            Coroutine.go(() -> {
                try {
                    results.put(e.getKey(), e.getValue().call());
                } catch (Exception ex) {
                    Log.warning("batch task " + e.getKey() + " failed: " + ex);
                } finally {
                    wg.done();
                }
            });
        }
        wg.await(timeout);
        synchronized (results) {
            return new LinkedHashMap<>(results);
        }
    }

    /**
     * {@code Swoole\Coroutine\parallel}: runs {@code fn} in {@code n} coroutines at once and waits for all of them.
     */
    public static void parallel(int n, Runnable fn) {
        WaitGroup wg = new WaitGroup();
        for (int i = 0; i < n; i++) {
            wg.add();
            Coroutine.go(() -> {
                try {
                    fn.run();
                } finally {
                    wg.done();
                }
            });
        }
        wg.await();
    }

    /**
     * {@code Swoole\Coroutine\map}: applies {@code fn} to every element, each in its own coroutine, waiting up to
     * {@code timeout} seconds (negative: forever).
     *
     * @return the results in the list's order; {@code null} for an element whose call failed or had not finished
     */
    public static <T, R> List<R> map(List<T> list, Function<? super T, ? extends R> fn, double timeout) {
        Map<Integer, Callable<R>> tasks = new LinkedHashMap<>();
        for (int i = 0; i < list.size(); i++) {
            T item = list.get(i);
            tasks.put(i, () -> fn.apply(item));
        }
        return new ArrayList<>(batch(tasks, timeout).values());
    }
}
