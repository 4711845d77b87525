package io.jswoole.server.worker;

import io.jswoole.coroutine.Scheduler;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * A worker as the reactors see it: where events are dispatched to. In BASE and THREAD mode it is a {@link Local}
 * worker, a serial {@link Scheduler} in this JVM whose coroutines run the callbacks (in BASE mode the scheduler's
 * carrier is the worker's own event loop, Swoole's model; in THREAD mode a thread of its own). In the master of
 * PROCESS mode it is a {@link Jvm}: the master's link to a worker JVM, to which the events go as frames. Which of the
 * two is chosen once, when the runtime builds its workers.
 */
public abstract sealed class Worker {
    /** The master's side of a worker JVM (PROCESS mode): where this worker's events go. */
    public interface Remote {
        /** Sends {@code event} to the worker JVM, which reports it finished. */
        void deliver(WorkerEvent event);

        /** The peer of {@code fd} half-closed: the worker JVM answers once the receives before it have run. */
        void halfClose(int fd, long session);
    }

    /** Runs an event in a local worker (the server's side of the boundary). */
    public interface Handler {
        void handle(Local worker, WorkerEvent event);
    }

    public final int id;
    /** Events handed to this worker and not finished yet ({@code dispatch_mode} 3 looks for 0). */
    public final AtomicInteger concurrency = new AtomicInteger();
    public final LongAdder requestCount = new LongAdder();
    public final LongAdder dispatchCount = new LongAdder();
    public final LongAdder responseCount = new LongAdder();

    private Worker(int id) {
        this.id = id;
    }

    /** Hands {@code event} to this worker; its callback runs as a coroutine (or directly, without coroutines). */
    public final void deliver(WorkerEvent event) {
        dispatchCount.increment();
        concurrency.incrementAndGet();
        hand(event);
    }

    abstract void hand(WorkerEvent event);

    public boolean idle() {
        return concurrency.get() == 0;
    }

    /** Coroutines alive in the worker; for a worker JVM, the events it has in flight. */
    public abstract int coroutineNum();

    /** A worker in this JVM: its events run as coroutines of its scheduler. */
    public static final class Local extends Worker {
        public final Scheduler scheduler;
        private final Handler handler;

        public Local(int id, Scheduler scheduler, Handler handler) {
            super(id);
            this.scheduler = scheduler;
            this.handler = handler;
        }

        @Override
        void hand(WorkerEvent event) {
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

        @Override
        public int coroutineNum() {
            return scheduler.coroutineNum();
        }
    }

    /**
     * A worker JVM as its master sees it: events go to {@link #remote}, and the JVM reports them finished (DONE
     * frames). It keeps the event order of its connections (their gates) itself.
     */
    public static final class Jvm extends Worker {
        public final Remote remote;

        public Jvm(int id, Remote remote) {
            super(id);
            this.remote = remote;
        }

        @Override
        void hand(WorkerEvent event) {
            remote.deliver(event);
        }

        @Override
        public int coroutineNum() {
            return concurrency.get();
        }
    }
}
