package io.jswoole.server.worker;

import io.jswoole.coroutine.Scheduler;
import java.util.function.Predicate;

/**
 * The one way the engine runs the application's server, worker, task and pipe callbacks: the engine names events,
 * never the {@code Server} or its callback types (the API package's {@code Handlers} implements this, and passes
 * the server to each callback). Connection callbacks reach the workers as {@link WorkerEvent}s, through
 * {@link EventRunner}. A callback that throws is logged, except where a method says otherwise.
 */
public interface EventHandlers {
    /** The server's own events, fired in order by the JVM that owns the sockets. */
    enum ServerEvent { START, MANAGER_START, BEFORE_SHUTDOWN, MANAGER_STOP, SHUTDOWN }

    /** Fires {@code e} on the calling thread. */
    void serverEvent(ServerEvent e);

    /** {@code workerStart} of worker {@code id}, in its scheduler (not waited for). */
    void workerStarted(Scheduler scheduler, int id);

    /** {@code workerStop} in {@code scheduler} (waited for, at most 3 s), then the scheduler is closed. */
    void workerStopped(Scheduler scheduler, int id);

    /** {@code workerStop} in {@code scheduler}, waited for until {@code deadline} (System.nanoTime). */
    void workerStopping(Scheduler scheduler, int id, long deadline) throws InterruptedException;

    /**
     * {@code workerExit}, repeated while the worker still has coroutines or timers, until {@code deadline}
     * (System.nanoTime).
     */
    void workerExiting(Scheduler scheduler, int id, long deadline) throws InterruptedException;

    /** {@code workerError} in the master: worker JVM {@code id} exited abnormally. */
    void workerError(int id, long pid, int exitCode, int signal);

    /** Whether the application handles {@code pipeMessage} ({@code sendMessage} is refused without it). */
    boolean handlesPipeMessages();

    /** {@code pipeMessage} from worker {@code src}, in {@code scheduler}. */
    void pipeMessage(Scheduler scheduler, int src, Object message);

    /** {@code finish} of task {@code taskId}, in {@code scheduler} (null: the caller's). */
    void finish(Scheduler scheduler, int taskId, Object result);

    /**
     * Runs the {@code task} callback, in the calling coroutine, for task {@code id} from worker {@code src},
     * dispatched at {@code dispatchTime} (Unix seconds): returns its result, or null when there is none yet (a
     * {@code Task} object's callback finishes through it, with {@code finish}). Exceptions reach the caller.
     */
    Object task(int id, int src, Object data, double dispatchTime, Predicate<Object> finish) throws Exception;
}
