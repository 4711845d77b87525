package io.jswoole.server.mode;

import io.jswoole.coroutine.Scheduler;
import io.jswoole.server.Mode;
import io.jswoole.server.Server;
import io.jswoole.server.config.ServerConfig;
import io.jswoole.server.process.MasterCommands;
import io.jswoole.server.process.ProcessManager;
import io.jswoole.server.process.RemoteWorker;
import io.jswoole.server.process.Values;
import io.jswoole.server.spi.ServerProbe.WorkerState;
import io.jswoole.server.task.TaskOps;
import io.jswoole.server.task.Tasks;
import io.jswoole.server.worker.Worker;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * The workers of a JVM that owns the sockets, of one of two kinds chosen once, when {@link OneJvm} is built:
 * threads of this JVM ({@link Local}: BASE and THREAD, with their task workers) or worker JVMs ({@link Jvms}: the
 * PROCESS master, through its {@link ProcessManager}). {@link OneJvm} and {@link Ops} ask the pool what to do
 * instead of asking which mode they are in.
 */
abstract sealed class WorkerPool {
    private final Worker[] eventWorkers;
    private final TaskOps taskOps;
    private final WorkerOps workerOps;

    private WorkerPool(Worker[] eventWorkers, TaskOps taskOps, WorkerOps workerOps) {
        this.eventWorkers = eventWorkers;
        this.taskOps = taskOps;
        this.workerOps = workerOps;
    }

    /** The event workers, in id order. */
    final Worker[] eventWorkers() {
        return eventWorkers;
    }

    final TaskOps taskOps() {
        return taskOps;
    }

    final WorkerOps workerOps() {
        return workerOps;
    }

    /** The event workers, then the task workers, in id order. */
    abstract List<Worker> all();

    /** The workers that run in this JVM ({@code workerStart} and {@code workerStop} fire here). */
    abstract List<Worker.Local> local();

    /** Gives the pool what carries out the commands of other JVMs (worker JVMs have some). */
    abstract void commands(MasterCommands commands);

    /** Starts what serves outside this JVM (the worker JVMs), once the ports are bound. */
    abstract void start(EventLoopGroup loops) throws IOException;

    /**
     * After the drain: the workers stop ({@code workerExit} while coroutines run, at most until {@code deadline},
     * then {@code workerStop}).
     */
    abstract void stop(long deadline) throws InterruptedException;

    /** A start that failed: what {@link #start} began ends (no worker event fires). */
    abstract void abort();

    /** {@code sendMessage} from user process {@code src} to worker {@code dst}: false when it cannot arrive. */
    abstract boolean pipe(int src, int dst, byte[] message);

    /** SIGUSR1: the certificates, then (worker JVMs) a rolling restart. */
    abstract void reloadOnSignal(OneJvm engine);

    /** Whether SIGUSR2 restarts task workers (only task worker JVMs can be). */
    abstract boolean reloadsTaskWorkers();

    /** SIGUSR2: a rolling restart of the task worker JVMs. */
    abstract void reloadTaskWorkers(Ops ops);

    /** Tasks waiting or running ({@code tasking_num}). */
    abstract int tasking();

    /** Task workers with no task ({@code task_idle_worker_num}). */
    abstract int idleTaskWorkers();

    /** Whether {@code w} is a worker JVM being replaced on purpose (reload, max_request, max_memory). */
    abstract boolean replacedOnPurpose(WorkerState w);

    /** BASE (a worker per event loop of {@code loops}) or THREAD (a serial scheduler per worker). */
    static WorkerPool of(Server server, OneJvm engine, ServerConfig cfg, EventLoopGroup loops,
            UnaryOperator<Scheduler> configure, Worker.Handler handler, int taskQueueLimit) {
        if (cfg.mode() == Mode.PROCESS) {
            return new Jvms(server, engine, cfg);
        }
        Worker.Local[] workers = new Worker.Local[cfg.workerNum()];
        if (cfg.mode() == Mode.BASE) {
            int i = 0;
            for (var exec : loops) {
                workers[i] = new Worker.Local(i, configure.apply(Scheduler.on("jswoole-worker-" + i, (EventLoop) exec)),
                        handler);
                i++;
            }
        } else {
            for (int w = 0; w < workers.length; w++) {
                workers[w] = new Worker.Local(w, configure.apply(Scheduler.serial("jswoole-worker-" + w)), handler);
            }
        }
        return new Local(server, engine, cfg, workers, taskQueueLimit);
    }

    /** BASE and THREAD: the workers and task workers are schedulers of this JVM. */
    static final class Local extends WorkerPool {
        private final Server server;
        /** The task workers, or null without {@code task_worker_num}. */
        private final Tasks tasks;
        private final List<Worker.Local> local;

