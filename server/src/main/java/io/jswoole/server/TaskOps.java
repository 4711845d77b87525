package io.jswoole.server;

import io.jswoole.ErrorCode;
import io.jswoole.LastError;
import io.jswoole.log.Log;
import java.util.List;
import java.util.function.IntSupplier;

/**
 * What callbacks can do with task workers and pipe messages, wherever they run; {@link Server} picks one at start
 * ({@link #NONE} before it) and delegates, so its task methods never ask which mode or JVM they are in.
 */
interface TaskOps {
    /** Where this JVM's tasks go, or null when there are no task workers to send to. */
    Tasks.Sender sender();

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
    static TaskOps local(Server server, Tasks tasks, List<Worker> all, IntSupplier currentWorker) {
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
                Callbacks.OnPipeMessage cb = server.handlers().pipeMessageCallback();
                if (dst < 0 || dst >= all.size() || dst == src || cb == null) {
                    return LastError.fail(ErrorCode.INVALID_PARAMS);
                }
                all.get(dst).scheduler.dispatch(() -> cb.handle(server, src, message));
                return true;
            }
        };
    }

    /** The PROCESS master: its task workers are reached from the worker JVMs; a message goes through the manager. */
    static TaskOps master(ProcessManager manager) {
        return new NoTasks() {
            @Override
            public boolean sendMessage(Object message, int dst) {
                try {
                    return manager.pipe(-1, dst, Values.encode(message)) || LastError.fail(ErrorCode.INVALID_PARAMS);
                } catch (IllegalArgumentException e) {
                    Log.warning("sendMessage(): " + e.getMessage());
                    return LastError.fail(ErrorCode.INVALID_PARAMS);
                }
            }
        };
    }

    /** A PROCESS worker JVM: everything through the master. */
    static TaskOps workerJvm(ProcessWorker link) {
        return new TaskOps() {
            @Override
            public Tasks.Sender sender() {
                return link::task;
            }

            @Override
            public boolean finish(Object result) {
                return link.finishCurrent(result);
            }

            @Override
            public boolean isTaskWorker() {
                return link.taskWorker;
            }

            @Override
            public boolean sendMessage(Object message, int dst) {
                return link.sendMessage(message, dst);
            }
        };
    }
}
