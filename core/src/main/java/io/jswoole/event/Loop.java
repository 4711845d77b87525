package io.jswoole.event;

import io.jswoole.coroutine.Scheduler;
import io.jswoole.log.Log;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The event loop of one {@link Scheduler} (a worker, a {@code Coroutine.run}, the main scheduler of a script): a
 * JDK {@link Selector} on a platform thread of its own, started with the first channel and ended with the last.
 * <p>A round: the selector reports ready channels, their events are marked busy (so they are not reported again
 * while their callbacks run), and one task on the scheduler's carrier runs the round: the {@code cycle} hook asked
 * for before, the callbacks (each as a coroutine of the scheduler, or on the carrier with coroutines off), buffered
 * writes flushed, then the {@code cycle} hook after. {@code defer} callbacks run after the carrier's current task,
 * in the order given.
 * <p>Why a selector thread and not the carrier's own poller: the carriers differ per mode (a Netty epoll loop in
 * BASE, whose {@code epoll} cannot take a JDK channel, a one-thread pool in THREAD, a worker JVM's link thread),
 * and core has no Netty. The cost is a hop per round, not per channel.
 */
final class Loop {
    private static final Map<Scheduler, Loop> LOOPS = new ConcurrentHashMap<>();

    final Scheduler scheduler;
    private final List<Registration> regs = new ArrayList<>();
    private final ArrayDeque<Runnable> defers = new ArrayDeque<>();
    private boolean defersQueued;
    private int runningDefers;
    private Selector selector;
    private Thread thread;
    private volatile Runnable cycleBefore;
    private volatile Runnable cycleAfter;
    private long rounds;
    private int dispatchers;
    private boolean closed;

    private Loop(Scheduler scheduler) {
        this.scheduler = scheduler;
    }

    /** The loop of {@code s}, made on first use; it closes with the scheduler. */
    static Loop of(Scheduler s) {
        Loop l = LOOPS.get(s);
        if (l != null) {
            return l;
        }
        Loop made = new Loop(s);
        l = LOOPS.putIfAbsent(s, made);
        if (l == null) {
            s.onClose(made::close);
            l = made;
        }
        return l;
    }

    /** The loop of {@code s} if one was made. */
    static Loop existing(Scheduler s) {
        return LOOPS.get(s);
    }

    /** Registers {@code r}, starting the selector thread when it is the first channel. */
    synchronized void add(Registration r) throws IOException {
        if (closed) {
            throw new ClosedChannelException();
        }
        if (thread == null) {
            selector = Selector.open();
            Selector sel = selector;
            thread = Thread.ofPlatform().daemon().name("jswoole-event-" + scheduler.name())
                    .unstarted(() -> select(sel));
            thread.start();
        }
        r.channel.configureBlocking(false);
        r.key = r.channel.register(selector, r.interest(), r);
        regs.add(r);
        if (regs.size() == 1) {
            scheduler.hold();
        }
        selector.wakeup();
    }

    /** Removes {@code r} (a del, a closed channel, a callback that threw); false when it was gone. */
    boolean remove(Registration r) {
        if (!r.remove()) {
            return false;
        }
        Event.forget(r);
        SelectionKey k = r.key;
        if (k != null) {
            k.cancel();
        }
        synchronized (this) {
            if (regs.remove(r) && regs.isEmpty()) {
                scheduler.release();
            }
            if (selector != null) {
                selector.wakeup();
            }
            notifyAll();
        }
        return true;
    }

    void wakeup() {
        Selector s;
        synchronized (this) {
            s = selector;
        }
        if (s != null) {
            s.wakeup();
        }
    }

