package io.jswoole.server;

/** The callback shapes of Swoole's server events, one functional interface per signature. */
public final class Callbacks {
    private Callbacks() {
    }

    /** {@code start}, {@code beforeShutdown}, {@code shutdown}, {@code managerStart}, {@code managerStop}. */
    @FunctionalInterface
    public interface OnServer {
        void handle(Server server);
    }

    /** {@code workerStart}, {@code workerStop}, {@code workerExit}: {@code (server, workerId)}. */
    @FunctionalInterface
    public interface OnWorker {
        void handle(Server server, int workerId);
    }

    /**
     * {@code workerError} (PROCESS mode, in the master): {@code (server, workerId, workerPid, exitCode, signal)}.
     */
    @FunctionalInterface
    public interface OnWorkerError {
        void handle(Server server, int workerId, int workerPid, int exitCode, int signal);
    }

    /**
     * {@code connect} and {@code close}: {@code (server, fd, reactorId)}; a close by the server has reactorId
     * {@code < 0}.
     */
    @FunctionalInterface
    public interface OnConnection {
        void handle(Server server, int fd, int reactorId);
    }

    /** {@code receive}: {@code (server, fd, reactorId, data)}; {@code data} is the caller's to keep. */
    @FunctionalInterface
    public interface OnReceive {
        void handle(Server server, int fd, int reactorId, byte[] data);
    }

    /** {@code bufferFull} and {@code bufferEmpty}: {@code (server, fd)}. */
    @FunctionalInterface
    public interface OnBuffer {
        void handle(Server server, int fd);
    }

    /**
     * {@code task}: {@code (server, taskId, srcWorkerId, data)}, in a task worker. A non-null return value finishes
     * the task, as {@code finish(value)} does.
     */
    @FunctionalInterface
    public interface OnTask {
        Object handle(Server server, int taskId, int srcWorkerId, Object data);
    }

    /** {@code task} with {@code task_enable_coroutine} or {@code task_use_object}: {@code (server, task)}. */
    @FunctionalInterface
    public interface OnTaskObject {
        void handle(Server server, Task task);
    }

    /** {@code finish}: {@code (server, taskId, result)}, in the worker that sent the task. */
    @FunctionalInterface
    public interface OnFinish {
        void handle(Server server, int taskId, Object result);
    }

    /** {@code pipeMessage}: {@code (server, srcWorkerId, message)}, from {@code sendMessage}. */
    @FunctionalInterface
    public interface OnPipeMessage {
        void handle(Server server, int srcWorkerId, Object message);
    }

    /** {@code packet}: {@code (server, data, clientInfo)} for UDP and Unix datagram ports. */
    @FunctionalInterface
    public interface OnPacket {
        void handle(Server server, byte[] data, PacketInfo clientInfo);
    }
}
