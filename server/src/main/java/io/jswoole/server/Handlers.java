package io.jswoole.server;

import io.jswoole.coroutine.Scheduler;
import io.jswoole.log.Log;
import io.jswoole.server.config.ServerConfig;
import io.jswoole.server.worker.EventHandlers;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The callbacks of a {@link Server} that are not a port's (server, worker, task and pipe events), and the one way
 * the engine fires them: a callback runs in the worker's scheduler where it has one, and a server callback that
 * throws is logged, never thrown into the engine. {@link Server}'s {@code on*} methods set the fields.
 */
final class Handlers implements EventHandlers {
    private final Server server;
    /** The connection callbacks of ports that have none of their own. */
    Callbacks.OnConnection onConnect, onClose;
    Callbacks.OnReceive onReceive;
    Callbacks.OnPacket onPacket;
    Callbacks.OnBuffer onBufferFull, onBufferEmpty;
    Callbacks.OnServer onStart, onBeforeShutdown, onShutdown, onManagerStart, onManagerStop;
    Callbacks.OnWorker onWorkerStart, onWorkerStop, onWorkerExit;
    Callbacks.OnWorkerError onWorkerError;
    Callbacks.OnTask onTask;
    Callbacks.OnTaskObject onTaskObject;
    Callbacks.OnFinish onFinish;
    Callbacks.OnPipeMessage onPipeMessage;
    /** {@code task_enable_coroutine} or {@code task_use_object}: the task callback gets a {@link Task}. */
    private boolean taskObject;
    /** Workers of this JVM that are stopping ({@code workerExit} fired): they report {@code WORKER_EXIT}. */
    private final java.util.Set<Integer> exiting = java.util.concurrent.ConcurrentHashMap.newKeySet();

    Handlers(Server server) {
        this.server = server;
    }

    /** The task callback that the settings need is set. */
    void validate(ServerConfig cfg) {
        taskObject = cfg.taskObject();
        if (cfg.taskWorkerNum() > 0 && (cfg.taskObject() ? onTaskObject == null : onTask == null)) {
            throw new IllegalStateException("task_worker_num is " + cfg.taskWorkerNum() + ": onTask is required"
                    + (cfg.taskObject() ? ", taking a Task (task_enable_coroutine / task_use_object)" : ""));
        }
    }

    /** In a worker JVM: fires workerStart in its scheduler. */
    @Override
    public void workerStarted(Scheduler scheduler, int id) {
        if (onWorkerStart != null) {
            scheduler.dispatch(() -> onWorkerStart.handle(server, id));
        }
    }

