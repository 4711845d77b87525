package io.jswoole.server.process;

import io.jswoole.coroutine.Scheduler;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * A worker JVM's coroutine counts for its master ({@link ToMaster.Coroutines}): the admin listener shows them per
 * worker, and the master cannot read another JVM's scheduler. Sent when they changed, at most once a second, by a
 * daemon thread that reads two counters (no coroutine, no timer of the worker's own).
 */
final class CoroutineReport {
    private CoroutineReport() {
    }

    static void start(Scheduler scheduler, BooleanSupplier stopping, Consumer<ToMaster> master) {
        Thread.ofPlatform().daemon().name("jswoole-coroutine-report").start(() -> {
            int num = -1, peak = -1;
            while (!stopping.getAsBoolean() && !scheduler.isClosed()) {
                int n = scheduler.coroutineNum(), p = scheduler.coroutinePeak();
                if (n != num || p != peak) {
                    num = n;
                    peak = p;
                    master.accept(new ToMaster.Coroutines(n, p));
                }
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
    }
}
