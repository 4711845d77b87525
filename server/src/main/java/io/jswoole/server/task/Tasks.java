package io.jswoole.server.task;

import io.jswoole.ErrorCode;
import io.jswoole.LastError;
import io.jswoole.coroutine.Scheduler;
import io.jswoole.log.Log;
import io.jswoole.server.worker.EventHandlers;
import io.jswoole.server.worker.Worker;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Task workers in this JVM (BASE and THREAD mode): {@code task_worker_num} serial schedulers that run the
 * {@code task} callback, with worker ids following the event workers' ({@code worker_num}, {@code worker_num + 1},
 * ...). Payloads pass by reference.
 * <p>The queue is bounded: at most {@link #MAX_QUEUED} tasks wait or run at once; past it {@code task()} fails at
 * once (error 2002) and nothing blocks. {@code task_ipc_mode} 1 sends a task to the worker asked for, or to the
 * one with the fewest tasks; 3 makes the task workers compete for every task (the target is ignored).
 */
public final class Tasks {
    public static final int MAX_QUEUED = 65_536;
    static final ScopedValue<Job> CURRENT = ScopedValue.newInstance();
    /** What a task's reply receives when its task worker died before finishing it (PROCESS mode). */
    public static final Object FAILED = new Object();

    /** Sends a task; -1 when it cannot be sent. Local task workers and worker JVMs each have one. */
    @FunctionalInterface
    public interface Sender {
        int task(Object data, int dst, Consumer<Object> reply);
    }

    /** One task on its way: where its result goes is {@code reply} (null: the sender's {@code finish} event). */
    public static final class Job {
        private final int id;
        private final int srcWorker;
        private final Object data;
        private final double dispatchTime = System.currentTimeMillis() / 1000.0;
        public final Consumer<Object> reply;
        public final AtomicBoolean finished = new AtomicBoolean();

        public Job(int id, int srcWorker, Object data, Consumer<Object> reply) {
            this.id = id;
            this.srcWorker = srcWorker;
            this.data = data;
            this.reply = reply;
        }

        public int id() {
            return id;
        }

        public int srcWorker() {
            return srcWorker;
        }

        public Object data() {
            return data;
        }

        public double dispatchTime() {
            return dispatchTime;
        }
    }

    private final EventHandlers handlers;
    public final Worker.Local[] workers;
    private final int firstId;
    /** The event workers, by id: where a task without its own callback reports its finish. */
    private final Worker[] eventWorkers;
    private final TaskRouting routing;
    private final AtomicInteger ids = new AtomicInteger();
    private final AtomicInteger queued = new AtomicInteger();
    private final int maxQueued;

    public Tasks(EventHandlers handlers, int count, Worker[] eventWorkers, int ipcMode, boolean coroutines,
            int maxCoroutine, int maxQueued) {
        this.maxQueued = maxQueued;
        this.handlers = handlers;
        this.eventWorkers = eventWorkers;
        this.firstId = eventWorkers.length;
        this.routing = new TaskRouting(ipcMode);
        this.workers = new Worker.Local[count];
        for (int i = 0; i < count; i++) {
            workers[i] = new Worker.Local(firstId + i, Scheduler.serial("jswoole-task-" + i).enableCoroutine(coroutines)
                    .maxCoroutine(maxCoroutine), (w, e) -> { });
        }
    }

    /**
     * Queues {@code data} for a task worker ({@code dst} is a task worker index, -1 for any) and returns the task
     * id, or -1 (with {@link LastError}) when the queue is full or {@code dst} is out of range.
     */
    int task(Object data, int dst, int srcWorker, Consumer<Object> reply) {
        if (dst >= workers.length || dst < -1) {
            Log.warning("task: no task worker " + dst + " (task_worker_num is " + workers.length + ")");
            LastError.set(ErrorCode.TASK_DISPATCH_FAIL);
            return -1;
        }
        if (queued.incrementAndGet() > maxQueued) {
            queued.decrementAndGet();
            routing.queueFull(maxQueued);
            LastError.set(ErrorCode.TASK_DISPATCH_FAIL);
            return -1;
        }
        Job job = new Job(ids.getAndIncrement(), srcWorker, data, reply);
        Worker.Local w = workers[pick(dst)];
        w.concurrency.incrementAndGet();
        try {
            w.scheduler.dispatch(() -> run(w, job));
        } catch (RuntimeException e) {
            w.concurrency.decrementAndGet();
            queued.decrementAndGet();
            LastError.set(ErrorCode.TASK_DISPATCH_FAIL);
            return -1;
        }
        return job.id;
    }

    private int pick(int dst) {
        return routing.pick(dst, workers.length, i -> workers[i].concurrency.get(), i -> false);
    }

    private void run(Worker w, Job job) {
        try {
            Object result = ScopedValue.where(CURRENT, job).call(
                    () -> handlers.task(job.id, job.srcWorker, job.data, job.dispatchTime, r -> finish(job, r)));
            if (result != null) {
                finish(job, result);
            }
        } catch (Exception e) {
            Log.error("task #" + job.id + " failed in task worker " + w.id, e);
        } finally {
            w.requestCount.increment();
            w.concurrency.decrementAndGet();
            queued.decrementAndGet();
        }
    }

    /** Sends a task's result to where it is awaited; a task finishes once. */
    public boolean finish(Job job, Object result) {
        if (!job.finished.compareAndSet(false, true)) {
            return LastError.fail(ErrorCode.WRONG_OPERATION);
        }
        if (job.reply != null) {
            job.reply.accept(result);
        } else {
            // the finish event, in the worker that sent the task (an event worker or a task worker)
            int src = job.srcWorker;
            Worker sender = src < 0 ? null : src < firstId ? eventWorkers[src]
                    : src - firstId < workers.length ? workers[src - firstId] : null;
            handlers.finish(sender instanceof Worker.Local l ? l.scheduler : null, job.id, result);
        }
        return true;
    }

    /** {@code finish(data)} called in the {@code task} callback: finishes the task being run. */
    boolean finishCurrent(Object result) {
        if (!CURRENT.isBound()) {
            Log.warning("finish() outside a task callback");
            return LastError.fail(ErrorCode.WRONG_OPERATION);
        }
        return finish(CURRENT.get(), result);
    }

    /**
     * Sends a task and waits for its result: null after {@code timeout} seconds (error 2003) or when its task
     * worker died (2002).
     */
    static Object taskwait(Sender sender, Object data, double timeout, int dst) {
        CompletableFuture<Object> f = new CompletableFuture<>();
        if (sender.task(data, dst, f::complete) < 0) {
            return null;
        }
        return await(f, System.nanoTime() + (long) (timeout * 1e9));
    }

    /** Sends every task at once and waits for all, at most {@code timeout} seconds; a missing result is null. */
    static List<Object> taskWaitMulti(Sender sender, List<?> data, double timeout) {
        List<CompletableFuture<Object>> futures = new ArrayList<>();
        for (Object d : data) {
            CompletableFuture<Object> f = new CompletableFuture<>();
            if (sender.task(d, -1, f::complete) < 0) {
                f.complete(null);
            }
            futures.add(f);
        }
        long deadline = System.nanoTime() + (long) (timeout * 1e9);
        List<Object> results = new ArrayList<>();
        for (CompletableFuture<Object> f : futures) {
            results.add(await(f, deadline));
        }
        return results;
    }

    private static Object await(CompletableFuture<Object> f, long deadline) {
        try {
            Object v = f.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (v == FAILED) {
                LastError.set(ErrorCode.TASK_DISPATCH_FAIL);
                return null;
            }
            return v;
        } catch (TimeoutException e) {
            LastError.set(ErrorCode.TASK_TIMEOUT);
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } catch (ExecutionException e) {
            return null;
        }
    }

    /** The task worker running the caller, or null. */
    Worker.Local current() {
        Scheduler s = Scheduler.currentOrNull();
        for (Worker.Local w : workers) {
            if (w.scheduler == s) {
                return w;
            }
        }
        return null;
    }

    int firstId() {
        return firstId;
    }

    public int queued() {
        return queued.get();
    }

    public int idle() {
        int n = 0;
        for (Worker w : workers) {
            n += w.idle() ? 1 : 0;
        }
        return n;
    }
}
