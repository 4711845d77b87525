package io.jswoole.server;

import io.jswoole.coroutine.Scheduler;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * A worker in this JVM: a serial {@link Scheduler} whose coroutines run the callbacks of the events dispatched to
 * it. In BASE mode the scheduler's carrier is the worker's own event loop (Swoole's model: the loop runs the
 * callbacks); in THREAD mode it is a thread of its own.
 */
final class Worker {
    /** Runs an event in a worker (the server's side of the boundary). */
    interface Handler {
        void handle(Worker worker, WorkerEvent event);
    }

    final int id;
    final Scheduler scheduler;
    private final Handler handler;
    /** Events handed to this worker and not finished yet ({@code dispatch_mode} 3 looks for 0). */
    final AtomicInteger concurrency = new AtomicInteger();
    final LongAdder requestCount = new LongAdder();
    final LongAdder dispatchCount = new LongAdder();
    final LongAdder responseCount = new LongAdder();

    Worker(int id, Scheduler scheduler, Handler handler) {
        this.id = id;
        this.scheduler = scheduler;
        this.handler = handler;
    }

    /** Hands {@code event} to this worker; its callback runs as a coroutine (or directly, without coroutines). */
    void deliver(WorkerEvent event) {
        dispatchCount.increment();
        concurrency.incrementAndGet();
        try {
            scheduler.dispatch(() -> {
                try {
                    handler.handle(this, event);
                } finally {
                    concurrency.decrementAndGet();
                }
            });
        } catch (RuntimeException e) {
            concurrency.decrementAndGet();
            throw e;
        }
    }

    boolean idle() {
        return concurrency.get() == 0;
    }
}
