package io.jswoole.cluster;

import io.jswoole.log.Log;
import java.util.ArrayDeque;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * One JVM's view of whether cluster_redis answers. Why a class of its own: every cluster call reports its outcome
 * here, so an outage is logged once (and its end once), not once per call; while it lasts a PING a second finds its
 * end (a worker JVM has no heartbeat to notice it), and the {@code bind}/{@code forget} writes that failed meanwhile
 * are kept in call order, at most {@link #MAX_PENDING}, and written when Redis answers again: a uid bound during an
 * outage is found afterwards, and a connection that closed during one leaves its rooms.
 */
final class Outage {
    /** Registry writes kept while Redis is away; beyond, they are dropped (logged once per outage). */
    static final int MAX_PENDING = 10_000;

    /** A PING that throws while Redis does not answer. */
    interface Ping {
        void ping();
    }

    private final String nodeId;
    private final String url;
    private final ScheduledExecutorService timer;
    private final Ping ping;
    private final Supplier<Registry> registry;
    private final AtomicBoolean down = new AtomicBoolean();
    private final AtomicBoolean probing = new AtomicBoolean();
    /** Guarded by itself. */
    private final ArrayDeque<Consumer<Registry>> pending = new ArrayDeque<>();
    private boolean dropped;

    Outage(String nodeId, String url, ScheduledExecutorService timer, Ping ping, Supplier<Registry> registry) {
        this.nodeId = nodeId;
        this.url = url;
        this.timer = timer;
        this.ping = ping;
        this.registry = registry;
    }

    /** A call reached Redis: the end of an outage is logged once and what was kept is written. */
    void up() {
        if (down.get() && down.compareAndSet(true, false)) {
            Log.notice("cluster: node " + nodeId + " reaches cluster_redis again");
            run(this::flush);
        }
    }

    /** A call failed for want of Redis: logged at the first failure of an outage only. */
    void down(RuntimeException e) {
        if (!down.get() && down.compareAndSet(false, true)) {
            Log.warning("cluster: node " + nodeId + " lost cluster_redis " + url + ": " + e.getMessage()
                    + " (cluster calls fail until it answers again)");
        }
        scheduleProbe();
    }

    boolean isDown() {
        return down.get();
    }

    /** A connection came back: PING now rather than at the next second. */
    void probeNow() {
        if (down.get()) {
            run(this::probe);
        }
    }

    /** A registry write that failed because Redis is away, to run when it answers again. */
    void later(Consumer<Registry> write) {
        synchronized (pending) {
            if (pending.size() >= MAX_PENDING) {
                if (!dropped) {
                    dropped = true;
                    Log.warning("cluster: node " + nodeId + " keeps " + MAX_PENDING + " bind/forget writes for"
                            + " cluster_redis already; dropping more until it answers");
                }
                return;
            }
            pending.add(write);
        }
        scheduleProbe();
    }

    int pending() {
        synchronized (pending) {
            return pending.size();
        }
    }

    /** Writes what {@link #later} kept, on the timer thread; stops at the first failure (Redis went away again). */
    void flush() {
        Registry r = registry.get();
        if (r == null) {
            return;
        }
        int n = 0;
        while (true) {
            Consumer<Registry> w;
            synchronized (pending) {
                w = pending.poll();
                if (w == null) {
                    dropped = false;
                    break;
                }
            }
            try {
                w.accept(r);
                n++;
            } catch (RuntimeException e) {
                synchronized (pending) {
                    pending.addFirst(w);
                }
                down(e);
                break;
            }
        }
        if (n > 0) {
            Log.info("cluster: node " + nodeId + " wrote " + n + " bind/forget calls kept while cluster_redis was"
                    + " away");
        }
    }

    private void scheduleProbe() {
        if (probing.compareAndSet(false, true)) {
            try {
                timer.schedule(this::probe, 1, TimeUnit.SECONDS);
            } catch (RejectedExecutionException e) {
                probing.set(false); // stopping
            }
        }
    }

    private void probe() {
        probing.set(false);
        if (!down.get()) {
            return;
        }
        try {
            ping.ping();
            up();
        } catch (RuntimeException e) {
            scheduleProbe();
        }
    }

    private void run(Runnable r) {
        try {
            timer.execute(r);
        } catch (RejectedExecutionException e) {
            // stopping
        }
    }
}
