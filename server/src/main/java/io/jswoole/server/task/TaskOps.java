package io.jswoole.server.task;

import io.jswoole.ErrorCode;
import io.jswoole.LastError;
import io.jswoole.log.Log;
import io.jswoole.server.Callbacks;
import io.jswoole.server.Server;
import io.jswoole.server.mode.ServerAccess;
import io.jswoole.server.worker.EventHandlers;
import io.jswoole.server.worker.Worker;
import java.util.List;
import java.util.function.IntSupplier;

/**
 * What callbacks can do with task workers and pipe messages, wherever they run; {@link Server} picks one at start
 * ({@link #NONE} before it) and delegates, so its task methods never ask which mode or JVM they are in.
 */
public interface TaskOps {
    /** Where this JVM's tasks go, or null when there are no task workers to send to. */
    Tasks.Sender sender();

    /**
     * {@code task()}: sends {@code data} to task worker {@code dst} (-1: any); the result goes to {@code callback} in
     * the caller's scheduler, or to the {@code finish} event when it is null. -1 when there is nowhere to send it.
     */
    default int task(Server server, Object data, int dst, Callbacks.OnFinish callback) {
        if (inTaskWorker("task")) {
            return -1;
        }
        Tasks.Sender sender = sender();
        if (sender == null) {
            Log.warning("task(): no task workers (set task_worker_num)");
            LastError.set(ErrorCode.TASK_DISPATCH_FAIL);
            return -1;
        }
        if (callback == null) {
            return sender.task(data, dst, null);
        }
        io.jswoole.coroutine.Scheduler home = io.jswoole.coroutine.Scheduler.currentOrNull();
        int[] id = new int[1];
        java.util.function.Consumer<Object> reply = result -> {
            Object r = result == Tasks.FAILED ? null : result;
            if (result == Tasks.FAILED) {
                Log.warning("task #" + id[0] + " failed: its task worker died");
            }
            Runnable run = () -> callback.handle(server, id[0], r);
            if (home != null) {
                home.dispatch(run);
            } else {
                run.run();
            }
        };
        id[0] = sender.task(data, dst, reply);
        return id[0];
    }

    /** {@code taskwait()}: the result, or null (2003 on timeout, 2002 with no task workers). */
    default Object taskwait(Object data, double timeout, int dst) {
        Tasks.Sender sender = inTaskWorker("taskwait") ? null : sender();
        if (sender == null) {
            LastError.set(ErrorCode.TASK_DISPATCH_FAIL);
            return null;
        }
        return Tasks.taskwait(sender, data, timeout, dst);
    }

    /** {@code taskWaitMulti()}: every result, null where one is missing. */
    default List<Object> taskWaitMulti(List<?> data, double timeout) {
        Tasks.Sender sender = inTaskWorker("taskWaitMulti") ? null : sender();
        if (sender == null) {
            LastError.set(ErrorCode.TASK_DISPATCH_FAIL);
            return java.util.Collections.nCopies(data.size(), null);
        }
        return Tasks.taskWaitMulti(sender, data, timeout);
    }

    /**
     * Swoole refuses the task methods in a task worker ("Server->task() cannot use in the task-worker"): a task
     * waiting for a task can take every task worker. True, with that warning and 2002, when the caller is one.
     */
    private boolean inTaskWorker(String method) {
        if (!isTaskWorker()) {
            return false;
        }
        Log.warning(method + "(): cannot be used in a task worker, as in Swoole");
        LastError.set(ErrorCode.TASK_DISPATCH_FAIL);
        return true;
    }

    /** {@code finish()} in a task callback. */
    boolean finish(Object result);

    /** Whether the caller runs in a task worker. */
    boolean isTaskWorker();

    /** {@code sendMessage} to worker or task worker {@code dst}. */
    boolean sendMessage(Object message, int dst);

    /** Before start: no task workers, no workers to message. */
    TaskOps NONE = new NoTasks();

    /** No task worker to send to from here: before start, and in the PROCESS master. */
    class NoTasks implements TaskOps {
        @Override
        public Tasks.Sender sender() {
            return null;
        }

        @Override
        public boolean finish(Object result) {
            return LastError.fail(ErrorCode.WRONG_OPERATION);
        }

        @Override
        public boolean isTaskWorker() {
            return false;
        }

        @Override
        public boolean sendMessage(Object message, int dst) {
            return LastError.fail(ErrorCode.INVALID_PARAMS);
        }
    }

    /** BASE and THREAD: task workers (if any) and workers are threads of this JVM. */
    static TaskOps local(Server server, Tasks tasks, List<Worker.Local> all, IntSupplier currentWorker) {
        return new TaskOps() {
            @Override
            public Tasks.Sender sender() {
                if (tasks == null) {
                    return null;
                }
                int src = currentWorker.getAsInt();
                return (data, dst, reply) -> tasks.task(data, dst, src, reply);
            }

            @Override
            public boolean finish(Object result) {
                return tasks != null ? tasks.finishCurrent(result) : LastError.fail(ErrorCode.WRONG_OPERATION);
            }

            @Override
            public boolean isTaskWorker() {
                return tasks != null && tasks.current() != null;
            }

            @Override
            public boolean sendMessage(Object message, int dst) {
                int src = currentWorker.getAsInt();
                EventHandlers handlers = ServerAccess.handlers(server);
                if (dst < 0 || dst >= all.size() || dst == src || !handlers.handlesPipeMessages()) {
                    return LastError.fail(ErrorCode.INVALID_PARAMS);
                }
                handlers.pipeMessage(all.get(dst).scheduler, src, message);
                return true;
            }
        };
    }

}
