package io.jswoole.coroutine;

import io.jswoole.log.Log;
import java.lang.reflect.Constructor;
import java.util.concurrent.Executor;

/**
 * The one place that reaches into the JDK: a virtual-thread builder with a scheduler of our choosing.
 * <p>JDK 25 offers a custom scheduler only through the internal constructor
 * {@code ThreadBuilders.VirtualThreadBuilder(Executor)}, which needs
 * {@code --add-opens java.base/java.lang=ALL-UNNAMED} (the launcher, the tests and re-launched workers pass it).
 * Without it we fall back to the JDK's shared scheduler and warn once: coroutines of one worker may then run in
 * parallel.
 */
final class VirtualThreads {
    private static final Constructor<?> CTOR = find();
    private static volatile boolean warned;

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

    static Thread.Builder.OfVirtual builder(Executor carrier) {
        if (CTOR != null) {
            try {
                return (Thread.Builder.OfVirtual) CTOR.newInstance(carrier);
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
