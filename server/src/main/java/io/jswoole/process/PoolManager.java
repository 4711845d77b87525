package io.jswoole.process;

import io.jswoole.log.Log;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The supervision of a {@link Pool} in its own JVM (Swoole's manager process): starts each worker JVM, forwards the
 * messages workers send each other, restarts a worker that exits (after a pause that doubles, 0.1 s to 10 s, while
 * workers keep dying within {@link #QUICK_DEATH_NANOS} of starting), and stops them: SIGTERM, then SIGKILL after
 * {@code max_wait_time}. Worker exits come from the JDK ({@code onExit}), never from a {@code waitpid} of ours.
 */
final class PoolManager {
    /**
     * A worker that exits sooner than this after it connected died "quickly" (its pause doubles). Three seconds, not
     * one: a JVM's own exit takes over a second on a loaded machine, and a crash loop then looked healthy (no pause).
     */
    private static final long QUICK_DEATH_NANOS = TimeUnit.SECONDS.toNanos(3);
    private static final long MIN_PAUSE_MS = 100;
    private static final long MAX_PAUSE_MS = 10_000;

    /** One worker id: its current process (replaced at each restart). */
    private static final class Slot {
        final int id;
        volatile java.lang.Process handle;
        volatile Pipe pipe;
        volatile Process view;
        volatile long startedAt;
        long pauseMs;
        volatile boolean reloading;

        Slot(int id) {
            this.id = id;
        }
    }

    private final Pool pool;
    private final Slot[] slots;
    private final AtomicBoolean started = new AtomicBoolean();
    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private final AtomicInteger launching = new AtomicInteger();
    private final AtomicBoolean reloadRunning = new AtomicBoolean();
    private volatile boolean stopping;
    /** IPC_SOCKET: the listening socket outside clients feed; null otherwise. */
    private volatile PoolListener listener;
    private final AtomicInteger nextWorker = new AtomicInteger();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("jswoole-pool-manager").factory());

    PoolManager(Pool pool) {
        this.pool = pool;
        this.slots = new Slot[pool.workerNum()];
        for (int i = 0; i < slots.length; i++) {
            slots[i] = new Slot(i);
        }
    }

    boolean run() throws InterruptedException {
        if (!started.compareAndSet(false, true)) {
            throw new IllegalStateException("the pool was started already");
        }
        if (pool.ipcType() == Pool.IPC_SOCKET) {
            if (pool.listenHost() == null) {
                throw new IllegalStateException("an IPC_SOCKET pool needs listen(host, port) before start()");
            }
            try {
                listener = new PoolListener(pool.listenHost(), pool.listenPort(), pool.listenBacklog(),
                        pool.maxPackageSize(), new PoolListener.Dispatch() {
                            @Override
                            public int pick() {
                                return pickWorker();
                            }

                            @Override
                            public boolean send(int worker, long id, byte[] data) {
                                byte[] frame = java.nio.ByteBuffer.allocate(8 + data.length).putLong(id).put(data)
                                        .array();
                                return write(slots[worker], frame);
                            }
                        });
            } catch (IOException e) {
                throw new IllegalStateException("pool listen on " + pool.listenHost() + ":" + pool.listenPort()
                        + " failed: " + e.getMessage(), e);
            }
        }
        List<Integer> signals = new ArrayList<>();
        handle(signals, Sig.SIGTERM, s -> stop());
        handle(signals, Sig.SIGINT, s -> stop());
        handle(signals, 10, s -> reloadSoon());
        try {
            List<Thread> starting = new ArrayList<>();
            for (Slot s : slots) {
                starting.add(Thread.ofPlatform().daemon().name("jswoole-pool-start-" + s.id).start(() -> spawn(s)));
            }
            for (Thread t : starting) {
                t.join();
            }
            if (listener != null) {
                listener.start();
            }
            if (!stopping && pool.startCallback() != null) {
                callback("onStart", pool.startCallback());
            }
            stopRequested.await();
            stopAll();
            if (pool.shutdownCallback() != null) {
                callback("onShutdown", pool.shutdownCallback());
            }
            return true;
        } finally {
            for (int sig : signals) {
                Sig.handle(sig, null);
            }
            if (listener != null) {
                listener.close();
            }
            timer.shutdownNow();
        }
    }

    private static void handle(List<Integer> installed, int sig, java.util.function.IntConsumer h) {
        try {
            Sig.handle(sig, h);
            installed.add(sig);
        } catch (IllegalArgumentException e) {
            Log.warning("the pool does not handle SIG" + Sig.name(sig) + ": " + e.getMessage());
        }
    }

    private void callback(String name, java.util.function.Consumer<Pool> cb) {
        try {
            cb.accept(pool);
        } catch (RuntimeException | Error e) {
            Log.warning("pool " + name + " callback threw", e);
        }
    }

    void stop() {
        stopping = true;
        stopRequested.countDown();
    }

    boolean running() {
        return started.get() && !stopping;
    }

    Process process(int id) {
        return slots[id].view;
    }

    int port() {
        PoolListener l = listener;
        return l == null ? -1 : l.port();
    }

    /** The next running worker, round robin; -1 when none runs. */
    private int pickWorker() {
        for (int i = 0; i < slots.length; i++) {
            Slot s = slots[Math.floorMod(nextWorker.getAndIncrement(), slots.length)];
            java.lang.Process h = s.handle;
            if (h != null && h.isAlive() && !s.reloading) {
                return s.id;
            }
        }
        return -1;
    }

    boolean deliver(byte[] data, int dst) {
        return write(slots[dst], data);
    }

    private boolean write(Slot s, byte[] data) {
        Pipe p = s.pipe;
        java.lang.Process h = s.handle;
        if (p == null || h == null || !h.isAlive()) {
            return false;
        }
        try {
            p.write(data, 0, data.length);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Starts worker {@code s} (blocking until it has connected); on failure, tries again after the pause. */
    private void spawn(Slot s) {
        if (stopping) {
            return;
        }
        launching.incrementAndGet();
        try {
            List<String> args = new ArrayList<>();
            args.add(ChildMain.MODE_POOL);
            args.addAll(pool.workerArgs(s.id));
            Launcher.Started st = Launcher.launch("jswoole: pool worker #" + s.id, 1_000_000 + s.id,
                    pool.loader(), Process.PIPE_TYPE_DGRAM, args);
            s.startedAt = System.nanoTime();
            s.pipe = st.pipe();
            s.handle = st.process();
            // a view whose write is a message to the worker; IPC_SOCKET pipes carry the listener's frames only
            s.view = Process.poolWorker(st.process(), pool.ipcType() == Pool.IPC_SOCKET ? null : st.pipe());
            Thread.ofPlatform().daemon().name("jswoole-pool-read-" + s.id).start(() -> forward(s, st.pipe()));
            st.process().onExit().thenAccept(p -> exited(s, p));
            if (stopping) {
                st.process().destroy(); // stop() came while it started
            }
        } catch (IOException | RuntimeException e) {
            Log.warning("pool worker #" + s.id + " could not start: " + e.getMessage());
            s.startedAt = System.nanoTime();
            restartLater(s);
        } finally {
            launching.decrementAndGet();
        }
    }

    /**
     * What a worker sends, until its pipe ends: a message to another worker (4-byte destination id, the data), or
     * for the listener an answer (-2, the 8-byte connection id, the data) or the end of one (-3, the id).
     */
    private void forward(Slot s, Pipe pipe) {
        try {
            for (byte[] frame; (frame = pipe.read(Pipe.MAX_MESSAGE + Pipe.HEADROOM)) != null; ) {
                if (frame.length < 4) {
                    continue;
                }
                java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(frame);
                int dst = b.getInt();
                PoolListener l = listener;
                if ((dst == -2 || dst == -3) && l != null && frame.length >= 12) {
                    long id = b.getLong();
                    if (dst == -2) {
                        l.write(id, java.util.Arrays.copyOfRange(frame, 12, frame.length));
                    } else {
                        l.done(id);
                    }
                } else if (dst >= 0 && dst < slots.length && !deliver(java.util.Arrays.copyOfRange(frame, 4, frame.length),
                        dst)) {
                    Log.notice("pool worker #" + s.id + "'s message to worker #" + dst + " was dropped: not running");
                }
            }
        } catch (IOException e) {
            // the worker is gone; its exit is handled by exited()
        } finally {
            try {
                pipe.close();
            } catch (IOException e) {
                // closed already
            }
            PoolListener l = listener;
            if (l != null) {
                l.workerGone(s.id); // after its last answers: the clients it still had get no more
            }
        }
    }

    private void exited(Slot s, java.lang.Process p) {
        Process.Exit e = Exits.of(p.pid(), p.exitValue());
        // the pipe is closed by forward() once it has read the dead worker's last frames (its answers included)
        if (stopping || s.reloading || s.handle != p) {
            return; // stopping, or a reload restarts it (and may have already: then s.handle is the new one)
        }
        Log.notice("pool worker #" + s.id + " (pid " + e.pid() + ") exited with code " + e.code() + ", signal "
                + e.signal() + "; restarting it");
        restartLater(s);
    }

    private void restartLater(Slot s) {
        if (stopping) {
            return;
        }
        if (System.nanoTime() - s.startedAt < QUICK_DEATH_NANOS) {
            s.pauseMs = s.pauseMs == 0 ? MIN_PAUSE_MS : Math.min(s.pauseMs * 2, MAX_PAUSE_MS);
        } else {
            s.pauseMs = 0;
        }
        try {
            timer.schedule(() -> Thread.ofPlatform().daemon().name("jswoole-pool-start-" + s.id).start(() -> spawn(s)),
                    s.pauseMs, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException ex) {
            // the pool has stopped
        }
    }

    /** SIGUSR1: stops and restarts the workers one at a time. */
    void reloadSoon() {
        if (stopping || !reloadRunning.compareAndSet(false, true)) {
            return;
        }
        Thread.ofPlatform().daemon().name("jswoole-pool-reload").start(() -> {
            try {
                for (Slot s : slots) {
                    if (stopping) {
                        break;
                    }
                    s.reloading = true;
                    stopOne(s, System.nanoTime() + nanos(pool.maxWaitTime()));
                    spawn(s);
                    s.reloading = false; // only now: until the new one is in place, exited() leaves the slot alone
                }
            } finally {
                reloadRunning.set(false);
            }
        });
    }

    private void stopAll() throws InterruptedException {
        if (listener != null) {
            listener.stopAccepting(); // the messages being handled still get their answers
        }
        long deadline = System.nanoTime() + nanos(pool.maxWaitTime());
        while (launching.get() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(10); // a worker starting now is stopped as soon as it has connected
        }
        for (Slot s : slots) {
            java.lang.Process h = s.handle;
            if (h != null && h.isAlive()) {
                h.destroy();
            }
        }
        for (Slot s : slots) {
            stopOne(s, deadline);
        }
    }

    /** SIGTERM to worker {@code s}; SIGKILL once {@code deadline} has passed; returns when it is gone. */
    private void stopOne(Slot s, long deadline) {
        java.lang.Process h = s.handle;
        if (h == null) {
            return;
        }
        h.destroy();
        try {
            h.onExit().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            Log.warning("pool worker #" + s.id + " (pid " + h.pid() + ") did not stop within max_wait_time ("
                    + pool.maxWaitTime() + " s): killed");
            h.destroyForcibly();
            try {
                h.onExit().get(5, TimeUnit.SECONDS);
            } catch (Exception ex) {
                Log.warning("pool worker #" + s.id + " (pid " + h.pid() + ") is still there after SIGKILL: " + ex);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException e) {
            // onExit does not fail
        }
    }

    private static long nanos(double seconds) {
        return (long) (seconds * 1e9);
    }
}
