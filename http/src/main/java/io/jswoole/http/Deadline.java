package io.jswoole.http;

import io.jswoole.coroutine.Coroutine;
import io.jswoole.coroutine.Scheduler;
import io.jswoole.log.Log;
import io.jswoole.timer.TimerWheel;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * {@code max_request_execution_time} (OpenSwoole's key) for one request: a node in the worker's timing wheel, armed
 * when its handler starts and removed when the handler returns. When it expires first (on the worker's carrier, so
 * between two steps of the handler, never in the middle of one), the {@link Response} answers 408 or cuts the
 * connection ({@link Response#expire}), the request's slot is freed for the next one ({@code max_concurrency},
 * {@code worker_max_concurrency}), and the handler's coroutine is canceled where it waits: toolkit waits fail with
 * {@code CO_CANCELED}, a JDK call is interrupted. OpenSwoole leaves the handler running; here it stops waiting, and
 * what it writes afterwards is dropped. The wheel lives in the worker (the worker JVM in PROCESS mode), where the
 * handler runs, so no frame crosses to the master for it.
 */
final class Deadline extends TimerWheel.Node {
    private final Scheduler scheduler;
    private final Response res;
    private final Request req;
    private final long cid;
    private final double seconds;
    private final Consumer<Scheduler> leave;
    private final AtomicBoolean left = new AtomicBoolean();
    /** The deadline answered the request (its handler was then canceled). */
    private volatile boolean fired;

    private Deadline(Scheduler scheduler, Response res, Request req, double seconds, Consumer<Scheduler> leave) {
        this.scheduler = scheduler;
        this.res = res;
        this.req = req;
        this.cid = Coroutine.getCid();
        this.seconds = seconds;
        this.leave = leave;
    }

    /**
     * Arms the deadline of the request the calling handler serves, {@code millis} from now; {@code leave} frees its
     * slot (given the worker's scheduler), once, at the deadline or when the handler returns, whichever is first.
     */
    static Deadline arm(Response res, Request req, long millis, Consumer<Scheduler> leave) {
        Scheduler s = Scheduler.current();
        Deadline d = new Deadline(s, res, req, millis / 1000.0, leave);
        s.timers().add(d, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis));
        return d;
    }

    /** The handler returned (or threw): the deadline is off, and the slot is freed unless it was already. */
    void handlerReturned() {
        scheduler.timers().remove(this);
        leaveOnce();
    }

    @Override
    protected void expire() {
        int how = res.expire();
        if (how == Response.NOT_EXPIRED) {
            return; // ended (or detached) in the same tick
        }
        fired = true;
        boolean begun = how == Response.CUT;
        Log.warning("max_request_execution_time (" + seconds + " s) passed: " + req.getMethod() + " " + req.uri()
                + " on fd " + res.fd() + (req.streamId() > 0 ? " stream " + req.streamId() : "") + " answered "
                + (begun ? (req.streamId() > 0 ? "by resetting its stream" : "by closing the connection")
                        + " (its response had begun)" : "408") + "; its handler is canceled");
        leaveOnce();
        if (cid > 0) {
            Coroutine.cancel(cid); // false when it is not waiting: then it runs on, and its writes are dropped
        }
    }

    /** Whether the deadline passed and answered before the handler ended its response. */
    boolean fired() {
        return fired;
    }

    private void leaveOnce() {
        if (left.compareAndSet(false, true)) {
            leave.accept(scheduler);
        }
    }
}
