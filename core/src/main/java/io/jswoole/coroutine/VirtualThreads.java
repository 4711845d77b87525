package io.jswoole.coroutine;

import io.jswoole.log.Log;
import java.lang.reflect.Constructor;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * The one place that reaches into the JDK: a virtual-thread builder with a scheduler of our choosing.
 * <p>JDK 25 offers a custom scheduler only through the internal constructor
 * {@code ThreadBuilders.VirtualThreadBuilder(Executor)}, which needs
 * {@code --add-opens java.base/java.lang=ALL-UNNAMED} (the launcher, the tests and re-launched workers pass it).
 * Without it we fall back to the JDK's shared scheduler and warn once: coroutines of one worker may then run in
 * parallel.
 * <p>The carrier is wrapped so that it never rejects a continuation: a virtual thread still parked when its
 * scheduler closes (a socket read, or a helper thread started with {@code Thread.ofVirtual()} inside a coroutine,
 * which inherits the coroutine's scheduler) is resumed later by the JDK's I/O poller or timer thread, and a
 * {@link RejectedExecutionException} there would kill that JDK thread and hang every virtual thread of the process.
 * Such orphans finish on a shared one-thread pool instead.
 */
final class VirtualThreads {
    private static final Constructor<?> CTOR = find();
    private static volatile boolean warned;
    private static volatile ForkJoinPool orphans;

    private VirtualThreads() {
    }

    private static Constructor<?> find() {
        try {
            Class<?> c = Class.forName("java.lang.ThreadBuilders$VirtualThreadBuilder");
            Constructor<?> ctor = c.getDeclaredConstructor(Executor.class);
            ctor.setAccessible(true);
            return ctor;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    /** True when coroutines of one scheduler are guaranteed to run one at a time. */
    static boolean serial() {
        return CTOR != null;
    }

    private static Executor guarded(Executor carrier) {
        return task -> {
            try {
                carrier.execute(task);
            } catch (RejectedExecutionException e) {
                orphans().execute(task);
            }
        };
    }

    private static ForkJoinPool orphans() {
        ForkJoinPool p = orphans;
        if (p == null) {
            synchronized (VirtualThreads.class) {
                if (orphans == null) {
                    orphans = new ForkJoinPool(1, pool -> {
                        var t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(pool);
                        t.setName("jswoole-orphans");
                        t.setDaemon(true);
                        return t;
                    }, null, true, 0, 1, 1, x -> true, 10, TimeUnit.SECONDS);
                }
                p = orphans;
            }
        }
        return p;
    }

    static Thread.Builder.OfVirtual builder(Executor carrier) {
        if (CTOR != null) {
            try {
                return (Thread.Builder.OfVirtual) CTOR.newInstance(guarded(carrier));
            } catch (ReflectiveOperationException e) {
                // fall through to the shared scheduler
            }
        }
        if (!warned) {
            warned = true;
            Log.warning("virtual-thread scheduler not accessible (run with --add-opens java.base/java.lang="
                    + "ALL-UNNAMED): coroutines of one worker may run in parallel");
        }
        return Thread.ofVirtual();
    }
}
