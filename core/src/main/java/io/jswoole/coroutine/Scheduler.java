package io.jswoole.coroutine;

import io.jswoole.ErrorCode;
import io.jswoole.SwooleException;
import io.jswoole.log.Log;
import io.jswoole.timer.TimerWheel;
import java.util.ArrayDeque;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * A serial coroutine scheduler: coroutines are virtual threads whose carrier is one thread, so two coroutines of a
 * scheduler never run at the same time (no locks needed between them, as in Swoole), while a blocking JDK call
 * (socket I/O, {@code Thread.sleep}, a contended lock, {@code Channel.pop}) parks only the coroutine that made it.
 * <p>Every worker of a server owns one. The carrier is either a one-thread {@link ForkJoinPool}
 * ({@link #serial(String)}) or an executor that already is one thread, such as a Netty event loop
 * ({@link #on(String, Executor)}), which makes the event loop itself the carrier, as Swoole's reactor is.
 * <p>Still blocking the carrier (and so every coroutine of the scheduler): CPU-bound loops, native calls and
 * {@code synchronized} blocks that call native code. Give that work to task workers.
 * <p>{@link #go} runs the new coroutine at once, until it first waits, when it is called in a coroutine of this
 * scheduler or on its carrier thread (a reactor dispatching an event): Swoole's order, and no trip through the
 * carrier's queue. From another thread the coroutine is queued to the carrier.
 * <p>Each scheduler owns a {@link TimerWheel} for its timers, sleeps and wait timeouts (see {@link #timers()}).
 */
public final class Scheduler implements Executor, AutoCloseable {
    static final ScopedValue<Scheduler> CURRENT = ScopedValue.newInstance();
    /** One virtual thread may run several coroutines in turn (see {@link #runBatch}). */
    private static final boolean REUSE = VirtualThreads.reusable();
    private static volatile Scheduler fallback;

    private final String name;
    private final Executor carrier;
    private final ForkJoinPool ownPool;
    private final Thread.Builder.OfVirtual builder;
    private final AtomicInteger count = new AtomicInteger();
    private final AtomicInteger peak = new AtomicInteger();
    private final AtomicInteger blocked = new AtomicInteger();
    /** Things outside coroutines and timers that keep {@link Coroutine#run} waiting (sockets of an event loop). */
    private final AtomicInteger holds = new AtomicInteger();
    private final java.util.List<Runnable> closeHooks = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final TimerWheel wheel;
    private volatile int maxCoroutine = Options.maxCoroutine;
    private volatile Thread runner;
    private volatile Coroutine root;
    private volatile boolean finished;
    private volatile DeadlockException deadlock;
    private volatile boolean deadlockCheckQueued;
    private volatile boolean coroutines = true;
    private volatile boolean closed;
    /** The thread that runs the carrier's tasks, as last seen (a pool may replace its thread after idling). */
    private volatile Thread carrierThread;
    /** Set by {@link #go} called on the carrier thread: the coroutine it starts runs at once, on this thread. */
    private Thread startingHere;
    /**
     * Events {@link #dispatch}ed on the carrier thread since its current task began, waiting for {@link #runBatch}
     * (carrier thread only: coroutines of this scheduler run there too, one at a time).
     */
    private final ArrayDeque<Runnable> batch = new ArrayDeque<>();
    private boolean batchQueued;
    private final Runnable runBatch = this::runBatch;
    private final Runnable batchRunner = this::batchRunner;
    /** Events dispatched from other threads (THREAD mode's reactors), taken by the carrier as one batch. */
    private final ConcurrentLinkedQueue<Runnable> incoming = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean incomingQueued = new AtomicBoolean();
    private final Runnable takeIncoming = this::takeIncoming;

    private Scheduler(String name, Executor carrier, ForkJoinPool ownPool) {
        this.name = name;
        this.carrier = carrier;
        this.ownPool = ownPool;
        this.builder = VirtualThreads.builder(this::submit).name(name + "-co");
        this.wheel = new TimerWheel(this, this::checkFinished);
        carrier.execute(() -> carrierThread = Thread.currentThread());
    }

    /**
     * Where the JDK hands a coroutine's continuation to run (at its start and whenever it is unparked): the carrier's
     * queue, or at once when {@link #go} asked for that on the carrier thread itself.
     */
    private void submit(Runnable continuation) {
        if (startingHere != null && startingHere == Thread.currentThread()) {
            startingHere = null;
            continuation.run();
        } else {
            carrier.execute(continuation);
        }
    }

    /**
     * Checks that this JVM can run coroutines one at a time per scheduler, before anything is bound or started.
     *
     * @throws IllegalStateException naming the JVM option to add when it cannot
     */
    public static void requireSupported() {
        if (!VirtualThreads.serial()) {
            throw new IllegalStateException(VirtualThreads.NOT_OPEN);
        }
    }

    /** A scheduler with its own carrier thread, named {@code name}. */
    public static Scheduler serial(String name) {
        ForkJoinPool.ForkJoinWorkerThreadFactory factory = pool -> {
            var t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(pool);
            t.setName(name);
            t.setDaemon(true);
            return t;
        };
        var pool = new ForkJoinPool(1, factory, null, true, 0, 1, 1, p -> true, 30, TimeUnit.SECONDS);
        return new Scheduler(name, pool, pool);
    }

    /**
     * A scheduler whose carrier is {@code singleThread}, which must run its tasks one at a time on one thread
     * (a Netty event loop does). Closing the scheduler does not shut the executor down.
     */
    public static Scheduler on(String name, Executor singleThread) {
        return new Scheduler(name, singleThread, null);
    }

    /**
     * The scheduler of the calling coroutine or carrier task; outside any, a shared serial scheduler created on
     * first use (as Swoole runs top-level coroutines in the main event loop).
     */
    public static Scheduler current() {
        Scheduler bound = currentOrNull();
        if (bound != null) {
            return bound;
        }
        Scheduler s = fallback;
        if (s == null) {
            synchronized (Scheduler.class) {
                if (fallback == null) {
                    fallback = serial("jswoole-main");
                }
                s = fallback;
            }
        }
        return s;
    }

    /** The scheduler of the calling coroutine or carrier task, or {@code null} outside any. */
    public static Scheduler currentOrNull() {
        Coroutine co = Coroutine.currentOrNull();
        if (co != null) {
            return co.scheduler();
        }
        return CURRENT.isBound() ? CURRENT.get() : null;
    }

    /** This scheduler's timing wheel: timers, coroutine sleeps and wait timeouts (engine use). */
    public TimerWheel timers() {
        return wheel;
    }

    public String name() {
        return name;
    }

    /** {@code max_coroutine}: {@link #go} fails past it. */
    public Scheduler maxCoroutine(int max) {
        if (max < 1) {
            throw new IllegalArgumentException("max_coroutine must be at least 1, got " + max);
        }
        this.maxCoroutine = max;
        return this;
    }

    public int maxCoroutine() {
        return maxCoroutine;
    }

    /** {@code enable_coroutine}: when false, {@link #dispatch} runs callbacks directly on the carrier. */
    public Scheduler enableCoroutine(boolean enable) {
        this.coroutines = enable;
        return this;
    }

    public boolean coroutineEnabled() {
        return coroutines;
    }

    /** Coroutines alive now. */
    public int coroutineNum() {
        return count.get();
    }

    /** The most coroutines alive at once. */
    public int coroutinePeak() {
        return peak.get();
    }

    /**
     * Starts {@code task} as a coroutine of this scheduler and returns its id.
     *
     * @throws SwooleException {@link ErrorCode#CO_OUT_OF_COROUTINE} past {@code max_coroutine}
     */
    public long go(Runnable task) {
        reserve();
        Coroutine parent = Coroutine.currentOrNull();
        Coroutine co = new Coroutine(this, parent == null ? -1 : parent.id());
        try {
            Thread t = builder.unstarted(() -> co.body(task));
            co.bind(t);
            // Swoole runs a new coroutine at once, until it first waits: called on the carrier thread (a reactor
            // dispatching an event, a timer), the coroutine starts right here instead of behind the carrier's queue
            Thread here = Thread.currentThread();
            startingHere = here == carrierThread ? here : null;
            try {
                t.start();
            } catch (RuntimeException | Error e) {
                co.unbind();
                throw e;
            } finally {
                startingHere = null;
            }
        } catch (RuntimeException | Error e) {
            count.decrementAndGet();
            throw e;
        }
        if (parent != null && parent.scheduler() == this) {
            // Swoole runs a new coroutine at once, until it first waits; the parent continues after it
            Thread.yield();
        }
        return co.id();
    }

    /** Counts a coroutine about to start, or fails past {@code max_coroutine}. */
    private void reserve() {
        int n = count.incrementAndGet();
        if (n > maxCoroutine) {
            count.decrementAndGet();
            throw new SwooleException(ErrorCode.CO_OUT_OF_COROUTINE,
                    "exceed max number of coroutine " + maxCoroutine + " in " + name);
        }
        if (n > peak.get()) { // a read, not a compare-and-set, on the way of every coroutine
            peak.accumulateAndGet(n, Math::max);
        }
    }

    void exited(Coroutine co) {
        if (count.decrementAndGet() == 0 && runner != null) {
            execute(this::checkFinished);
        } else if (runner != null && blocked.get() > 0) {
            checkDeadlockSoon();
        }
    }

    // ------------------------------------------------------------ Coroutine.run and its deadlock check

    /** Runs {@code fn} as the root coroutine and waits for every coroutine and timer (see {@link Coroutine#run}). */
    void runRoot(Runnable fn) {
        runner = Thread.currentThread();
        Coroutine[] rootBox = new Coroutine[1];
        go(() -> {
            rootBox[0] = Coroutine.currentOrNull();
            root = rootBox[0];
            fn.run();
        });
        while (!finished && deadlock == null) {
            LockSupport.park(this);
        }
        if (deadlock != null) {
            Coroutine.forget(this);
            throw deadlock;
        }
        Throwable failure = rootBox[0] == null ? null : rootBox[0].failure;
        if (failure instanceof RuntimeException re) {
            throw re;
        }
        if (failure instanceof Error err) {
            throw err;
        }
    }

    boolean isRoot(Coroutine co) {
        return co == root;
    }

    /**
     * Keeps a {@link Coroutine#run} of this scheduler from returning until {@link #release()}, as sockets in
     * Swoole's event loop keep {@code Co\run} going (engine use: {@code io.jswoole.event}).
     */
    public void hold() {
        holds.incrementAndGet();
    }

    /** Ends one {@link #hold()}; the run returns once nothing else is left. */
    public void release() {
        if (holds.decrementAndGet() == 0 && runner != null) {
            execute(this::checkFinished);
        }
    }

    /** Holds, coroutines and timers: whether anything is left to run (for {@code Event.wait}). */
    public boolean idle() {
        return holds.get() == 0 && count.get() == 0 && wheel.size() == 0;
    }

    /** Runs {@code hook} once when this scheduler closes (an event loop bound to it closes its selector). */
    public void onClose(Runnable hook) {
        closeHooks.add(hook);
        if (closed) {
            hook.run();
        }
    }

    private void checkFinished() {
        if (runner != null && count.get() == 0 && wheel.size() == 0 && holds.get() == 0 && !finished) {
            finished = true;
            LockSupport.unpark(runner);
        }
    }

    /** A coroutine entered an untimed toolkit wait. */
    void blocked() {
        blocked.incrementAndGet();
    }

    /** An untimed toolkit wait was settled. */
    void unblocked() {
        blocked.decrementAndGet();
    }

    /** Coroutines in untimed toolkit waits now. */
    public int blockedNum() {
        return blocked.get();
    }

    /** Queues a deadlock check on the carrier when every coroutine of a run might be blocked forever. */
    void checkDeadlockSoon() {
        if (runner != null && Options.deadlockCheck && !deadlockCheckQueued && blocked.get() >= count.get()) {
            deadlockCheckQueued = true;
            execute(this::checkDeadlock);
        }
    }

    private void checkDeadlock() {
        deadlockCheckQueued = false;
        int n = count.get();
        if (n == 0 || blocked.get() < n || wheel.size() > 0 || finished || deadlock != null) {
            return;
        }
        StringBuilder report = new StringBuilder()
                .append("all coroutines (count: ").append(n).append(") are asleep - deadlock!");
        for (Coroutine co : Coroutine.of(this)) {
            report.append("\n  coroutine #").append(co.id()).append(':');
            for (StackTraceElement e : Coroutine.getBackTrace(co.id(), 12)) {
                report.append("\n    at ").append(e);
            }
        }
        Log.error(report.toString());
        deadlock = new DeadlockException(n, report.toString());
        LockSupport.unpark(runner);
    }

    /**
     * Runs a server callback or timer the way {@code enable_coroutine} says: as a new coroutine, or directly on the
     * carrier. Called on the carrier thread (a reactor that read a batch of requests), the coroutine starts when the
     * carrier's current task is done, in order with the others dispatched meanwhile; from another platform thread (a
     * THREAD mode reactor), when the carrier next takes what other threads dispatched, as a batch too. From a
     * coroutine, or without access to the JDK's scheduler internals, it starts as {@link #go} starts one.
     */
    public void dispatch(Runnable task) {
        Thread here = Thread.currentThread();
        if (!coroutines) {
            execute(task);
        } else if (!REUSE || here.isVirtual()) {
            go(task); // from a coroutine: it runs at once, as go() from a coroutine does
        } else if (here == carrierThread) {
            reserve();
            batch.add(task);
            if (!batchQueued) {
                batchQueued = true;
                try {
                    carrier.execute(runBatch);
                } catch (RuntimeException e) {
                    batchQueued = false;
                    batch.removeLast();
                    count.decrementAndGet();
                    throw e;
                }
            }
        } else {
            reserve();
            incoming.add(task);
            if (!incomingQueued.get() && incomingQueued.compareAndSet(false, true)) {
                try {
                    carrier.execute(takeIncoming);
                } catch (RuntimeException e) {
                    incomingQueued.set(false);
                    incoming.remove(task);
                    count.decrementAndGet();
                    throw e;
                }
            }
        }
    }

    /** On the carrier: the events other threads dispatched since the last time, run as one batch. */
    private void takeIncoming() {
        incomingQueued.set(false); // before taking: an event added from now on queues another take
        Runnable task;
        while ((task = incoming.poll()) != null) {
            batch.add(task);
        }
        runBatch();
    }

    /**
     * On the carrier, after the task that dispatched the batch: one virtual thread runs the batch's coroutines one
     * after the other, each with its own id, context and defers, until one waits; then the next thread takes the rest
     * (the waiting one, when its coroutine ends, takes what is queued by then, or ends). A request that never waits
     * costs no thread of its own: starting, mounting and ending a virtual thread per event was 13-15% of the CPU of
     * a pipelined HTTP run.
     */
    private void runBatch() {
        batchQueued = false;
        Thread here = Thread.currentThread();
        carrierThread = here;
        while (!batch.isEmpty()) {
            Thread t = builder.unstarted(batchRunner);
            startingHere = here;
            try {
                t.start();
            } catch (RuntimeException | Error e) {
                // no thread to be had (memory): the events still run, here, so that nothing waits for them forever
                Log.error(name + ": cannot start a coroutine; " + batch.size() + " event(s) run on the carrier", e);
                Runnable task;
                while ((task = batch.poll()) != null) {
                    count.decrementAndGet();
                    try {
                        task.run();
                    } catch (Throwable t2) {
                        Log.error(name + ": uncaught exception in a callback", t2);
                    }
                }
            } finally {
                startingHere = null;
            }
        }
    }

    /** The body of a batch's virtual thread: the waiting events in turn, each as a coroutine of its own. */
    private void batchRunner() {
        Thread me = Thread.currentThread();
        String threadName = me.getName();
        ClassLoader loader = me.getContextClassLoader();
        Coroutine.Runner shared = Coroutine.Runner.enter();
        try {
            Runnable task;
            while ((task = batch.poll()) != null) {
                Coroutine co = new Coroutine(this, -1);
                co.bindShared(shared);
                co.body(task);
                // the next coroutine starts as on a new thread: no interrupt, thread locals or renaming left over
                Thread.interrupted();
                VirtualThreads.clearLocals(me);
                if (me.getContextClassLoader() != loader) {
                    me.setContextClassLoader(loader);
                }
                if (me.getName() != threadName) {
                    me.setName(threadName);
                }
            }
        } finally {
            shared.exit();
        }
    }

    /** Runs {@code task} on the carrier, outside any coroutine (it must not block). */
    @Override
    public void execute(Runnable task) {
        carrier.execute(() -> ScopedValue.where(CURRENT, this).run(() -> {
            carrierThread = Thread.currentThread();
            try {
                task.run();
            } catch (Throwable t) {
                Log.error(name + ": uncaught exception in a callback", t);
            }
        }));
    }

    public boolean isClosed() {
        return closed;
    }

    /** Clears the timers of this scheduler and stops its own carrier (coroutines still parked are abandoned). */
    @Override
    public void close() {
        closed = true;
        io.jswoole.timer.Timer.clearAll(this);
        for (Runnable hook : closeHooks) {
            try {
                hook.run();
            } catch (RuntimeException e) {
                Log.error(name + ": a close hook failed", e);
            }
        }
        closeHooks.clear();
        if (ownPool != null) {
            ownPool.shutdown();
        }
    }

    @Override
    public String toString() {
        return "Scheduler[" + name + ", coroutines=" + count.get() + "]";
    }
}
