package io.jswoole.server;

/**
 * A task as {@code task_enable_coroutine} hands it to the {@code task} callback: its id, the worker that sent it,
 * its data, and {@link #finish} to send the result back.
 */
public final class Task {
    final Tasks.Job job;
    private final Tasks tasks;

    Task(Tasks tasks, Tasks.Job job) {
        this.tasks = tasks;
        this.job = job;
    }

    public int id() {
        return job.id();
    }

    /** The worker that sent the task ({@code worker_id}). */
    public int workerId() {
        return job.srcWorker();
    }

    public Object data() {
        return job.data();
    }

    /** When the task was dispatched (Unix seconds). */
    public double dispatchTime() {
        return job.dispatchTime();
    }

    /** Sends {@code result} back to the sender ({@code finish} or its callback, or {@code taskwait}). */
    public boolean finish(Object result) {
        if (tasks == null) { // a task worker JVM: the job's reply sends the result to the master
            if (!job.finished.compareAndSet(false, true)) {
                return false;
            }
            job.reply.accept(result);
            return true;
        }
        return tasks.finish(job, result);
    }
}
