package io.jswoole.server.task;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntPredicate;
import java.util.function.IntUnaryOperator;

/**
 * Which task worker takes a task, for local task workers ({@link Tasks}) and the PROCESS master
 * ({@code ProcessManager.routeTask}) alike, as Swoole's {@code task_ipc_mode} and {@code ProcessPool::schedule}:
 * <ul>
 * <li>1 (unix socket): a task that names its task worker goes there; one that does not goes to a free task worker,
 * looked for round the workers from where the last search stopped (the least busy when none is free).</li>
 * <li>3 (competing: Swoole's shared message queue, which the free task worker reads first): the name is ignored;
 * the task goes to a free task worker, found the same way.</li>
 * </ul>
 * A task worker being replaced (a planned restart) is passed over while another can take the task.
 */
public final class TaskRouting {
    private final int ipcMode;
    private final AtomicInteger round = new AtomicInteger();
    private volatile long lastFullLog;

    public TaskRouting(int ipcMode) {
        if (ipcMode != 1 && ipcMode != 3) {
            throw new IllegalArgumentException("task_ipc_mode must be 1 or 3, got " + ipcMode);
        }
        this.ipcMode = ipcMode;
    }

    /**
     * The index of the task worker for a task naming {@code dst} (-1: none), among {@code n}, of which
     * {@code busy(i)} tasks each holds and {@code retiring(i)} says which are being replaced.
     */
    public int pick(int dst, int n, IntUnaryOperator busy, IntPredicate retiring) {
        if (dst >= 0 && ipcMode == 1) {
            return dst;
        }
        int start = Math.floorMod(round.getAndIncrement(), n);
        int best = -1;
        for (int i = 0; i < n; i++) {
            int w = (start + i) % n;
            if (best < 0 || better(w, best, busy, retiring)) {
                best = w;
            }
            if (busy.applyAsInt(w) == 0 && !retiring.test(w)) {
                return w;
            }
        }
        return best;
    }

    /** A task refused because {@code max} tasks wait or run: one warning a second at most. */
    public void queueFull(int max) {
        long now = System.nanoTime();
        if (now - lastFullLog > 1_000_000_000L) {
            lastFullLog = now;
            io.jswoole.log.Log.warning("task queue full (" + max + " tasks waiting or running): task() fails at once "
                    + "until it drains");
        }
    }

    private static boolean better(int a, int b, IntUnaryOperator busy, IntPredicate retiring) {
        boolean ra = retiring.test(a), rb = retiring.test(b);
        return ra != rb ? !ra : busy.applyAsInt(a) < busy.applyAsInt(b);
    }
}