    /** The selector thread: rounds until the last channel is gone. */
    private void select(Selector sel) {
        try {
            while (true) {
                sel.select(1000); // at least once a second: a channel closed without del leaves the loop
                List<Registration> ready = new ArrayList<>();
                List<Integer> ops = new ArrayList<>();
                for (SelectionKey k : sel.selectedKeys()) {
                    if (k.attachment() instanceof Registration r) {
                        int ev;
                        try {
                            ev = r.take(k.readyOps());
                        } catch (java.nio.channels.CancelledKeyException e) {
                            ev = 0;
                        }
                        if (ev != 0) {
                            ready.add(r);
                            ops.add(ev);
                            r.update();
                        }
                    }
                }
                sel.selectedKeys().clear();
                pruneClosed();
                if (!ready.isEmpty()) {
                    scheduler.execute(() -> round(ready, ops));
                }
                synchronized (this) {
                    if (regs.isEmpty() || closed) {
                        sel.close();
                        if (selector == sel) {
                            selector = null;
                            thread = null;
                        }
                        return;
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            Log.error("Event: the loop of " + scheduler.name() + " failed; its channels are removed", e);
            for (Registration r : snapshot()) {
                remove(r);
            }
            synchronized (this) {
                selector = null;
                thread = null;
            }
        }
    }

    /** Channels closed without {@code del} leave the loop (their keys are cancelled by the close). */
    private void pruneClosed() {
        for (Registration r : snapshot()) {
            if (!r.channel.isOpen()) {
                Log.warning("Event: " + Event.describe(r.channel) + " was closed without Event.del; "
                        + "it is removed from the loop");
                remove(r);
            }
        }
    }

    private synchronized List<Registration> snapshot() {
        return new ArrayList<>(regs);
    }

    /** One round on the carrier: cycle before, the callbacks, flushes, cycle after. */
    private void round(List<Registration> ready, List<Integer> ops) {
        Runnable before = cycleBefore;
        if (before != null) {
            run(before, "cycle");
        }
        for (int i = 0; i < ready.size(); i++) {
            Registration r = ready.get(i);
            int ev = ops.get(i);
            if ((ev & Event.READ) != 0) {
                start(r::runRead);
            }
            if ((ev & Event.WRITE) != 0 && r.writable()) {
                start(r::runWrite);
            }
        }
        Runnable after = cycleAfter;
        if (after != null) {
            run(after, "cycle");
        }
        // counted after the round's callbacks ran (until each first waited): dispatch() returns then, as Swoole's
        // dispatch returns after the callbacks of its epoll_wait
        Runnable count = () -> {
            synchronized (this) {
                rounds++;
                notifyAll();
            }
        };
        boolean awaited;
        synchronized (this) {
            awaited = dispatchers > 0;
        }
        if (awaited) {
            start(count);
        } else {
            count.run();
        }
    }

    /** A {@code dispatch()} starts or stops waiting for a round (only then is the round's end a coroutine). */
    synchronized void dispatching(int delta) {
        dispatchers += delta;
    }

    /** A callback as a coroutine; past {@code max_coroutine}, on the carrier, so that its event is not lost. */
    private void start(Runnable body) {
        try {
            scheduler.dispatch(body);
        } catch (RuntimeException e) {
            Log.warning("Event: " + e.getMessage() + "; the callback runs on the carrier");
            body.run();
        }
    }

    /** A hook or deferred callback, as a coroutine of the scheduler (or on the carrier with coroutines off). */
    private void run(Runnable fn, String what) {
        scheduler.dispatch(() -> {
            try {
                fn.run();
            } catch (RuntimeException e) {
                Log.warning("Event::" + what + " callback handler error", e);
            }
        });
    }

    void defer(Runnable fn) {
        synchronized (this) {
            defers.add(fn);
            if (defersQueued) {
                return;
            }
            defersQueued = true;
        }
        scheduler.execute(this::runDefers);
    }

    /** On the carrier: every deferred callback queued so far, in order, each a coroutine run until it waits. */
    private void runDefers() {
        List<Runnable> now;
        synchronized (this) {
            defersQueued = false;
            now = new ArrayList<>(defers);
            defers.clear();
            runningDefers += now.size();
        }
        for (Runnable fn : now) {
            run(() -> {
                try {
                    fn.run();
                } finally {
                    synchronized (this) {
                        runningDefers--;
                        notifyAll();
                    }
                }
            }, "defer");
        }
    }

    /** {@code cycle(callback, before)}: null clears; answers whether a hook was set or cleared. */
    boolean cycle(Runnable fn, boolean before) {
        if (before) {
            boolean had = cycleBefore != null;
            cycleBefore = fn;
            return fn != null || had;
        }
        boolean had = cycleAfter != null;
        cycleAfter = fn;
        return fn != null || had;
    }

    /** Channels, pending defers: what keeps {@code wait} going besides coroutines and timers. */
    synchronized boolean hasWork() {
        return !regs.isEmpty() || !defers.isEmpty() || runningDefers > 0;
    }

    synchronized long rounds() {
        return rounds;
    }

    /** Waits on this loop's monitor up to {@code millis}, woken by a round, a removal or a deferred callback's end. */
    synchronized void awaitChange(long millis) throws InterruptedException {
        wait(millis);
    }

    /**
     * The scheduler closed (its worker stopped): every channel leaves the loop and is closed, as a worker process's
     * exit closes its fds in Swoole, and the thread ends.
     */
    private void close() {
        synchronized (this) {
            closed = true;
        }
        for (Registration r : snapshot()) {
            remove(r);
            try {
                r.channel.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
        LOOPS.remove(scheduler, this);
    }
}
