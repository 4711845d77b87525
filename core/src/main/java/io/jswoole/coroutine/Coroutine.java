package io.jswoole.coroutine;

import io.jswoole.ErrorCode;
import io.jswoole.LastError;
import io.jswoole.log.Log;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Swoole's coroutine API ({@code Swoole\Coroutine}). A coroutine is a virtual thread of a {@link Scheduler};
 * coroutines of one scheduler run one at a time, and a blocking call parks only the coroutine that made it.
 * <pre>{@code
 * Coroutine.run(() -> {
 *     long cid = Coroutine.go(() -> {
 *         Coroutine.defer(() -> System.out.println("last"));
 *         Coroutine.sleep(0.1);
 *         System.out.println("in coroutine " + Coroutine.getCid());
 *     });
 * });   // returns when every coroutine has finished
 * }</pre>
 * Waits of the toolkit (sleep, {@link Channel}, {@link WaitGroup}, {@link Lock}, {@link #join}, {@link #yield})
 * can be {@linkplain #cancel canceled} and take a timeout in seconds: negative waits forever, 0 does not wait.
 * Failures are reported the Swoole way: a {@code false} or {@code null} result and {@link LastError}
 * ({@link ErrorCode#CO_TIMEDOUT}, {@link ErrorCode#CO_CANCELED}).
 */
public final class Coroutine {
    /**
     * Live coroutines by id. A coroutine with a virtual thread of its own has the thread's {@link Thread#threadId()}
     * as its id; one of several that a thread runs in turn ({@link Scheduler#dispatch}) has an id from the same
     * sequence and is found from its thread through {@link #ON_THREAD}.
     */
    private static final Registry<Coroutine> LIVE = new Registry<>(Registry.SLOTS, Coroutine::id);
    /**
     * The threads that run coroutines in turn, by thread id (registered once per thread, not per coroutine): one per
     * batch, or per coroutine of a batch that waits, so a small table.
     */
    private static final Registry<Runner> ON_THREAD = new Registry<>(1024, r -> r.threadId);
    /** {@link #joiners} once the coroutine has exited. */
    private static final List<Waiter> EXITED = List.of();
    private static final java.lang.invoke.VarHandle JOINERS;

    static {
        try {
            JOINERS = java.lang.invoke.MethodHandles.lookup().findVarHandle(Coroutine.class, "joiners", List.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /**
     * A virtual thread that runs coroutines one after the other ({@link Scheduler#dispatch}): which one runs on it now.
     * Only the thread itself reads or writes {@code current}; other threads find a coroutine by its id.
     */
    static final class Runner {
        final Thread thread;
        final long threadId;
        Coroutine current;

        private Runner(Thread thread) {
            this.thread = thread;
            this.threadId = thread.threadId();
        }

        /** Registers the calling virtual thread as a runner. */
        static Runner enter() {
            Runner r = new Runner(Thread.currentThread());
            ON_THREAD.put(r.threadId, r);
            return r;
        }

        void exit() {
            ON_THREAD.remove(threadId);
        }
    }
    private static final AtomicLong LAST_CID = new AtomicLong();

    private long id;
    /** The thread that runs this coroutine among others, or null when the thread is its own. */
    private Runner runner;
    private final long pcid;
    private final Scheduler scheduler;
    private final long startNanos = System.nanoTime();
    private ArrayDeque<Runnable> defers;
    private Map<Object, Object> context;
    /** Waiters of {@link #join}: null, a copy-on-write list (changed by compare-and-set), or {@link #EXITED}. */
    private volatile List<Waiter> joiners;
    volatile Thread thread;
    /** The wait this coroutine is parked in now, for {@link #cancel}. */
    volatile Waiter waiter;
    /** The wait of {@link #yield}, for {@link #resume}. */
    volatile Waiter yielded;
    volatile boolean canceled;
    Throwable failure;

    Coroutine(Scheduler scheduler, long pcid) {
        this.pcid = pcid;
        this.scheduler = scheduler;
    }

    /** Ties this coroutine to its (unstarted) virtual thread, whose id becomes the cid, and registers it. */
    void bind(Thread t) {
        thread = t;
        id = t.threadId();
        lastCid(id);
        LIVE.put(id, this);
    }

    /**
     * {@code coroutine_last_cid}: ids grow, so a plain store of the larger one (no compare-and-set per coroutine). Two
     * threads creating coroutines at once may leave the smaller of their ids until the next coroutine.
     */
    private static void lastCid(long id) {
        if (id > LAST_CID.getPlain()) {
            LAST_CID.setRelease(id);
        }
    }

    /** Ties this coroutine to {@code r}, the current thread, which runs it after others (a new id). */
    void bindShared(Runner r) {
        thread = r.thread;
        runner = r;
        id = VirtualThreads.nextId();
        lastCid(id);
        LIVE.put(id, this);
        r.current = this;
    }

    /** Undoes {@link #bind} when the thread could not start. */
    void unbind() {
        LIVE.remove(id);
    }

    // ---------------------------------------------------------------- creating and running

    /** Starts {@code task} as a coroutine of the current scheduler and returns its id ({@code go()}). */
    public static long go(Runnable task) {
        return Scheduler.current().go(task);
    }

    /** Alias of {@link #go}. */
    public static long create(Runnable task) {
        return go(task);
    }

    /**
     * {@code Co\run}: runs {@code fn} as the first coroutine of a new scheduler outside any server and returns
     * when every coroutine of that scheduler has finished and no {@link io.jswoole.timer.Timer} of it is left.
     * An exception that escapes {@code fn} is rethrown here (those of other coroutines are only logged).
     *
     * @throws DeadlockException when every coroutine left is blocked forever (see {@link DeadlockException})
     */
    public static void run(Runnable fn) {
        try (Scheduler s = Scheduler.serial("co-run-" + Options.RUNS.incrementAndGet())) {
            s.runRoot(fn);
        }
    }

    /** {@code Co::set}: {@code max_coroutine} (for schedulers created afterwards) and {@code deadlock_check}. */
    public static void set(Map<String, ?> options) {
        Options.set(options);
    }

    /** {@code Co::getOptions}. */
    public static Map<String, Object> getOptions() {
        return Options.get();
    }

    // ---------------------------------------------------------------- identity

    /** The current coroutine's id, or -1 outside a coroutine. */
    public static long getCid() {
        Coroutine co = currentOrNull();
        return co == null ? -1 : co.id;
    }

    /** The parent's id: -1 for a coroutine started outside any coroutine, and outside a coroutine. */
    public static long getPcid() {
        Coroutine co = currentOrNull();
        return co == null ? -1 : co.pcid;
    }

    /** The parent's id of coroutine {@code cid}; -1 when it has none, and when {@code cid} does not exist. */
    public static long getPcid(long cid) {
        Coroutine co = LIVE.get(cid);
        return co == null ? -1 : co.pcid;
    }

    /** Whether the coroutine {@code cid} is alive. */
    public static boolean exists(long cid) {
        return LIVE.contains(cid);
    }

    /** Ids of the coroutines alive in the current scheduler, in creation order ({@code Co::list}). */
    public static List<Long> list() {
        Scheduler s = Scheduler.current();
        List<Long> ids = new ArrayList<>();
        for (Coroutine co : LIVE.values()) {
            if (co.scheduler == s) {
                ids.add(co.id);
            }
        }
        ids.sort(null);
        return ids;
    }

    /** {@code Co::stats} of the current scheduler. */
    public static CoStats stats() {
        Scheduler s = Scheduler.current();
        return new CoStats(s.coroutineNum(), s.coroutinePeak(), LAST_CID.get(), s.timers().size(), s.maxCoroutine());
    }

    /** Milliseconds since the current coroutine started, or -1 outside a coroutine. */
    public static long getElapsed() {
        return getElapsed(getCid());
    }

    /** Milliseconds since the coroutine {@code cid} started, or -1 when it does not exist. */
    public static long getElapsed(long cid) {
        Coroutine co = LIVE.get(cid);
        return co == null ? -1 : (System.nanoTime() - co.startNanos) / 1_000_000;
    }

    /**
     * The stack of coroutine {@code cid}, innermost first, without the frames of the JDK's park machinery; at most
     * {@code limit} frames (0: all). Empty when it does not exist.
     */
    public static StackTraceElement[] getBackTrace(long cid, int limit) {
        Coroutine co = LIVE.get(cid);
        Thread t = co == null ? null : co.thread;
        if (t == null) {
            return new StackTraceElement[0];
        }
        StackTraceElement[] all = t.getStackTrace();
        int from = 0;
        while (from < all.length && internalFrame(all[from])) {
            from++;
        }
        int to = limit > 0 ? Math.min(all.length, from + limit) : all.length;
        return Arrays.copyOfRange(all, from, to);
    }

    /** The current coroutine's stack ({@code Co::getBackTrace()}). */
    public static StackTraceElement[] getBackTrace() {
        return getBackTrace(getCid(), 0);
    }

    private static boolean internalFrame(StackTraceElement e) {
        String c = e.getClassName();
        return c.startsWith("java.") || c.startsWith("jdk.")
                || c.equals(Waiter.class.getName()) && e.getMethodName().equals("await")
                || c.equals(Coroutine.class.getName()) && e.getMethodName().equals("getBackTrace");
    }

    // ---------------------------------------------------------------- per-coroutine state

    /**
     * Runs {@code task} when the current coroutine exits, also when it exits by an exception; several run in
     * reverse order (LIFO). An exception in a deferred task is logged and the others still run.
     *
     * @throws IllegalStateException outside a coroutine
     */
    public static void defer(Runnable task) {
        Coroutine co = require("defer");
        if (co.defers == null) {
            co.defers = new ArrayDeque<>();
        }
        co.defers.push(task);
    }

    /**
     * The current coroutine's context: a map that lives as long as the coroutine and is dropped when it exits.
     *
     * @throws IllegalStateException outside a coroutine
     */
    public static Map<Object, Object> getContext() {
        return require("getContext").context();
    }

    /** The context of coroutine {@code cid}, or {@code null} when it does not exist. */
    public static Map<Object, Object> getContext(long cid) {
        Coroutine co = LIVE.get(cid);
        return co == null ? null : co.context();
    }

    private synchronized Map<Object, Object> context() {
        if (context == null) {
            context = new HashMap<>();
        }
        return context;
    }

    // ---------------------------------------------------------------- suspending

    /**
     * Sleeps {@code seconds} (millisecond resolution; 0 just lets the others run). In a coroutine only that
     * coroutine waits, on its scheduler's timing wheel.
     *
     * @return true, or false when the sleep was {@linkplain #cancel canceled} ({@link ErrorCode#CO_CANCELED})
     */
    public static boolean sleep(double seconds) {
        long nanos = (long) (seconds * 1e9);
        Coroutine co = currentOrNull();
        if (nanos <= 0) {
            Thread.yield();
            return true;
        }
        if (co == null) {
            try {
                Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
                return true;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return LastError.fail(ErrorCode.CO_CANCELED);
            }
        }
        int r = Waiter.await(new Waiter(co), nanos);
        return r == Waiter.TIMEOUT || LastError.fail(ErrorCode.CO_CANCELED);
    }

    /**
     * {@code Co::yield()} (alias {@link #suspend}): suspends the current coroutine until {@link #resume} or
     * {@link #cancel}.
     *
     * @return true when resumed, false when canceled
     */
    public static boolean yield() {
        Coroutine co = require("yield");
        Waiter w = Waiter.of(co, null, -1);
        co.yielded = w;
        int r = Waiter.await(w, -1);
        co.yielded = null;
        return r == Waiter.OK || LastError.fail(ErrorCode.CO_CANCELED);
    }

    /** Alias of {@link #yield}. */
    public static boolean suspend() {
        return Coroutine.yield();
    }

    /**
     * Resumes coroutine {@code cid} suspended by {@link #yield}; false when it is not (it waits on something
     * else, runs, or does not exist).
     */
    public static boolean resume(long cid) {
        Coroutine co = LIVE.get(cid);
        Waiter w = co == null ? null : co.yielded;
        return w != null && w.wake(Waiter.OK) || LastError.fail(ErrorCode.CO_NOT_EXISTS);
    }

    /**
     * {@code Co::cancel}: makes the wait coroutine {@code cid} is blocked in fail with
     * {@link ErrorCode#CO_CANCELED}. Toolkit waits (sleep, channels, locks, join, yield, {@link CoSystem}) fail
     * cleanly; a coroutine blocked in a JDK call (socket, {@code Thread.sleep}) is interrupted, with the JDK's
     * semantics (an interruptible channel is closed).
     *
     * @return false when {@code cid} does not exist ({@link ErrorCode#CO_NOT_EXISTS}), is the caller, or is not
     *         blocked ({@link ErrorCode#CO_CANNOT_CANCEL})
     */
    public static boolean cancel(long cid) {
        Coroutine co = LIVE.get(cid);
        if (co == null) {
            return LastError.fail(ErrorCode.CO_NOT_EXISTS);
        }
        if (co == currentOrNull()) {
            return LastError.fail(ErrorCode.CO_CANNOT_CANCEL);
        }
        Waiter w = co.waiter;
        if (w != null) {
            co.canceled = true;
            if (w.wake(Waiter.CANCELED)) {
                return true;
            }
            co.canceled = false;
        }
        Thread t = co.thread;
        if (t != null && (t.getState() == Thread.State.WAITING || t.getState() == Thread.State.TIMED_WAITING)) {
            co.canceled = true;
            t.interrupt();
            return true;
        }
        return LastError.fail(ErrorCode.CO_CANNOT_CANCEL);
    }

    /** Whether the current coroutine's last wait was canceled. */
    public static boolean isCanceled() {
        Coroutine co = currentOrNull();
        return co != null && co.canceled;
    }

    /**
     * {@code Co::join}: waits until every coroutine in {@code cids} has exited; ids that do not exist count as
     * exited.
     *
     * @param timeout seconds; negative waits forever
     * @return false on timeout ({@link ErrorCode#CO_TIMEDOUT}), cancel ({@link ErrorCode#CO_CANCELED}), or when
     *         the caller is in {@code cids} ({@link ErrorCode#WRONG_OPERATION})
     */
    public static boolean join(long[] cids, double timeout) {
        long deadline = timeout < 0 ? Long.MAX_VALUE : System.nanoTime() + (long) (timeout * 1e9);
        Coroutine self = currentOrNull();
        for (long cid : cids) {
            Coroutine co = LIVE.get(cid);
            if (co == self && co != null) {
                return LastError.fail(ErrorCode.WRONG_OPERATION);
            }
        }
        for (long cid : cids) {
            Coroutine co = LIVE.get(cid);
            if (co == null) {
                continue;
            }
            long left = timeout < 0 ? -1 : Math.max(0, deadline - System.nanoTime());
            Waiter w = Waiter.of(self, null, left);
            if (!co.addJoiner(w)) {
                w.claim(Waiter.OK);
                continue;
            }
            int r = Waiter.await(w, left);
            if (r != Waiter.OK) {
                co.removeJoiner(w);
                return LastError.fail(r == Waiter.CANCELED ? ErrorCode.CO_CANCELED : ErrorCode.CO_TIMEDOUT);
            }
        }
        return true;
    }

    /** Adds a waiter for this coroutine's exit; false when it has exited already. */
    private boolean addJoiner(Waiter w) {
        while (true) {
            List<Waiter> now = joiners;
            if (now == EXITED) {
                return false;
            }
            List<Waiter> next = new ArrayList<>(now == null ? List.of() : now);
            next.add(w);
            if (JOINERS.compareAndSet(this, now, next)) {
                return true;
            }
        }
    }

    private void removeJoiner(Waiter w) {
        while (true) {
            List<Waiter> now = joiners;
            if (now == null || now == EXITED || !now.contains(w)) {
                return;
            }
            List<Waiter> next = new ArrayList<>(now);
            next.remove(w);
            if (JOINERS.compareAndSet(this, now, next)) {
                return;
            }
        }
    }

    // ---------------------------------------------------------------- engine

    static Coroutine currentOrNull() {
        Thread t = Thread.currentThread();
        if (!t.isVirtual()) {
            return null;
        }
        long tid = t.threadId();
        Coroutine co = LIVE.get(tid);
        if (co != null && co.thread == t) {
            return co;
        }
        Runner r = ON_THREAD.get(tid);
        return r != null && r.thread == t ? r.current : null;
    }

    private static Coroutine require(String what) {
        Coroutine co = currentOrNull();
        if (co == null) {
            throw new IllegalStateException("Coroutine." + what + " must be called in a coroutine");
        }
        return co;
    }

    long id() {
        return id;
    }

    Scheduler scheduler() {
        return scheduler;
    }

    void body(Runnable task) {
        try {
            task.run();
        } catch (Throwable t) {
            failure = t;
            if (!scheduler.isRoot(this)) {
                Log.error("coroutine #" + id + " (" + scheduler.name() + "): uncaught exception", t);
            }
        } finally {
            runDefers();
            context = null;
            LIVE.remove(id);
            if (runner != null) {
                runner.current = null;
            }
            @SuppressWarnings("unchecked") // joiners add themselves by compare-and-set: none is added after this swap
            List<Waiter> js = (List<Waiter>) JOINERS.getAndSet(this, EXITED);
            if (js != null) {
                for (Waiter w : js) {
                    w.wake(Waiter.OK);
                }
            }
            scheduler.exited(this);
        }
    }

    private void runDefers() {
        if (defers == null) {
            return;
        }
        Runnable d;
        while ((d = defers.poll()) != null) {
            try {
                d.run();
            } catch (Throwable t) {
                Log.error("coroutine #" + id + ": exception in a deferred task", t);
            }
        }
    }

    /** All coroutines alive in {@code s}, for the deadlock report. */
    static List<Coroutine> of(Scheduler s) {
        List<Coroutine> out = new ArrayList<>();
        for (Coroutine co : LIVE.values()) {
            if (co.scheduler == s) {
                out.add(co);
            }
        }
        out.sort((a, b) -> Long.compare(a.id, b.id));
        return out;
    }

    /** Forgets the coroutines of a scheduler that is being abandoned (after a deadlock). */
    static void forget(Scheduler s) {
        LIVE.removeIf(co -> co.scheduler == s);
        ON_THREAD.removeIf(r -> r.current != null && r.current.scheduler == s);
    }

    @Override
    public String toString() {
        return "Coroutine#" + id;
    }

    /** {@code Co::stats()}: Swoole's field names in camel case. */
    public record CoStats(int coroutineNum, int coroutinePeakNum, long coroutineLastCid, int timerNum,
                          int maxCoroutine) {
    }
}
