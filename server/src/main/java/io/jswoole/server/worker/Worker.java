package io.jswoole.server.worker;

import io.jswoole.coroutine.Scheduler;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * A worker as the reactors see it: where events are dispatched to. In BASE and THREAD mode it is in this JVM, a
 * serial {@link Scheduler} whose coroutines run the callbacks (in BASE mode the scheduler's carrier is the worker's
 * own event loop, Swoole's model; in THREAD mode a thread of its own). In the master of PROCESS mode it is a
 * {@link Remote} (the master's link to a worker JVM): the events go as frames to that JVM.
 */
public final class Worker {
    /** The master's side of a worker JVM (PROCESS mode): where this worker's events go. */
    public interface Remote {
        /** Sends {@code event} to the worker JVM, which reports it finished. */
        void deliver(WorkerEvent event);

        /** The peer of {@code fd} half-closed: the worker JVM answers once the receives before it have run. */
        void halfClose(int fd, long session);
    }

    /** Runs an event in a worker (the server's side of the boundary). */
    public interface Handler {
        void handle(Worker worker, WorkerEvent event);
    }

    public final int id;
    /** The local scheduler, or null for a worker JVM. */
    public final Scheduler scheduler;
    /** The link to a worker JVM, or null for a local worker. */
    public final Remote remote;
    private final Handler handler;
    /** Events handed to this worker and not finished yet ({@code dispatch_mode} 3 looks for 0). */
    public final AtomicInteger concurrency = new AtomicInteger();
    public final LongAdder requestCount = new LongAdder();
    public final LongAdder dispatchCount = new LongAdder();
    public final LongAdder responseCount = new LongAdder();

    public Worker(int id, Scheduler scheduler, Handler handler) {
        this.id = id;
        this.scheduler = scheduler;
        this.handler = handler;
        this.remote = null;
    }

    public Worker(int id, Remote remote) {
        this.id = id;
        this.scheduler = null;
        this.handler = null;
        this.remote = remote;
    }

    /** Hands {@code event} to this worker; its callback runs as a coroutine (or directly, without coroutines). */
    public void deliver(WorkerEvent event) {
        dispatchCount.increment();
        concurrency.incrementAndGet();
        if (remote != null) {
            remote.deliver(event); // the worker JVM reports finished events (DONE frames)
            return;
        }
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

    public boolean idle() {
        return concurrency.get() == 0;
    }

    /** Coroutines alive in the worker; for a worker JVM, the events it has in flight. */
    public int coroutineNum() {
        return scheduler != null ? scheduler.coroutineNum() : concurrency.get();
    }
}
