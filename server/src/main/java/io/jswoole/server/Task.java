package io.jswoole.server;

import java.util.function.Predicate;

/**
 * A task as {@code task_enable_coroutine} hands it to the {@code task} callback: its id, the worker that sent it,
 * its data, and {@link #finish} to send the result back.
 */
public final class Task {
    private final int id;
    private final int workerId;
    private final Object data;
    private final double dispatchTime;
    private final Predicate<Object> finish;

    Task(int id, int workerId, Object data, double dispatchTime, Predicate<Object> finish) {
        this.id = id;
        this.workerId = workerId;
        this.data = data;
        this.dispatchTime = dispatchTime;
        this.finish = finish;
    }

    public int id() {
        return id;
    }

    /** The worker that sent the task ({@code worker_id}). */
    public int workerId() {
        return workerId;
    }

    public Object data() {
        return data;
    }

    /** When the task was dispatched (Unix seconds). */
    public double dispatchTime() {
        return dispatchTime;
    }

    /**
     * Sends {@code result} back to the sender ({@code finish} or its callback, or {@code taskwait}); false when the
     * task was finished already.
     */
    public boolean finish(Object result) {
        return finish.test(result);
    }
}