    /** In a worker JVM that is exiting: fires workerStop (at most 3 s) and clears the worker's timers. */
    @Override
    public void workerStopped(Scheduler scheduler, int id) {
        if (onWorkerStop != null) {
            CountDownLatch done = new CountDownLatch(1);
            scheduler.dispatch(() -> {
                try {
                    onWorkerStop.handle(server, id);
                } finally {
                    done.countDown();
                }
            });
            try {
                done.await(3, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        scheduler.close();
    }

    /** In the master: a worker JVM exited abnormally. */
    @Override
    public void workerError(int id, long pid, int exitCode, int signal) {
        if (onWorkerError != null) {
            try {
                onWorkerError.handle(server, id, (int) pid, exitCode, signal);
            } catch (RuntimeException e) {
                Log.error("workerError callback failed", e);
            }
        }
    }

    /** Events of the server as a whole. */
    @Override
    public void serverEvent(ServerEvent e) {
        fire(switch (e) {
            case START -> onStart;
            case MANAGER_START -> onManagerStart;
            case BEFORE_SHUTDOWN -> onBeforeShutdown;
            case MANAGER_STOP -> onManagerStop;
            case SHUTDOWN -> onShutdown;
        });
    }

    /** A worker of this JVM stops: fires {@code workerStop} in it and waits, at most until {@code deadline}. */
    @Override
    public void workerStopping(Scheduler scheduler, int id, long deadline) throws InterruptedException {
        if (onWorkerStop != null) {
            runIn(scheduler, () -> onWorkerStop.handle(server, id), deadline);
        }
    }

    /**
     * Swoole's {@code workerExit}: while a stopping worker still has coroutines or timers, fires {@code workerExit}
     * in it (again every 100 ms, as Swoole fires it at each round of an event loop that is not empty: the place to
     * clear timers and close clients), until nothing is left or {@code deadline}.
     */
    @Override
    public void workerExiting(Scheduler scheduler, int id, long deadline) throws InterruptedException {
        exiting.add(id);
        while (hasWork(scheduler) && System.nanoTime() < deadline) {
            if (onWorkerExit != null) {
                runIn(scheduler, () -> onWorkerExit.handle(server, id), deadline);
            }
            long round = Math.min(deadline, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(100));
            while (hasWork(scheduler) && System.nanoTime() < round) {
                Thread.sleep(5);
            }
        }
    }

    /** Worker {@code id} of this JVM is stopping (Swoole's {@code SW_WORKER_EXIT}). */
    boolean exiting(int id) {
        return exiting.contains(id);
    }

    private static boolean hasWork(Scheduler scheduler) {
        return scheduler.coroutineNum() > 0 || io.jswoole.timer.Timer.count(scheduler) > 0;
    }

    /** Runs {@code task} as a worker callback and waits for it, at most until {@code deadline}. */
    private static void runIn(Scheduler scheduler, Runnable task, long deadline) throws InterruptedException {
        CountDownLatch done = new CountDownLatch(1);
        scheduler.dispatch(() -> {
            try {
                task.run();
            } finally {
                done.countDown();
            }
        });
        done.await(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    }

    private void fire(Callbacks.OnServer cb) {
        if (cb != null) {
            try {
                cb.handle(server);
            } catch (RuntimeException e) {
                Log.error("server callback failed", e);
            }
        }
    }




    /** In a worker JVM: a message from {@code sendMessage}; the {@code pipeMessage} event, in its scheduler. */
    @Override
    public void pipeMessage(Scheduler scheduler, int src, Object message) {
        if (onPipeMessage == null) {
            Log.warning("a pipe message from worker " + src + " arrived, but there is no pipeMessage callback");
            return;
        }
        scheduler.dispatch(() -> onPipeMessage.handle(server, src, message));
    }

    /**
     * A task sent without its own callback finished: the {@code finish} event, in {@code scheduler} (the sender's
     * worker; null: the caller's).
     */
    @Override
    public void finish(Scheduler scheduler, int taskId, Object result) {
        if (onFinish == null) {
            Log.warning("task #" + taskId + " finished, but there is no finish callback (onFinish)");
            return;
        }
        (scheduler != null ? scheduler : Scheduler.current()).dispatch(() -> onFinish.handle(server, taskId, result));
    }

    @Override
    public boolean handlesPipeMessages() {
        return onPipeMessage != null;
    }

    @Override
    public Object task(int id, int src, Object data, double dispatchTime, Predicate<Object> finish) throws Exception {
        if (taskObject) {
            onTaskObject.handle(server, new Task(id, src, data, dispatchTime, finish));
            return null;
        }
        return onTask.handle(server, id, src, data);
    }

    /** {@link Server#on}: the event name without "on", any case; the callback must have the event's shape. */
    static void on(Server server, String event, Object callback) {
        String e = event.toLowerCase(java.util.Locale.ROOT);
        try {
            switch (e) {
                case "start" -> server.onStart((Callbacks.OnServer) callback);
                case "beforeshutdown" -> server.onBeforeShutdown((Callbacks.OnServer) callback);
                case "shutdown" -> server.onShutdown((Callbacks.OnServer) callback);
                case "managerstart" -> server.onManagerStart((Callbacks.OnServer) callback);
                case "managerstop" -> server.onManagerStop((Callbacks.OnServer) callback);
                case "workerstart" -> server.onWorkerStart((Callbacks.OnWorker) callback);
                case "workerstop" -> server.onWorkerStop((Callbacks.OnWorker) callback);
                case "workerexit" -> server.onWorkerExit((Callbacks.OnWorker) callback);
                case "workererror" -> server.onWorkerError((Callbacks.OnWorkerError) callback);
                case "task" -> {
                    if (callback instanceof Callbacks.OnTaskObject t) {
                        server.onTask(t);
                    } else {
                        server.onTask((Callbacks.OnTask) callback);
                    }
                }
                case "finish" -> server.onFinish((Callbacks.OnFinish) callback);
                case "pipemessage" -> server.onPipeMessage((Callbacks.OnPipeMessage) callback);
                case "connect" -> server.onConnect((Callbacks.OnConnection) callback);
                case "receive" -> server.onReceive((Callbacks.OnReceive) callback);
                case "close" -> server.onClose((Callbacks.OnConnection) callback);
                case "packet" -> server.onPacket((Callbacks.OnPacket) callback);
                case "bufferfull" -> server.onBufferFull((Callbacks.OnBuffer) callback);
                case "bufferempty" -> server.onBufferEmpty((Callbacks.OnBuffer) callback);
                default -> throw new IllegalArgumentException("unknown server event '" + event + "'");
            }
        } catch (ClassCastException ex) {
            throw new IllegalArgumentException("the callback of '" + event + "' has the wrong shape: "
                    + callback.getClass().getName(), ex);
        }
    }
}