        private Local(Server server, OneJvm engine, ServerConfig cfg, Worker.Local[] workers, int taskQueueLimit) {
            Tasks tasks = cfg.taskWorkerNum() == 0 ? null : new Tasks(ServerAccess.handlers(server),
                    cfg.taskWorkerNum(), workers, cfg.taskIpcMode(), cfg.taskEnableCoroutine(), cfg.maxCoroutine(),
                    taskQueueLimit);
            List<Worker.Local> all = new ArrayList<>(List.of(workers));
            if (tasks != null) {
                all.addAll(List.of(tasks.workers));
            }
            List<Worker.Local> local = List.copyOf(all);
            super(workers, TaskOps.local(server, tasks, local, server::getWorkerId),
                    WorkerOps.oneJvm(server, engine, local));
            this.server = server;
            this.tasks = tasks;
            this.local = local;
        }

        @Override
        List<Worker> all() {
            return List.copyOf(local);
        }

        @Override
        List<Worker.Local> local() {
            return local;
        }

        @Override
        void commands(MasterCommands commands) {
        }

        @Override
        void start(EventLoopGroup loops) {
        }

        @Override
        void stop(long deadline) throws InterruptedException {
            for (Worker.Local w : local) {
                ServerAccess.handlers(server).workerExiting(w.scheduler, w.id, deadline);
                ServerAccess.handlers(server).workerStopping(w.scheduler, w.id, deadline + TimeUnit.SECONDS.toNanos(1));
                w.scheduler.close();
            }
        }

        @Override
        void abort() {
        }

        @Override
        boolean pipe(int src, int dst, byte[] message) {
            var handlers = ServerAccess.handlers(server);
            if (dst < 0 || dst >= local.size() || !handlers.handlesPipeMessages()) {
                return false;
            }
            handlers.pipeMessage(local.get(dst).scheduler, src, Values.decode(message));
            return true;
        }

        @Override
        void reloadOnSignal(OneJvm engine) {
            engine.reloadCertificates(); // the workers stay: they are threads of this JVM
        }

        @Override
        boolean reloadsTaskWorkers() {
            return false;
        }

        @Override
        void reloadTaskWorkers(Ops ops) {
        }

        @Override
        int tasking() {
            return tasks == null ? 0 : tasks.queued();
        }

        @Override
        int idleTaskWorkers() {
            return tasks == null ? 0 : tasks.idle();
        }

        @Override
        boolean replacedOnPurpose(WorkerState w) {
            return false;
        }
    }

    /** The PROCESS master: every worker and task worker is a JVM its manager starts, replaces and stops. */
    static final class Jvms extends WorkerPool {
        private final ProcessManager manager;
        private final List<Worker> all;

        private Jvms(Server server, OneJvm engine, ServerConfig cfg) {
            ProcessManager manager = new ProcessManager(server, cfg.workerNum(), cfg.taskWorkerNum(),
                    cfg.taskIpcMode(), cfg.maxWaitTime());
            Worker[] workers = new Worker[cfg.workerNum()];
            List<Worker> everyone = new ArrayList<>();
            for (int w = 0; w < manager.workers.length; w++) {
                // the event workers are dispatched to; the task workers' proxies keep their counters
                Worker proxy = new Worker.Jvm(w, manager.workers[w]);
                manager.workers[w].proxy = proxy;
                everyone.add(proxy);
                if (w < workers.length) {
                    workers[w] = proxy;
                }
            }
            super(workers, manager.taskOps(), WorkerOps.master(server, engine, manager));
            this.manager = manager;
            this.all = List.copyOf(everyone);
        }

        @Override
        List<Worker> all() {
            return all;
        }

        @Override
        List<Worker.Local> local() {
            return List.of();
        }

        @Override
        void commands(MasterCommands commands) {
            manager.commands = commands;
        }

        @Override
        void start(EventLoopGroup loops) throws IOException {
            manager.start(loops);
        }

        @Override
        void stop(long deadline) {
            manager.stop(); // each worker JVM runs workerExit and workerStop itself
        }

        @Override
        void abort() {
            manager.stop();
        }

        @Override
        boolean pipe(int src, int dst, byte[] message) {
            return manager.pipe(src, dst, message);
        }

        @Override
        void reloadOnSignal(OneJvm engine) {
            workerOps().reload(); // the certificates first, then the workers
        }

        @Override
        boolean reloadsTaskWorkers() {
            return manager.workers.length > eventWorkers().length;
        }

        @Override
        void reloadTaskWorkers(Ops ops) {
            Thread.ofPlatform().name("jswoole-reload-tasks").start(() -> {
                ops.reloading();
                manager.reloadTaskWorkers();
                ops.reloaded();
            });
        }

        @Override
        int tasking() {
            return manager.tasksInFlight();
        }

        @Override
        int idleTaskWorkers() {
            return manager.idleTaskWorkers();
        }

        @Override
        boolean replacedOnPurpose(WorkerState w) {
            RemoteWorker r = manager.workers[w.task() ? eventWorkers().length + w.id() : w.id()];
            return r.expectExit || r.retiring;
        }
    }
}
