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
sealed interface WorkerPool {
    /** The event workers, in id order. */
    Worker[] eventWorkers();

    /** The event workers, then the task workers, in id order. */
    List<Worker> all();

    /** The workers that run in this JVM ({@code workerStart} and {@code workerStop} fire here). */
    List<Worker.Local> local();

    TaskOps taskOps();

    WorkerOps workerOps();

    /** Gives the pool what carries out the commands of other JVMs (worker JVMs have some). */
    void commands(MasterCommands commands);

    /** Starts what serves outside this JVM (the worker JVMs), once the ports are bound. */
    void start(EventLoopGroup loops) throws IOException;

    /**
     * After the drain: the workers stop ({@code workerExit} while coroutines run, at most until {@code deadline},
     * then {@code workerStop}).
     */
    void stop(long deadline) throws InterruptedException;

    /** A start that failed: what {@link #start} began ends (no worker event fires). */
    void abort();

    /** {@code sendMessage} from user process {@code src} to worker {@code dst}: false when it cannot arrive. */
    boolean pipe(int src, int dst, byte[] message);

    /** SIGUSR1: the certificates, then (worker JVMs) a rolling restart. */
    void reloadOnSignal(OneJvm engine);

    /** Whether SIGUSR2 restarts task workers (only task worker JVMs can be). */
    boolean reloadsTaskWorkers();

    /** SIGUSR2: a rolling restart of the task worker JVMs. */
    void reloadTaskWorkers(Ops ops);

    /** Tasks waiting or running ({@code tasking_num}). */
    int tasking();

    /** Task workers with no task ({@code task_idle_worker_num}). */
    int idleTaskWorkers();

    /** Whether {@code w} is a worker JVM being replaced on purpose (reload, max_request, max_memory). */
    boolean replacedOnPurpose(WorkerState w);

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
    final class Local implements WorkerPool {
        private final Server server;
        private final Worker.Local[] workers;
        /** The task workers, or null without {@code task_worker_num}. */
        private final Tasks tasks;
        private final List<Worker.Local> local;
        private final TaskOps taskOps;
        private final WorkerOps workerOps;

        private Local(Server server, OneJvm engine, ServerConfig cfg, Worker.Local[] workers, int taskQueueLimit) {
            this.server = server;
            this.workers = workers;
            this.tasks = cfg.taskWorkerNum() == 0 ? null : new Tasks(ServerAccess.handlers(server),
                    cfg.taskWorkerNum(), workers, cfg.taskIpcMode(), cfg.taskEnableCoroutine(), cfg.maxCoroutine(),
                    taskQueueLimit);
            List<Worker.Local> all = new ArrayList<>(List.of(workers));
            if (tasks != null) {
                all.addAll(List.of(tasks.workers));
            }
            this.local = List.copyOf(all);
            this.taskOps = TaskOps.local(server, tasks, local, server::getWorkerId);
            this.workerOps = WorkerOps.oneJvm(server, engine, local);
        }

        @Override
        public Worker[] eventWorkers() {
            return workers;
        }

        @Override
        public List<Worker> all() {
            return List.copyOf(local);
        }

        @Override
        public List<Worker.Local> local() {
            return local;
        }

        @Override
        public TaskOps taskOps() {
            return taskOps;
        }

        @Override
        public WorkerOps workerOps() {
            return workerOps;
        }

        @Override
        public void commands(MasterCommands commands) {
        }

        @Override
        public void start(EventLoopGroup loops) {
        }

        @Override
        public void stop(long deadline) throws InterruptedException {
            for (Worker.Local w : local) {
                ServerAccess.handlers(server).workerExiting(w.scheduler, w.id, deadline);
                ServerAccess.handlers(server).workerStopping(w.scheduler, w.id, deadline + TimeUnit.SECONDS.toNanos(1));
                w.scheduler.close();
            }
        }

        @Override
        public void abort() {
        }

        @Override
        public boolean pipe(int src, int dst, byte[] message) {
            var handlers = ServerAccess.handlers(server);
            if (dst < 0 || dst >= local.size() || !handlers.handlesPipeMessages()) {
                return false;
            }
            handlers.pipeMessage(local.get(dst).scheduler, src, Values.decode(message));
            return true;
        }

        @Override
        public void reloadOnSignal(OneJvm engine) {
            engine.reloadCertificates(); // the workers stay: they are threads of this JVM
        }

        @Override
        public boolean reloadsTaskWorkers() {
            return false;
        }

        @Override
        public void reloadTaskWorkers(Ops ops) {
        }

        @Override
        public int tasking() {
            return tasks == null ? 0 : tasks.queued();
        }

        @Override
        public int idleTaskWorkers() {
            return tasks == null ? 0 : tasks.idle();
        }

        @Override
        public boolean replacedOnPurpose(WorkerState w) {
            return false;
        }
    }

    /** The PROCESS master: every worker and task worker is a JVM its manager starts, replaces and stops. */
    final class Jvms implements WorkerPool {
        private final ProcessManager manager;
        private final Worker[] workers;
        private final List<Worker> all;
        private final TaskOps taskOps;
        private final WorkerOps workerOps;

        private Jvms(Server server, OneJvm engine, ServerConfig cfg) {
            manager = new ProcessManager(server, cfg.workerNum(), cfg.taskWorkerNum(), cfg.taskIpcMode(),
                    cfg.maxWaitTime());
            workers = new Worker[cfg.workerNum()];
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
            all = List.copyOf(everyone);
            taskOps = manager.taskOps();
            workerOps = WorkerOps.master(server, engine, manager);
        }

        @Override
        public Worker[] eventWorkers() {
            return workers;
        }

        @Override
        public List<Worker> all() {
            return all;
        }

        @Override
        public List<Worker.Local> local() {
            return List.of();
        }

        @Override
        public TaskOps taskOps() {
            return taskOps;
        }

        @Override
        public WorkerOps workerOps() {
            return workerOps;
        }

        @Override
        public void commands(MasterCommands commands) {
            manager.commands = commands;
        }

        @Override
        public void start(EventLoopGroup loops) throws IOException {
            manager.start(loops);
        }

        @Override
        public void stop(long deadline) {
            manager.stop(); // each worker JVM runs workerExit and workerStop itself
        }

        @Override
        public void abort() {
            manager.stop();
        }

        @Override
        public boolean pipe(int src, int dst, byte[] message) {
            return manager.pipe(src, dst, message);
        }

        @Override
        public void reloadOnSignal(OneJvm engine) {
            workerOps.reload(); // the certificates first, then the workers
        }

        @Override
        public boolean reloadsTaskWorkers() {
            return manager.workers.length > workers.length;
        }

        @Override
        public void reloadTaskWorkers(Ops ops) {
            Thread.ofPlatform().name("jswoole-reload-tasks").start(() -> {
                ops.reloading();
                manager.reloadTaskWorkers();
                ops.reloaded();
            });
        }

        @Override
        public int tasking() {
            return manager.tasksInFlight();
        }

        @Override
        public int idleTaskWorkers() {
            return manager.idleTaskWorkers();
        }

        @Override
        public boolean replacedOnPurpose(WorkerState w) {
            RemoteWorker r = manager.workers[w.task() ? workers.length + w.id() : w.id()];
            return r.expectExit || r.retiring;
        }
    }
}
