package io.jswoole.process;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What {@link Process#wait(boolean)} reports: the exits of the children this API started, in the order they
 * happened. The JDK reaps its children itself (one reaper thread calls {@code waitpid} for each pid it started),
 * so a {@code waitpid(-1)} of ours would steal statuses from it; instead each child's
 * {@link java.lang.Process#onExit()} puts its exit here.
 */
final class Exits {
    /**
     * Exits kept for {@link #take}: like zombies, they wait until someone asks. A program that never asks keeps at
     * most this many (the oldest go first, with one log line).
     */
    static final int MAX_KEPT = 65_536;
    private static final LinkedBlockingQueue<Process.Exit> DONE = new LinkedBlockingQueue<>();
    private static final java.util.concurrent.atomic.AtomicBoolean DROP_LOGGED = new java.util.concurrent.atomic.AtomicBoolean();
    /** Children started and not yet reported by {@link #take}. */
    private static final AtomicInteger UNREPORTED = new AtomicInteger();

    private Exits() {
    }

    /** {@code child} was started: its exit will be reported. */
    static void watch(java.lang.Process child) {
        UNREPORTED.incrementAndGet();
        child.onExit().thenAccept(p -> {
            DONE.add(of(p.pid(), p.exitValue()));
            while (DONE.size() > MAX_KEPT && DONE.poll() != null) {
                UNREPORTED.decrementAndGet();
                if (DROP_LOGGED.compareAndSet(false, true)) {
                    io.jswoole.log.Log.warning("Process.wait: more than " + MAX_KEPT + " child exits were never "
                            + "asked for; the oldest are dropped");
                }
            }
        });
    }

    /**
     * The next exit; with {@code blocking}, waits for one (parking only a coroutine). Null when nothing has exited
     * (non-blocking) or no child is left to report (Swoole's false with ECHILD).
     */
    static Process.Exit take(boolean blocking) throws InterruptedException {
        Process.Exit e = DONE.poll();
        if (e == null && blocking && UNREPORTED.get() > 0) {
            e = DONE.take();
        }
        if (e != null) {
            UNREPORTED.decrementAndGet();
        }
        return e;
    }

    /**
     * An exit from the JDK's status: it reports a death by signal N as 128+N (there is no separate field), so
     * 129 to 159 read as signals, as a shell reads them; a JVM that exits on SIGTERM through its shutdown hooks
     * (status 143) reads as SIGTERM too.
     */
    static Process.Exit of(long pid, int status) {
        return status > 128 && status < 160 ? new Process.Exit(pid, 0, status - 128) : new Process.Exit(pid, status, 0);
    }
}
