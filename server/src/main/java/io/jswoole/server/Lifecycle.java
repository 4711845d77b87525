package io.jswoole.server;

import io.jswoole.ErrorCode;
import io.jswoole.SwooleException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A {@link Server}'s life in this JVM, which only moves forward: configurable, started, serving, stopping,
 * stopped. {@link Server#start()} and {@link Server#shutdown()} move it; the waits and checks of the API read it.
 */
final class Lifecycle {
    private volatile boolean started;
    /** Set once, by the first shutdown; the engine reads it to refuse new work while draining. */
    final AtomicBoolean stopping = new AtomicBoolean();
    private final CountDownLatch ready = new CountDownLatch(1);
    private final CountDownLatch stopped = new CountDownLatch(1);

    /** Leaves the configurable state, once: a second {@code start()} is Swoole's SERVER_ONLY_START_ONE. */
    synchronized void start() {
        if (started) {
            throw new SwooleException(ErrorCode.SERVER_ONLY_START_ONE, "the server is already started");
        }
        started = true;
    }

    void checkNotStarted(String what) {
        if (started) {
            throw new IllegalStateException(what + "() must be called before start()");
        }
    }

    /** The ports are bound and {@code start} has fired. */
    void serving() {
        ready.countDown();
    }

    /** The first call after {@link #start()} returns true: that caller runs the shutdown. */
    boolean beginStop() {
        return started && stopping.compareAndSet(false, true);
    }

    /** The start failed or the shutdown finished: {@code start()} returns, and waiters wake. */
    void stopped() {
        stopped.countDown();
    }

    void awaitStopped() {
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    boolean awaitServing(long timeout, TimeUnit unit) throws InterruptedException {
        return ready.await(timeout, unit);
    }

    boolean awaitStopped(long timeout, TimeUnit unit) throws InterruptedException {
        return stopped.await(timeout, unit);
    }

    boolean running() {
        return started && stopped.getCount() > 0;
    }
}
