package io.jswoole.coroutine;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.invoke.VarHandle;
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
 * Without it there is no scheduler to create: coroutines on the JDK's shared scheduler would run in parallel and
 * break the guarantee every handler relies on (one coroutine of a worker at a time, replies in order), so
 * {@link #builder} refuses with {@link #NOT_OPEN}, which names the flag, instead of running with weaker semantics.
 * <p>The carrier is wrapped so that it never rejects a continuation: a virtual thread still parked when its
 * scheduler closes (a socket read, or a helper thread started with {@code Thread.ofVirtual()} inside a coroutine,
 * which inherits the coroutine's scheduler) is resumed later by the JDK's I/O poller or timer thread, and a
 * {@link RejectedExecutionException} there would kill that JDK thread and hang every virtual thread of the process.
 * Such orphans finish on a shared one-thread pool instead.
 * <p>A thread that runs several coroutines one after the other ({@link Scheduler#dispatch}) takes each one's id from
 * the JDK's thread ids ({@link #nextId}), so ids stay unique across all coroutines, and drops the thread locals a
 * coroutine left ({@link #clearLocals}), so the next one starts as on a fresh thread.
 */
final class VirtualThreads {
    private static final Constructor<?> CTOR = find();
    private static final MethodHandle NEXT_ID;
    private static final VarHandle LOCALS;
    private static final VarHandle INHERITED_LOCALS;

    static {
        MethodHandle next = null;
        VarHandle locals = null;
        VarHandle inherited = null;
        try {
            MethodHandles.Lookup in = MethodHandles.privateLookupIn(Thread.class, MethodHandles.lookup());
            next = in.findStatic(Class.forName("java.lang.Thread$ThreadIdentifiers"), "next",
                    MethodType.methodType(long.class));
            Class<?> map = Class.forName("java.lang.ThreadLocal$ThreadLocalMap");
            locals = in.findVarHandle(Thread.class, "threadLocals", map);
            inherited = in.findVarHandle(Thread.class, "inheritableThreadLocals", map);
        } catch (ReflectiveOperationException | RuntimeException e) {
            next = null; // java.lang is not open to us: every coroutine gets a thread of its own
        }
        NEXT_ID = next;
        LOCALS = next == null ? null : locals;
        INHERITED_LOCALS = next == null ? null : inherited;
    }
    /** Why coroutines cannot run here, and what to add. */
    static final String NOT_OPEN = "jswoole runs the coroutines of a worker one at a time on a virtual-thread "
            + "scheduler of its own, which needs the JVM option --add-opens java.base/java.lang=ALL-UNNAMED "
            + "(add it to the java command, to JDK_JAVA_OPTIONS, to .mvn/jvm.config for mvn exec:java, or as "
            + "'Add-Opens: java.base/java.lang' to an executable jar's manifest)";
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

    /** True when one virtual thread may run several coroutines in turn ({@link #nextId}, {@link #clearLocals}). */
    static boolean reusable() {
        return CTOR != null && NEXT_ID != null;
    }

    /** A new id from the JDK's sequence of thread ids (no thread has it, nor will). */
    static long nextId() {
        try {
            return (long) NEXT_ID.invokeExact();
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** Drops the thread locals of {@code t} (the current thread), as a new thread has none. */
    static void clearLocals(Thread t) {
        if (LOCALS.get(t) != null) {
            LOCALS.set(t, null);
        }
        if (INHERITED_LOCALS.get(t) != null) {
            INHERITED_LOCALS.set(t, null);
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

    /**
     * A builder of virtual threads that run on {@code carrier}.
     *
     * @throws IllegalStateException when {@code java.lang} is not open to jswoole ({@link #NOT_OPEN})
     */
    static Thread.Builder.OfVirtual builder(Executor carrier) {
        if (CTOR == null) {
            throw new IllegalStateException(NOT_OPEN);
        }
        try {
            return (Thread.Builder.OfVirtual) CTOR.newInstance(guarded(carrier));
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(NOT_OPEN, e);
        }
    }
}
